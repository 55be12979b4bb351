/// <reference types="jest" />
/** The contract: racing appends, on one instance or several. */
import type { ContractContext } from './contractContext';
import { right, ev, at, positions, range, rights, lefts } from './contractHelpers';

export const describeConcurrentAppends = ({ store, instances }: ContractContext): void => {
  describe('concurrent appends with expected versions', () => {
    test('of each racing pair exactly one wins and the loser learns the actual version', async () => {
      const targets = await instances();
      for (let v = 0; v < 5; v++) {
        const results = await Promise.all([
          at(targets, 0).appendToStream('s', [ev(`first-${v}`)], { expectedVersion: v })(),
          at(targets, 1).appendToStream('s', [ev(`second-${v}`)], { expectedVersion: v })(),
        ]);
        expect(rights(results)).toHaveLength(1);
        expect(lefts(results)).toEqual([{ _tag: 'VersionConflict', streamId: 's', expected: v, actual: v + 1 }]);
      }
      const read = await right(store().readStream('s'));
      expect(read.version).toBe(5);
      expect(positions(read.events)).toEqual(range(1, 5));
    });

    test('of 10 concurrent creators of one stream exactly one wins', async () => {
      const targets = await instances();
      const results = await Promise.all(
        range(0, 9).map((i) => at(targets, i).appendToStream('new', [ev(`E${i}`), ev(`F${i}`)], { expectedVersion: 0 })()),
      );
      expect(rights(results)).toHaveLength(1);
      expect(lefts(results)).toHaveLength(9);
      for (const e of lefts(results)) expect(e).toEqual({ _tag: 'VersionConflict', streamId: 'new', expected: 0, actual: 2 });
      expect(positions(await right(store().readAll({})))).toEqual([1, 2]);
    });

    test('concurrent appends to many streams get unique, gap-free positions', async () => {
      const targets = await instances();
      const results = await Promise.all(
        range(0, 19).map((i) => at(targets, i).appendToStream(`s${i % 5}`, [ev(`E${i}`)], { expectedVersion: 'any' })()),
      );
      expect(rights(results)).toHaveLength(20);
      const all = await right(store().readAll({}));
      expect(positions(all)).toEqual(range(1, 20));
      for (let k = 0; k < 5; k++) {
        expect(all.filter((e) => e.streamId === `s${k}`).map((e) => e.version)).toEqual([1, 2, 3, 4]);
      }
    });
  
    // Subscriptions catch up by position: they rely on appends committing in position order, so a
    // reader that has seen p never later finds a newly committed event below p.
    test('a reader catching up by position while others append sees every position, in order, with no gap', async () => {
      const targets = await instances();
      let appending = true;
      const seen: number[] = [];
      const reader = (async () => {
        let last = 0;
        for (;;) {
          const done = !appending;
          const batch = await right(at(targets, 1).readAll({ fromPosition: last }));
          for (const e of batch) {
            expect(e.position).toBe(last + 1);
            last = e.position;
            seen.push(e.position);
          }
          if (done) return;
          // A store whose reads answer at once (SQLite's, in-memory) must still let the appends' replies in.
          await new Promise((r) => setImmediate(r));
        }
      })();
      await Promise.all(
        range(0, 3).map(async (w) => {
          for (let i = 0; i < 15; i++) await right(at(targets, w).appendMany([{ streamId: `w${w}-${i % 3}`, events: [ev(`a${i}`), ev(`b${i}`)], expectedVersion: 'any' }]));
        }),
      );
      appending = false;
      await reader;
      expect(seen).toEqual(range(1, 120));
    });
  });
};
