/// <reference types="jest" />
/** The contract: events carrying an idempotency key are stored once per stream. */
import type { ContractContext } from './contractContext';
import { right, left, ev, at, range, rights } from './contractHelpers';

export const describeIdempotencyKeys = ({ store, instances }: ContractContext): void => {
  describe('idempotency keys', () => {
    test('a key already in the stream is reported as already recorded and not appended again', async () => {
      const s = store();
      const first = await right(s.appendToStream('s', [ev('Paid', { amount: '10000' }, 'notif-1')], { expectedVersion: 0 }));
      expect(first.events.map((e) => e.idempotencyKey)).toEqual(['notif-1']);
      const again = await right(s.appendToStream('s', [ev('Paid', { amount: '10000' }, 'notif-1')], { expectedVersion: 'any' }));
      expect(again).toEqual({ streamId: 's', nextVersion: 1, events: [], alreadyRecorded: first.events });
      // A stale expected version is not a conflict when every event is already recorded.
      const stale = await right(s.appendToStream('s', [ev('Paid', { amount: '10000' }, 'notif-1')], { expectedVersion: 0 }));
      expect(stale.alreadyRecorded).toEqual(first.events);
      expect((await right(s.readStream('s'))).events).toEqual(first.events);
    });

    test('in a mixed batch only the new events are appended, and the expected version still applies to them', async () => {
      const s = store();
      const first = await right(s.appendToStream('s', [ev('A', 1, 'k1')], { expectedVersion: 0 }));
      const mixed = await right(s.appendToStream('s', [ev('A', 1, 'k1'), ev('B', 2, 'k2'), ev('C', 3)], { expectedVersion: 1 }));
      expect(mixed.alreadyRecorded).toEqual(first.events);
      expect(mixed.events.map((e) => [e.version, e.type, e.idempotencyKey])).toEqual([
        [2, 'B', 'k2'],
        [3, 'C', null],
      ]);
      expect(mixed.nextVersion).toBe(3);
      expect(await left(s.appendToStream('s', [ev('A', 1, 'k1'), ev('D', 4, 'k4')], { expectedVersion: 1 }))).toMatchObject({
        _tag: 'VersionConflict',
        actual: 3,
      });
      expect((await right(s.readStream('s'))).version).toBe(3);
    });

    test('keys are unique per stream, not globally', async () => {
      const s = store();
      await right(s.appendToStream('a', [ev('A', 1, 'k')], { expectedVersion: 0 }));
      const b = await right(s.appendToStream('b', [ev('A', 1, 'k')], { expectedVersion: 0 }));
      expect(b.events).toHaveLength(1);
      expect(b.alreadyRecorded).toEqual([]);
    });

    test('the same key twice in one append is refused', async () => {
      const s = store();
      expect((await left(s.appendToStream('s', [ev('A', 1, 'k'), ev('B', 2, 'k')], { expectedVersion: 0 })))._tag).toBe(
        'InvalidArgument',
      );
      expect(await right(s.readAll({}))).toEqual([]);
    });

    test('20 concurrent appends of the same keyed event store it exactly once', async () => {
      const targets = await instances();
      const results = await Promise.all(
        range(0, 19).map((i) =>
          at(targets, i).appendToStream('order-7', [ev('Settled', { transaction_id: 'tx-1' }, 'notif-settle')], {
            expectedVersion: 'any',
          })(),
        ),
      );
      const ok = rights(results);
      expect(ok).toHaveLength(20);
      const stored = ok.flatMap((r) => r.events);
      expect(stored).toHaveLength(1);
      const winner = stored[0];
      for (const r of ok) {
        if (r.events.length === 0) expect(r.alreadyRecorded).toEqual([winner]);
        expect(r.nextVersion).toBe(1);
      }
      expect(await right(store().readAll({}))).toEqual([winner]);
    });
  });
};
