/// <reference types="jest" />
/** The contract: appending and reading back, expected versions, and the global log. */
import type { ContractContext } from './contractContext';
import { right, left, ev, positions, range } from './contractHelpers';

export const describeAppendAndRead = ({ store }: ContractContext): void => {
  describe('append and read', () => {
    test('appends to a new stream and reads the events back in order', async () => {
      const result = await right(
        store().appendToStream('order-1', [ev('A', { a: 1 }), ev('B', { b: 2 }), ev('C', { c: 3 })], { expectedVersion: 0 }),
      );
      expect(result.streamId).toBe('order-1');
      expect(result.nextVersion).toBe(3);
      expect(result.alreadyRecorded).toEqual([]);
      expect(result.events.map((e) => [e.version, e.position, e.type, e.data, e.idempotencyKey])).toEqual([
        [1, 1, 'A', { a: 1 }, null],
        [2, 2, 'B', { b: 2 }, null],
        [3, 3, 'C', { c: 3 }, null],
      ]);
      for (const e of result.events) expect(new Date(e.recordedAt).toISOString()).toBe(e.recordedAt);
      const read = await right(store().readStream('order-1'));
      expect(read).toEqual({ version: 3, events: result.events });
    });

    test('reads an unknown stream as version 0 with no events', async () => {
      expect(await right(store().readStream('nope'))).toEqual({ version: 0, events: [] });
    });

    test('reads a stream from a version', async () => {
      await right(store().appendToStream('s', [ev('A'), ev('B'), ev('C')], { expectedVersion: 0 }));
      const from2 = await right(store().readStream('s', { fromVersion: 2 }));
      expect(from2.version).toBe(3);
      expect(from2.events.map((e) => e.version)).toEqual([2, 3]);
      expect(await right(store().readStream('s', { fromVersion: 10 }))).toEqual({ version: 3, events: [] });
    });

    test('appending no events only checks the expected version', async () => {
      const empty = await right(store().appendToStream('s', [], { expectedVersion: 0 }));
      expect(empty).toEqual({ streamId: 's', nextVersion: 0, events: [], alreadyRecorded: [] });
      expect(await left(store().appendToStream('s', [], { expectedVersion: 5 }))).toEqual({
        _tag: 'VersionConflict',
        streamId: 's',
        expected: 5,
        actual: 0,
      });
      expect(await right(store().readAll({}))).toEqual([]);
    });

    test('refuses malformed requests with InvalidArgument', async () => {
      const s = store();
      expect((await left(s.appendToStream('', [ev('A')], { expectedVersion: 0 })))._tag).toBe('InvalidArgument');
      expect((await left(s.appendToStream('s', [ev('A')], { expectedVersion: -1 })))._tag).toBe('InvalidArgument');
      expect((await left(s.appendToStream('s', [ev('A')], { expectedVersion: 1.5 })))._tag).toBe('InvalidArgument');
      expect((await left(s.appendToStream('s', [ev('')], { expectedVersion: 0 })))._tag).toBe('InvalidArgument');
      expect((await left(s.appendToStream('s\u0000x', [ev('A')], { expectedVersion: 0 })))._tag).toBe('InvalidArgument');
      expect((await left(s.readAll({ limit: -1 })))._tag).toBe('InvalidArgument');
      expect((await left(s.putCheckpoint('sub', -1)))._tag).toBe('InvalidArgument');
      expect(await right(s.readAll({}))).toEqual([]);
    });
  });

  describe('expected version', () => {
    test('a stale number is a VersionConflict carrying the actual version, and nothing is appended', async () => {
      await right(store().appendToStream('s', [ev('A'), ev('B')], { expectedVersion: 0 }));
      expect(await left(store().appendToStream('s', [ev('C')], { expectedVersion: 1 }))).toEqual({
        _tag: 'VersionConflict',
        streamId: 's',
        expected: 1,
        actual: 2,
      });
      expect((await right(store().readStream('s'))).version).toBe(2);
      expect(await right(store().readAll({}))).toHaveLength(2);
    });

    test('0 means the stream must not exist yet', async () => {
      await right(store().appendToStream('s', [ev('A')], { expectedVersion: 0 }));
      expect(await left(store().appendToStream('s', [ev('B')], { expectedVersion: 0 }))).toMatchObject({
        _tag: 'VersionConflict',
        expected: 0,
        actual: 1,
      });
      expect(await left(store().appendToStream('missing', [ev('B')], { expectedVersion: 3 }))).toMatchObject({
        _tag: 'VersionConflict',
        expected: 3,
        actual: 0,
      });
    });

    test("'any' appends to new and existing streams", async () => {
      const first = await right(store().appendToStream('s', [ev('A')], { expectedVersion: 'any' }));
      const second = await right(store().appendToStream('s', [ev('B'), ev('C')], { expectedVersion: 'any' }));
      expect(first.nextVersion).toBe(1);
      expect(second.nextVersion).toBe(3);
      expect(second.events.map((e) => e.version)).toEqual([2, 3]);
    });

    test('the matching number appends', async () => {
      const r1 = await right(store().appendToStream('s', [ev('A')], { expectedVersion: 0 }));
      const r2 = await right(store().appendToStream('s', [ev('B')], { expectedVersion: r1.nextVersion }));
      expect(r2.events.map((e) => e.version)).toEqual([2]);
    });
  });

  describe('global log', () => {
    test('positions are gap-free and ordered across streams, and versions per stream', async () => {
      const s = store();
      await right(s.appendToStream('a', [ev('A1')], { expectedVersion: 0 }));
      await right(s.appendToStream('b', [ev('B1'), ev('B2')], { expectedVersion: 0 }));
      await right(s.appendToStream('a', [ev('A2')], { expectedVersion: 1 }));
      await left(s.appendToStream('a', [ev('lost')], { expectedVersion: 0 }));
      await right(s.appendToStream('c', [ev('C1')], { expectedVersion: 'any' }));
      const all = await right(s.readAll({}));
      expect(all.map((e) => [e.position, e.streamId, e.version, e.type])).toEqual([
        [1, 'a', 1, 'A1'],
        [2, 'b', 1, 'B1'],
        [3, 'b', 2, 'B2'],
        [4, 'a', 2, 'A2'],
        [5, 'c', 1, 'C1'],
      ]);
    });

    test('readAll reads after a position (exclusive) up to a limit', async () => {
      const s = store();
      for (let i = 0; i < 6; i++) await right(s.appendToStream(`s${i % 2}`, [ev(`E${i}`)], { expectedVersion: 'any' }));
      expect(positions(await right(s.readAll({ fromPosition: 2, limit: 3 })))).toEqual([3, 4, 5]);
      expect(positions(await right(s.readAll({ fromPosition: 4 })))).toEqual([5, 6]);
      expect(positions(await right(s.readAll({ limit: 2 })))).toEqual([1, 2]);
      expect(await right(s.readAll({ fromPosition: 6 }))).toEqual([]);
      expect(await right(s.readAll({ fromPosition: 1, limit: 0 }))).toEqual([]);
      const all = await right(s.readAll({}));
      expect(positions(all)).toEqual(range(1, 6));
      expect(all.map((e) => e.type)).toEqual(['E0', 'E1', 'E2', 'E3', 'E4', 'E5']);
    });
  });
};
