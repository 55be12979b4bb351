/// <reference types="jest" />
/** The contract: a batch of ops, each applied or refused alone, as if they ran in order. */
import * as E from 'fp-ts/lib/Either.js';
import type { AppendResult, StoreError } from '../eventStore';
import type { ContractContext } from './contractContext';
import { right, ev, positions } from './contractHelpers';

export const describeAppendMany = ({ store }: ContractContext): void => {
  describe('appendMany', () => {
    test('a conflicting op fails alone and the others commit with gap-free positions', async () => {
      const s = store();
      await right(s.appendToStream('b', [ev('B1')], { expectedVersion: 0 }));
      const results = await right(
        s.appendMany([
          { streamId: 'a', events: [ev('A1'), ev('A2')], expectedVersion: 0 },
          { streamId: 'b', events: [ev('B-lost')], expectedVersion: 0 },
          { streamId: 'c', events: [ev('C1')], expectedVersion: 'any' },
        ]),
      );
      expect(results).toHaveLength(3);
      const [a, b, c] = results;
      expect(a !== undefined && E.isRight(a) && positions(a.right.events)).toEqual([2, 3]);
      expect(b).toEqual(E.left({ _tag: 'VersionConflict', streamId: 'b', expected: 0, actual: 1 }));
      expect(c !== undefined && E.isRight(c) && positions(c.right.events)).toEqual([4]);
      const all = await right(s.readAll({}));
      expect(all.map((e) => [e.position, e.streamId, e.type])).toEqual([
        [1, 'b', 'B1'],
        [2, 'a', 'A1'],
        [3, 'a', 'A2'],
        [4, 'c', 'C1'],
      ]);
    });

    test('later ops see earlier ops on the same stream', async () => {
      const results = await right(
        store().appendMany([
          { streamId: 's', events: [ev('A')], expectedVersion: 0 },
          { streamId: 's', events: [ev('B')], expectedVersion: 1 },
          { streamId: 's', events: [ev('C')], expectedVersion: 1 },
        ]),
      );
      expect(results.map((r) => (E.isRight(r) ? r.right.nextVersion : r.left._tag))).toEqual([1, 2, 'VersionConflict']);
    });

    test('an invalid op is a Left and does not stop the others; idempotency keys apply per op', async () => {
      const s = store();
      const first = await right(s.appendToStream('k', [ev('A', 1, 'key')], { expectedVersion: 0 }));
      const results = await right(
        s.appendMany([
          { streamId: '', events: [ev('A')], expectedVersion: 0 },
          { streamId: 'k', events: [ev('A', 1, 'key')], expectedVersion: 0 },
          { streamId: 'ok', events: [ev('A')], expectedVersion: 0 },
        ]),
      );
      const [invalid, dup, ok] = results;
      expect(invalid !== undefined && E.isLeft(invalid) && invalid.left._tag).toBe('InvalidArgument');
      expect(dup).toEqual(E.right<StoreError, AppendResult>({ streamId: 'k', nextVersion: 1, events: [], alreadyRecorded: first.events }));
      expect(ok !== undefined && E.isRight(ok) && positions(ok.right.events)).toEqual([2]);
    });

    test('an idempotency key repeated across ops of one batch behaves as if the ops ran in order', async () => {
      const s = store();
      const results = await right(
        s.appendMany([
          { streamId: 's', events: [ev('A', 1, 'k1')], expectedVersion: 0 },
          // Every event already recorded (by the op before): not a conflict despite the stale version.
          { streamId: 's', events: [ev('A', 1, 'k1')], expectedVersion: 0 },
          // A new event too: the expected version applies, and the op fails alone.
          { streamId: 's', events: [ev('A', 1, 'k1'), ev('B', 2, 'k2')], expectedVersion: 0 },
          { streamId: 's', events: [ev('A', 1, 'k1'), ev('B', 2, 'k2')], expectedVersion: 1 },
          // Keys are per stream.
          { streamId: 't', events: [ev('A', 1, 'k1')], expectedVersion: 0 },
        ]),
      );
      const [first, again, stale, mixed, other] = results;
      if (first === undefined || E.isLeft(first)) throw new Error('the first op failed');
      const [a] = first.right.events;
      expect(a).toMatchObject({ streamId: 's', version: 1, position: 1, idempotencyKey: 'k1' });
      expect(again).toEqual(E.right<StoreError, AppendResult>({ streamId: 's', nextVersion: 1, events: [], alreadyRecorded: [a!] }));
      expect(stale).toEqual(E.left({ _tag: 'VersionConflict', streamId: 's', expected: 0, actual: 1 }));
      expect(mixed !== undefined && E.isRight(mixed) && mixed.right.alreadyRecorded).toEqual([a]);
      expect(mixed !== undefined && E.isRight(mixed) && mixed.right.events.map((e) => [e.version, e.position, e.idempotencyKey])).toEqual([
        [2, 2, 'k2'],
      ]);
      expect(other !== undefined && E.isRight(other) && other.right.events.map((e) => [e.streamId, e.version, e.position])).toEqual([
        ['t', 1, 3],
      ]);
      const all = await right(s.readAll({}));
      expect(all.map((e) => [e.position, e.streamId, e.version, e.type])).toEqual([
        [1, 's', 1, 'A'],
        [2, 's', 2, 'B'],
        [3, 't', 1, 'A'],
      ]);
      expect(all[0]).toEqual(a);
    });

    test('no ops is an empty result', async () => {
      expect(await right(store().appendMany([]))).toEqual([]);
    });
  });
};
