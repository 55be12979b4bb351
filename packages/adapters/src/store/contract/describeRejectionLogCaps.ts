/// <reference types="jest" />
/** The contract: the rejection log's rows under no order are capped in size and age, and what is dropped is counted. */
import type { Rejection } from '../eventStore';
import { rejectionSize } from '../shared/rejectionLogLimits';
import type { ContractContext } from './contractContext';
import { right } from './contractHelpers';

const unfiled = (i: number, body = 'x'.repeat(1000)): Rejection => ({
  receivedAt: `2024-05-01T10:00:${String(i % 60).padStart(2, '0')}.000Z`,
  kind: 'notification',
  orderId: null,
  reason: `bad signature ${String(i).padStart(3, '0')}`,
  rawBody: body,
  body: { sha256: 'ab'.repeat(32), bytes: 60 * 1024 },
});

export const describeRejectionLogCaps = ({ options, track }: ContractContext): void => {
  const open = options.openWithCaps;
  (open === undefined ? describe.skip : describe)('rejection log caps', () => {
    test('size: the oldest rows under no order go, rows under an order stay, and the drops are counted', async () => {
      const size = rejectionSize(unfiled(0));
      const s = await open!({ maxBytes: size * 10 }, () => new Date());
      track(s);
      expect(await right(s.rejectionLogStats())).toEqual({ unfiledBytes: 0, droppedRows: 0, droppedBytes: 0 });
      const { body: _summary, ...whole } = unfiled(0);
      const filed = await right(s.recordRejection({ ...whole, orderId: 'o1' }));
      const ids: number[] = [];
      for (let i = 1; i <= 25; i++) ids.push((await right(s.recordRejection(unfiled(i)))).id);
      const kept = await right(s.readRejections());
      const stats = await right(s.rejectionLogStats());
      // Never above the cap; the newest row always kept; the filed one untouched.
      expect(stats.unfiledBytes).toBeLessThanOrEqual(size * 10);
      expect(stats.unfiledBytes).toBe((kept.length - 1) * size);
      expect(kept[0]?.id).toBe(filed.id);
      expect(kept.at(-1)?.id).toBe(ids.at(-1));
      expect(kept.slice(1).map((r) => r.id)).toEqual(ids.slice(ids.length - (kept.length - 1)));
      expect(stats.droppedRows).toBe(25 - (kept.length - 1));
      expect(stats.droppedBytes).toBe(stats.droppedRows * size);
      expect(kept.at(-1)).toEqual({ id: ids.at(-1), ...unfiled(25) });
    });

    test('age: rows under no order older than the cap go when the next one comes', async () => {
      let now = Date.parse('2024-05-01T00:00:00.000Z');
      const s = await open!({ maxAgeSeconds: 60 }, () => new Date(now));
      track(s);
      const first = await right(s.recordRejection(unfiled(1)));
      const filed = await right(s.recordRejection({ ...unfiled(2), orderId: 'o1' }));
      now += 30_000;
      const second = await right(s.recordRejection(unfiled(3)));
      expect((await right(s.readRejections())).map((r) => r.id)).toEqual([first.id, filed.id, second.id]);
      now += 31_000 + 1;
      const third = await right(s.recordRejection(unfiled(4)));
      expect((await right(s.readRejections())).map((r) => r.id)).toEqual([filed.id, second.id, third.id]);
      expect(await right(s.rejectionLogStats())).toEqual({ unfiledBytes: 2 * rejectionSize(unfiled(3)), droppedRows: 1, droppedBytes: rejectionSize(unfiled(1)) });
    });
  });
};
