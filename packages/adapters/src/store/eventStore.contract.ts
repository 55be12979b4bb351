/**
 * The behaviour every EventStore must show, as one jest suite. Each implementation's test file calls
 * describeEventStoreContract once. Test-only: not exported from the package.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { AppendResult, EventStore, NewEvent, StoredEvent, StoreError } from './eventStore';
import { formatStoreError } from './eventStore';
import { MIGRATIONS } from './migrations';

const ALL_MIGRATIONS = MIGRATIONS.map((m) => m.version).sort((a, b) => a - b);

export interface StoreUnderTest {
  readonly store: EventStore;
  /** Closes the store (if still open) and removes its data. */
  readonly cleanup: () => Promise<void>;
  /** Opens another store on the same database, as a second app instance would (required with multiInstance). */
  readonly openAnother?: () => Promise<EventStore>;
}

export interface OlderSchemaHarness {
  /** Opens the harness's database with the current store, or as a release that knew migrations up to schemaVersion. */
  readonly open: (schemaVersion?: number) => Promise<EventStore>;
  readonly appliedMigrations: () => Promise<readonly number[]>;
  readonly cleanup: () => Promise<void>;
}

export interface ContractOptions {
  /** When set, the suite is registered as skipped and the reason printed. */
  readonly skipReason?: string;
  /** The factory's openAnother opens further instances on the same database; races then span instances. */
  readonly multiInstance?: boolean;
  /** SQL stores: a fresh, empty database for the migration tests. */
  readonly olderSchema?: () => Promise<OlderSchemaHarness>;
  /** Opens a store whose database cannot be reached. */
  readonly openUnreachable?: () => Promise<E.Either<StoreError, EventStore>>;
}

const right = async <A>(task: TE.TaskEither<StoreError, A>): Promise<A> => {
  const result = await task();
  if (E.isLeft(result)) throw new Error(`expected Right, got Left: ${formatStoreError(result.left)}`);
  return result.right;
};

const left = async <A>(task: TE.TaskEither<StoreError, A>): Promise<StoreError> => {
  const result = await task();
  if (E.isRight(result)) throw new Error(`expected Left, got Right: ${JSON.stringify(result.right)}`);
  return result.left;
};

const ev = (type: string, data: unknown = { n: type }, idempotencyKey?: string): NewEvent =>
  idempotencyKey === undefined ? { type, data } : { type, data, idempotencyKey };

const at = <A>(xs: readonly A[], i: number): A => {
  const x = xs[i % xs.length];
  if (x === undefined) throw new Error(`no element ${i}`);
  return x;
};

const positions = (events: readonly StoredEvent[]): number[] => events.map((e) => e.position);

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const rights = <A>(results: readonly E.Either<StoreError, A>[]): A[] => results.flatMap((r) => (E.isRight(r) ? [r.right] : []));

const lefts = <A>(results: readonly E.Either<StoreError, A>[]): StoreError[] =>
  results.flatMap((r) => (E.isLeft(r) ? [r.left] : []));

