/// <reference types="jest" />
/** The contract: the tables beside the events (aliases, the rejection log, checkpoints). */
import type { ContractContext } from './contractContext';
import { right, at, range, rights } from './contractHelpers';

export const describeSideTables = ({ store, instances }: ContractContext): void => {
  describe('aliases', () => {
    test('the first writer wins, repeats are harmless, unknown aliases are undefined', async () => {
      const s = store();
      expect(await right(s.getAlias('tx-1'))).toBeUndefined();
      await right(s.putAlias('tx-1', 'order-1'));
      await right(s.putAlias('tx-1', 'order-1'));
      await right(s.putAlias('tx-1', 'order-2'));
      expect(await right(s.getAlias('tx-1'))).toBe('order-1');
      await right(s.putAlias('tx-2', 'order-1'));
      expect(await right(s.getAlias('tx-2'))).toBe('order-1');
    });

    test('concurrent writers of one alias agree on a single stream', async () => {
      const targets = await instances();
      const results = await Promise.all(range(0, 9).map((i) => at(targets, i).putAlias('tx-9', `order-${i}`)()));
      expect(rights(results)).toHaveLength(10);
      const seen = await Promise.all(targets.map((t) => right(t.getAlias('tx-9'))));
      expect(new Set(seen).size).toBe(1);
      expect(seen[0]).toMatch(/^order-\d$/);
    });
  });

  describe('rejections', () => {
    const body = '{"order_id":"o1","note":"Rp 10.000 — 東京 🚀","bad":"\u0000\\u0000"}';

    test('round-trip in id order, filtered by order, from an id, up to a limit', async () => {
      const s = store();
      const inputs = [
        { receivedAt: '2024-05-01T10:00:00.000Z', kind: 'notification', orderId: 'o1', reason: 'bad signature', rawBody: body },
        { receivedAt: '2024-05-01T10:00:01Z', kind: 'notification', orderId: null, reason: 'not JSON', rawBody: '<html>' },
        { receivedAt: '2024-05-01T10:00:02.5+07:00', kind: 'status', orderId: 'o2', reason: '', rawBody: '' },
        { receivedAt: '2024-05-01T10:00:03.000Z', kind: 'notification', orderId: 'o1', reason: 'unknown status "x"', rawBody: '{}' },
      ];
      const ids: number[] = [];
      for (const r of inputs) ids.push((await right(s.recordRejection(r))).id);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      expect(new Set(ids).size).toBe(4);
      const all = await right(s.readRejections());
      expect(all).toEqual(inputs.map((r, i) => ({ id: ids[i], ...r })));
      expect((await right(s.readRejections({ orderId: 'o1' }))).map((r) => r.id)).toEqual([ids[0], ids[3]]);
      expect((await right(s.readRejections({ fromId: ids[1] ?? 0 }))).map((r) => r.id)).toEqual([ids[2], ids[3]]);
      expect((await right(s.readRejections({ limit: 2 }))).map((r) => r.id)).toEqual([ids[0], ids[1]]);
      expect((await right(s.readRejections({ orderId: 'o1', fromId: ids[0] ?? 0 }))).map((r) => r.id)).toEqual([ids[3]]);
      expect(await right(s.readRejections({ orderId: 'none' }))).toEqual([]);
    });

    test('rejections never appear in the event log', async () => {
      const s = store();
      await right(s.recordRejection({ receivedAt: '2024-05-01T10:00:00.000Z', kind: 'k', orderId: 'o1', reason: 'r', rawBody: body }));
      expect(await right(s.readAll({}))).toEqual([]);
      expect(await right(s.readStream('o1'))).toEqual({ version: 0, events: [] });
    });
  });

  describe('checkpoints', () => {
    test('are 0 until stored, then hold the last stored position per subscriber', async () => {
      const s = store();
      expect(await right(s.getCheckpoint('projector'))).toBe(0);
      await right(s.putCheckpoint('projector', 5));
      expect(await right(s.getCheckpoint('projector'))).toBe(5);
      await right(s.putCheckpoint('projector', 3));
      expect(await right(s.getCheckpoint('projector'))).toBe(3);
      await right(s.putCheckpoint('mailer', 9));
      expect(await right(s.getCheckpoint('projector'))).toBe(3);
      expect(await right(s.getCheckpoint('mailer'))).toBe(9);
    });
  });
};
