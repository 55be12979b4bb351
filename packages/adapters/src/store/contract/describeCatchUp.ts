/// <reference types="jest" />
/** The contract: catching up on the global log. */
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { StoredEvent, StoreError } from '../eventStore';
import type { ContractContext } from './contractContext';
import { right, ev, range } from './contractHelpers';

export const describeCatchUp = ({ store }: ContractContext): void => {
  describe('catchUp', () => {
    test('hands every event after the position to the handler in order, in batches, and returns the last position', async () => {
      const s = store();
      for (let i = 0; i < 7; i++) await right(s.appendToStream(`s${i % 3}`, [ev(`E${i}`)], { expectedVersion: 'any' }));
      const seen: number[] = [];
      const handler = (e: StoredEvent): TE.TaskEither<StoreError, void> => {
        seen.push(e.position);
        return TE.right(undefined);
      };
      expect(await right(s.catchUp(0, handler, { batchSize: 3 }))).toBe(7);
      expect(seen).toEqual(range(1, 7));
      seen.length = 0;
      expect(await right(s.catchUp(4, handler, { batchSize: 3 }))).toBe(7);
      expect(seen).toEqual([5, 6, 7]);
      seen.length = 0;
      expect(await right(s.catchUp(7, handler, { batchSize: 3 }))).toBe(7);
      expect(await right(s.catchUp(1, handler, { batchSize: 2 }))).toBe(7);
      expect(seen).toEqual(range(2, 7));
      seen.length = 0;
      expect(await right(s.catchUp(0, handler))).toBe(7);
      expect(seen).toEqual(range(1, 7));
    });

    test('returns the starting position when there is nothing to handle', async () => {
      const handler = (): TE.TaskEither<StoreError, void> => TE.right(undefined);
      expect(await right(store().catchUp(0, handler, { batchSize: 2 }))).toBe(0);
    });

    test('stops at the first Left and returns it', async () => {
      const s = store();
      for (let i = 0; i < 5; i++) await right(s.appendToStream('s', [ev(`E${i}`)], { expectedVersion: 'any' }));
      const seen: number[] = [];
      const failure: StoreError = { _tag: 'StoreFailed', cause: 'projection refused event 3' };
      const result = await s.catchUp(
        0,
        (e) => {
          seen.push(e.position);
          return e.position === 3 ? TE.left(failure) : TE.right(undefined);
        },
        { batchSize: 2 },
      )();
      expect(result).toEqual(E.left(failure));
      expect(seen).toEqual([1, 2, 3]);
    });

    test('picks up events appended while catching up', async () => {
      const s = store();
      await right(s.appendToStream('s', [ev('E1'), ev('E2')], { expectedVersion: 0 }));
      const seen: number[] = [];
      const last = await right(
        s.catchUp(
          0,
          (e) => async () => {
            seen.push(e.position);
            if (e.position === 1) return E.map(() => undefined)(await s.appendToStream('t', [ev('late')], { expectedVersion: 0 })());
            return E.right(undefined);
          },
          { batchSize: 1 },
        ),
      );
      expect(seen).toEqual([1, 2, 3]);
      expect(last).toBe(3);
    });
  });
};
