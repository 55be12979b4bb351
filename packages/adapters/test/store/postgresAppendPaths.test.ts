/**
 * The PostgreSQL store's two ways to append (one call of the append function for a batch planned
 * on its expected versions, and the transaction that reads the state first) and its coalesced
 * stream reads, against the real server.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, StoredEvent } from '../../src/store/eventStore';
import { POSTGRES_APPEND_FUNCTION, POSTGRES_APPEND_FUNCTION_MIGRATION } from '../../src/store/migrations';
import { dropSchema, freshSchema, openPostgres, postgresSkipReason, withAdmin } from './support/postgres';

if (postgresSkipReason !== undefined) console.warn(`PostgreSQL append-path tests skipped: ${postgresSkipReason}`);

const right = async <A>(task: () => Promise<E.Either<unknown, A>>): Promise<A> => {
  const r = await task();
  if (E.isLeft(r)) throw new Error(`expected Right, got ${JSON.stringify(r.left)}`);
  return r.right;
};

const rowsOf = (schema: string) =>
  withAdmin(async (c) => (await c.query<{ position: string; stream_id: string; version: number; idempotency_key: string | null }>(
    `SELECT position, stream_id, version, idempotency_key FROM "${schema}".events ORDER BY position`,
  )).rows.map((r) => [Number(r.position), r.stream_id, r.version, r.idempotency_key]));

// Skipped only when the server is unreachable and PAYSTATE_REQUIRE_POSTGRES is not 1 (see support/postgres.ts).
(postgresSkipReason === undefined ? describe : describe.skip)('PostgreSQL append paths', () => {
  const schemas: string[] = [];
  const stores: EventStore[] = [];
  const open = async (schemaVersion?: number): Promise<{ schema: string; store: EventStore }> => {
    const schema = schemas.at(-1)!;
    const store = await openPostgres(schema, schemaVersion);
    stores.push(store);
    return { schema, store };
  };
  beforeEach(() => {
    schemas.push(freshSchema());
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    for (const s of schemas.splice(0)) await dropSchema(s);
  });

  test('the append function writes a batch whose expected versions and keys hold, and otherwise writes nothing', async () => {
    const { schema, store } = await open();
    await right(store.appendToStream('s', [{ type: 'A', data: { n: 1 }, idempotencyKey: 'k1' }], { expectedVersion: 0 }));
    const call = (versions: number[], key: string, isolation = 'READ COMMITTED') =>
      withAdmin(async (c) => {
        await c.query(`BEGIN ISOLATION LEVEL ${isolation}`);
        const r = await c.query<{ last: string | null }>(
          `SELECT "${schema}".${POSTGRES_APPEND_FUNCTION}($1::text[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::text[], $8::json, $9::text[], $10::timestamptz[]) AS last`,
          [['s'], versions, ['s'], [key], ['s'], [versions[0]! + 1], ['B'], '[{"n" : 2}]', [key], ['2024-01-01T00:00:00.000Z']],
        );
        await c.query('COMMIT');
        return r.rows[0]?.last ?? null;
      });
    // The stream is at version 1: a plan made for version 0 does not fit.
    expect(await call([0], 'k2')).toBeNull();
    // The key is stored already: the plan would record it twice.
    expect(await call([1], 'k1')).toBeNull();
    // The checks hold only in READ COMMITTED, where each statement after the lock sees the latest commits.
    expect(await call([1], 'k2', 'REPEATABLE READ')).toBeNull();
    expect(await rowsOf(schema)).toEqual([[1, 's', 1, 'k1']]);
    // Both hold: the row goes after the last position, and the answer is that position.
    expect(await call([1], 'k2')).toBe('1');
    expect(await rowsOf(schema)).toEqual([
      [1, 's', 1, 'k1'],
      [2, 's', 2, 'k2'],
    ]);
    // The data arrive as one JSON array; each row keeps its element's text exactly, spaces and all.
    const stored = await withAdmin(async (c) => (await c.query<{ data: string }>(`SELECT data::text AS data FROM "${schema}".events WHERE position = 2`)).rows[0]?.data);
    expect(stored).toBe('{"n" : 2}');
    // Data that do not match the rows one for one, or none at all, are refused, and nothing is written.
    const misfit = (data: string | null) =>
      withAdmin((c) =>
        c.query(
          `SELECT "${schema}".${POSTGRES_APPEND_FUNCTION}($1::text[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::text[], $8::json, $9::text[], $10::timestamptz[])`,
          [['s'], [2], [], [], ['s', 's'], [3, 4], ['C', 'D'], data, [null, null], ['2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z']],
        ),
      );
    await expect(misfit('[{}]')).rejects.toThrow(/2 rows but 1 data/);
    await expect(misfit(null)).rejects.toThrow(/2 rows but <NULL> data/);
    expect((await rowsOf(schema)).length).toBe(2);
    const read = await right(store.readStream('s'));
    expect(read.events.map((e) => [e.version, e.type, e.data])).toEqual([
      [1, 'A', { n: 1 }],
      [2, 'B', { n: 2 }],
    ]);
  });

  test('a release without the append function and one with it append to one database side by side, in one order', async () => {
    const { schema, store: older } = await open(POSTGRES_APPEND_FUNCTION_MIGRATION - 1);
    const { store: current } = await open();
    const streams = ['a', 'b', 'c', 'd'];
    // Each writer appends to every stream with the version it last saw, retrying on a conflict,
    // so the two ways interleave on the same streams under the same lock.
    const writer = async (store: EventStore, name: string): Promise<void> => {
      for (let i = 0; i < 15; i++) {
        for (const stream of streams) {
          for (;;) {
            const version = (await right(store.readStream(stream))).version;
            const r = await store.appendToStream(stream, [{ type: name, data: { i }, idempotencyKey: `${name}-${i}` }], { expectedVersion: version })();
            if (E.isRight(r)) break;
            if (r.left._tag !== 'VersionConflict') throw new Error(JSON.stringify(r.left));
          }
        }
      }
    };
    await Promise.all([writer(older, 'old'), writer(current, 'new'), writer(current, 'new2')]);
    const rows = await rowsOf(schema);
    expect(rows.map((r) => r[0])).toEqual(rows.map((_, i) => i + 1));
    for (const stream of streams) {
      const own = rows.filter((r) => r[1] === stream);
      expect(own.map((r) => r[2])).toEqual(own.map((_, i) => i + 1));
      expect(new Set(own.map((r) => r[3])).size).toBe(45);
    }
    // Redelivering every op to either store records nothing new and answers with what is stored.
    const again = await right(current.appendToStream('a', [{ type: 'old', data: { i: 3 }, idempotencyKey: 'old-3' }], { expectedVersion: 0 }));
    expect(again.events).toEqual([]);
    expect(again.alreadyRecorded.map((e) => e.idempotencyKey)).toEqual(['old-3']);
    expect((await rowsOf(schema)).length).toBe(rows.length);
  });

  test('one batch mixing fitting ops, a conflicting op, and a redelivery within the batch is decided op by op', async () => {
    const { store } = await open();
    await right(store.appendToStream('x', [{ type: 'X1', data: 1 }], { expectedVersion: 0 }));
    const results = await right(
      store.appendMany([
        { streamId: 'x', events: [{ type: 'X2', data: 2, idempotencyKey: 'kx' }], expectedVersion: 1 },
        { streamId: 'x', events: [{ type: 'X2', data: 2, idempotencyKey: 'kx' }], expectedVersion: 1 },
        { streamId: 'x', events: [{ type: 'X3', data: 3 }], expectedVersion: 1 },
        { streamId: 'y', events: [{ type: 'Y1', data: 1 }], expectedVersion: 0 },
      ]),
    );
    const summary = results.map((r) =>
      E.isLeft(r) ? r.left._tag : { events: r.right.events.map((e: StoredEvent) => [e.position, e.version]), again: r.right.alreadyRecorded.map((e) => e.position) },
    );
    expect(summary).toEqual([
      { events: [[2, 2]], again: [] },
      { events: [], again: [2] },
      'VersionConflict',
      { events: [[3, 1]], again: [] },
    ]);
    expect((await right(store.readAll({}))).map((e) => [e.position, e.streamId, e.version, e.type])).toEqual([
      [1, 'x', 1, 'X1'],
      [2, 'x', 2, 'X2'],
      [3, 'y', 1, 'Y1'],
    ]);
  });

  test('many concurrent stream reads, read together, each get their own stream from their own version', async () => {
    const { store } = await open();
    for (let s = 0; s < 20; s++) {
      await right(store.appendToStream(`r${s}`, Array.from({ length: (s % 4) + 1 }, (_, i) => ({ type: `E${i + 1}`, data: { s, i } })), { expectedVersion: 0 }));
    }
    const asks = Array.from({ length: 120 }, (_, i) => ({ stream: i % 25 < 20 ? `r${i % 25}` : `none${i}`, from: (i % 3) + 1 }));
    const reads = await Promise.all(asks.map((a) => right(store.readStream(a.stream, { fromVersion: a.from }))));
    reads.forEach((read, i) => {
      const { stream, from } = asks[i]!;
      const length = stream.startsWith('r') ? (Number(stream.slice(1)) % 4) + 1 : 0;
      expect(read.version).toBe(length);
      expect(read.events.map((e) => [e.streamId, e.version])).toEqual(
        Array.from({ length: Math.max(0, length - from + 1) }, (_, k) => [stream, from + k]),
      );
    });
  });
});