/** Registers the shared EventStore suite for one implementation. */
export const describeEventStoreContract = (
  name: string,
  factory: () => Promise<StoreUnderTest>,
  options: ContractOptions = {},
): void => {
  if (options.skipReason !== undefined) {
    console.warn(`EventStore contract for ${name} skipped: ${options.skipReason}`);
  }
  // Skipping is decided by the caller (e.g. no PostgreSQL server and none required); the reason is printed above.
  const suite = options.skipReason === undefined ? describe : describe.skip;

  suite(`EventStore contract: ${name}`, () => {
    let subject: StoreUnderTest | undefined;
    let others: EventStore[] = [];

    beforeEach(async () => {
      subject = await factory();
      others = [];
    });

    afterEach(async () => {
      await Promise.all(others.map((s) => s.close()));
      await subject?.cleanup();
      subject = undefined;
    });

    const store = (): EventStore => {
      if (subject === undefined) throw new Error('store not opened');
      return subject.store;
    };

    /** The store plus, when the implementation can, a second instance on the same database. */
    const openAnother = (): Promise<EventStore> => {
      if (subject?.openAnother === undefined) throw new Error(`${name}: multiInstance is set but the factory has no openAnother`);
      return subject.openAnother();
    };

    const instances = async (): Promise<readonly EventStore[]> => {
      if (options.multiInstance !== true) return [store()];
      const another = await openAnother();
      others.push(another);
      return [store(), another];
    };

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
    });

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

    describe('data', () => {
      test('nested JSON with unicode and big integers as strings round-trips exactly', async () => {
        const s = store();
        const data = {
          order_id: 'ORD-2024-0001',
          gross_amount: '123456789012345678901234567890.00',
          big: ['9007199254740993', '-18446744073709551616'],
          text: 'Rp 10.000 — 東京 🚀 café (cafe\u0301) \u0000 "quoted" back\\slash\nnewline\ttab',
          nested: { deeper: { deepest: [1, 2.5, -3, 0.1, 1e21, null, true, false, {}, []] } },
          empty: '',
          '键 🔑': 'value',
        };
        const samples: unknown[] = [data, [1, 'two', { three: 3 }], 'just a string', 42, null, true];
        const appended = await right(
          s.appendToStream('s', samples.map((d, i) => ev(`T${i}`, d)), { expectedVersion: 0 }),
        );
        expect(appended.events.map((e) => e.data)).toEqual(samples);
        expect((await right(s.readStream('s'))).events.map((e) => e.data)).toEqual(samples);
        expect((await right(s.readAll({}))).map((e) => e.data)).toEqual(samples);
        const stored = (await right(s.readStream('s'))).events[0]?.data as typeof data;
        expect(stored.text).toBe(data.text);
        expect(Object.keys(stored)).toEqual(Object.keys(data));
      });

      test('an append answers with the events as they are stored, not with the objects it was given', async () => {
        const s = store();
        const data = { a: { b: [1, 2] }, dropped: undefined as unknown };
        const appended = await right(s.appendToStream('s', [ev('T', data)], { expectedVersion: 0 }));
        data.a.b.push(3);
        const [read] = (await right(s.readStream('s'))).events;
        expect(appended.events[0]?.data).toStrictEqual({ a: { b: [1, 2] } });
        expect({ ...appended.events[0] }).toStrictEqual({ ...read });
        expect(JSON.parse(JSON.stringify(appended.events))).toEqual(JSON.parse(JSON.stringify([read])));
      });

      test('data JSON cannot represent is refused and nothing is stored', async () => {
        const s = store();
        const cyclic: { self?: unknown } = {};
        cyclic.self = cyclic;
        for (const data of [10n, undefined, () => 1, cyclic]) {
          const err = await left(s.appendToStream('s', [ev('A'), { type: 'B', data }], { expectedVersion: 0 }));
          expect(err._tag).toBe('InvalidArgument');
        }
        expect(await right(s.readAll({}))).toEqual([]);
      });
    });

    describe('closed store', () => {
      test('operations resolve to StoreUnavailable instead of throwing', async () => {
        const s = store();
        await right(s.appendToStream('s', [ev('A')], { expectedVersion: 0 }));
        await s.close();
        await s.close();
        const results = await Promise.all([
          s.appendToStream('s', [ev('B')], { expectedVersion: 1 })(),
          s.appendMany([{ streamId: 's', events: [ev('B')], expectedVersion: 1 }])(),
          s.readStream('s')(),
          s.readAll({})(),
          s.catchUp(0, () => TE.right(undefined))(),
          s.putAlias('a', 's')(),
          s.getAlias('a')(),
          s.recordRejection({ receivedAt: 'now', kind: 'k', orderId: null, reason: 'r', rawBody: '' })(),
          s.readRejections()(),
          s.getCheckpoint('c')(),
          s.putCheckpoint('c', 1)(),
        ]);
        for (const r of results) expect(E.isLeft(r) && r.left._tag).toBe('StoreUnavailable');
      });
    });

    if (options.multiInstance === true) {
      test('several instances on one database see each other\'s writes, and a reopened store reads them back', async () => {
        const [a, b] = await instances();
        if (a === undefined || b === undefined) throw new Error('expected two instances');
        await right(a.appendToStream('s', [ev('A')], { expectedVersion: 0 }));
        await right(b.appendToStream('s', [ev('B')], { expectedVersion: 1 }));
        await right(b.putAlias('tx', 's'));
        await right(a.putCheckpoint('sub', 2));
        expect((await right(a.readStream('s'))).events.map((e) => e.type)).toEqual(['A', 'B']);
        expect(await right(a.getAlias('tx'))).toBe('s');
        expect(await right(b.getCheckpoint('sub'))).toBe(2);
        await a.close();
        await b.close();
        const c = await openAnother();
        others.push(c);
        expect((await right(c.readAll({}))).map((e) => [e.position, e.type])).toEqual([
          [1, 'A'],
          [2, 'B'],
        ]);
      });
    }

    const olderSchema = options.olderSchema;
    if (olderSchema !== undefined) {
      describe('migrations', () => {
        let harness: OlderSchemaHarness | undefined;
        const opened: EventStore[] = [];
        const open = async (schemaVersion?: number): Promise<EventStore> => {
          if (harness === undefined) throw new Error('no harness');
          const s = await harness.open(schemaVersion);
          opened.push(s);
          return s;
        };

        beforeEach(async () => {
          harness = await olderSchema();
        });

        afterEach(async () => {
          await Promise.all(opened.splice(0).map((s) => s.close()));
          await harness?.cleanup();
          harness = undefined;
        });

        test('a database written by an older release (migration 1 only) keeps working', async () => {
          if (harness === undefined) throw new Error('no harness');
          const old = await open(1);
          expect(await harness.appliedMigrations()).toEqual([1]);
          await right(old.appendToStream('legacy', [ev('Created', { v: 1 }, 'k1')], { expectedVersion: 0 }));
          await right(old.putAlias('tx-legacy', 'legacy'));
          await right(old.putCheckpoint('sub', 1));
          const oldRejection = await right(
            old.recordRejection({ receivedAt: '2023-01-01T00:00:00.000Z', kind: 'notification', orderId: 'legacy', reason: 'old', rawBody: '{}' }),
          );
          await old.close();

          const current = await open();
          expect(await harness.appliedMigrations()).toEqual(ALL_MIGRATIONS);
          const read = await right(current.readStream('legacy'));
          expect(read.events.map((e) => [e.version, e.type, e.data, e.idempotencyKey])).toEqual([[1, 'Created', { v: 1 }, 'k1']]);
          const dup = await right(current.appendToStream('legacy', [ev('Created', { v: 1 }, 'k1')], { expectedVersion: 0 }));
          expect(dup.alreadyRecorded).toHaveLength(1);
          const next = await right(current.appendToStream('legacy', [ev('Paid', { v: 2 })], { expectedVersion: 1 }));
          expect(next.events.map((e) => [e.version, e.position])).toEqual([[2, 2]]);
          expect(await right(current.getAlias('tx-legacy'))).toBe('legacy');
          expect(await right(current.getCheckpoint('sub'))).toBe(1);
          const newRejection = await right(
            current.recordRejection({ receivedAt: '2024-01-01T00:00:00.000Z', kind: 'notification', orderId: 'legacy', reason: 'new', rawBody: '[]' }),
          );
          expect((await right(current.readRejections({ orderId: 'legacy' }))).map((r) => r.id)).toEqual([
            oldRejection.id,
            newRejection.id,
          ]);
          await current.close();

          const reopened = await open();
          expect(await harness.appliedMigrations()).toEqual(ALL_MIGRATIONS);
          expect(positions(await right(reopened.readAll({})))).toEqual([1, 2]);
        });

        test('concurrent openers of a fresh database all succeed and each migration runs once', async () => {
          if (harness === undefined) throw new Error('no harness');
          const stores = await Promise.all(range(1, 4).map(() => open()));
          expect(await harness.appliedMigrations()).toEqual(ALL_MIGRATIONS);
          await right(at(stores, 0).appendToStream('s', [ev('A')], { expectedVersion: 0 }));
          expect((await right(at(stores, 3).readStream('s'))).version).toBe(1);
        });
      });
    }

    const openUnreachable = options.openUnreachable;
    if (openUnreachable !== undefined) {
      test('opening an unreachable database resolves to StoreUnavailable', async () => {
        const result = await openUnreachable();
        if (E.isRight(result)) await result.right.close();
        expect(E.isLeft(result) && result.left._tag).toBe('StoreUnavailable');
      });
    }
  });
};
