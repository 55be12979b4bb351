/**
 * The PostgreSQL store's appends. A batch planned on what its ops expect goes in one call of the
 * append function; one that cannot go that way, or that the store no longer fits, goes in a
 * transaction holding the append lock that reads the state it depends on first.
 */
import * as E from 'fp-ts/lib/Either.js';
import type PgModule from 'pg';
import type { AppendResult, EventStore, StoredEvent, StoreError } from '../eventStore';
import { versionConflict } from '../eventStore';
import { POSTGRES_APPEND_FUNCTION, POSTGRES_APPEND_LOCK } from '../migrations';
import { batchKeys, planBatch, type BatchState, type NewRow } from '../shared/planBatch';
import { planOnExpected } from '../shared/planOnExpected';
import { validateAppendOp, type ValidAppendOp } from '../shared/validateAppendOp';
import { prepared, rollback, withClient } from './postgresConnection';
import type { PostgresContext } from './postgresContext';
import { toStored, type EventRow } from './postgresRows';
import { isUniqueViolation } from './postgresStoreError';

const APPEND_LOCK = POSTGRES_APPEND_LOCK;
const APPEND_FUNCTION = POSTGRES_APPEND_FUNCTION;

/** A row of the batch-state query: the last position ('p'), a stream's version ('v') or a keyed event ('k'). */
type StateRow =
  | { readonly kind: 'p'; readonly position: string | null }
  | { readonly kind: 'v'; readonly stream_id: string; readonly version: number | null }
  | ({ readonly kind: 'k' } & EventRow);

/** appendMany; appendFunction: the schema has the append function (a store held at an older schema version appends reading first). */
export const postgresAppendMany = ({ pool, schema, s, clock, task }: PostgresContext, appendFunction: boolean): EventStore['appendMany'] => {
  const currentVersion = async (c: PgModule.PoolClient, streamId: string): Promise<number> =>
    (
      await c.query<{ v: number }>(
        prepared(`SELECT coalesce(max(version), 0) AS v FROM ${s}.events WHERE stream_id = $1`, [streamId]),
      )
    ).rows[0]?.v ?? 0;

  // BEGIN and the lock travel in one round trip (a parameterless multi-statement query); schema is
  // a checked plain identifier, so it can be a literal.
  //
  // Positions come from max(position) + 1 under this lock, held until commit: appends commit in
  // position order with no gaps, so a reader that has seen position p never later finds a newly
  // committed event below p (a sequence would let a later commit take a smaller number). The lock
  // also makes the expected-version and idempotency-key checks race-free. Every statement after it
  // takes a fresh READ COMMITTED snapshot, so it sees everything the previous holder committed.
  const beginLocked = `BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(${APPEND_LOCK}, hashtext('${schema}'))`;

  /** Runs f in a transaction holding the append lock. */
  const inAppendTransaction = <A>(f: (c: PgModule.PoolClient) => Promise<A>): Promise<A> =>
    withClient(pool, async (c, discard) => {
      try {
        await c.query(beginLocked);
        const result = await f(c);
        await c.query('COMMIT');
        return result;
      } catch (e) {
        await rollback(c, discard);
        throw e;
      }
    });

  // One statement, so one snapshot: the last position, the version of each stream in the batch,
  // and the stored events carrying any of the batch's (stream, idempotency key) pairs.
  const stateSql = `
    SELECT 'p' AS kind, (SELECT max(position) FROM ${s}.events) AS position, NULL::text AS stream_id,
           NULL::integer AS version, NULL::text AS type, NULL::text AS data, NULL::text AS idempotency_key,
           NULL::timestamptz AS recorded_at
    UNION ALL
    SELECT 'v', NULL, u.stream_id, (SELECT max(e.version) FROM ${s}.events e WHERE e.stream_id = u.stream_id),
           NULL, NULL, NULL, NULL
    FROM unnest($1::text[]) AS u(stream_id)
    UNION ALL
    SELECT 'k', e.position, e.stream_id, e.version, e.type, e.data::text, e.idempotency_key, e.recorded_at
    FROM ${s}.events e
    WHERE e.idempotency_key IS NOT NULL
      AND (e.stream_id, e.idempotency_key) IN (SELECT * FROM unnest($2::text[], $3::text[]))`;

  const readBatchState = async (c: PgModule.PoolClient, ops: readonly ValidAppendOp[]): Promise<BatchState & { lastPosition: number }> => {
    const { streamIds, keyStreams, keys } = batchKeys(ops);
    const rows = await c.query<StateRow>(prepared(stateSql, [streamIds, keyStreams, keys]));
    let lastPosition = 0;
    const versions = new Map<string, number>();
    const keyed = new Map<string, Map<string, StoredEvent>>();
    for (const row of rows.rows) {
      if (row.kind === 'p') lastPosition = Number(row.position ?? 0);
      else if (row.kind === 'v') versions.set(row.stream_id, row.version ?? 0);
      else if (row.idempotency_key !== null) {
        let byKey = keyed.get(row.stream_id);
        if (byKey === undefined) {
          byKey = new Map();
          keyed.set(row.stream_id, byKey);
        }
        byKey.set(row.idempotency_key, toStored(row));
      }
    }
    return { lastPosition, versions, keyed };
  };

  // The data travel as one JSON array (element i for row i) rather than a json[] literal, which the
  // driver would escape character by character; json_array_elements gives back each element's
  // exact text.
  const insertSql = `
    INSERT INTO ${s}.events (position, stream_id, version, type, data, idempotency_key, recorded_at)
    SELECT $1::bigint + r.n, r.stream_id, r.version, r.type, d.data, r.idempotency_key, r.recorded_at
    FROM unnest($2::text[], $3::integer[], $4::text[], $6::text[], $7::timestamptz[])
      WITH ORDINALITY AS r(stream_id, version, type, idempotency_key, recorded_at, n)
    JOIN json_array_elements($5::json) WITH ORDINALITY AS d(data, n) USING (n)`;

  /** The rows' columns in insertSql's order from $2: an array each, the data as one JSON array. */
  const rowColumns = (rows: readonly NewRow[]): unknown[] => [
    rows.map((r) => r.streamId),
    rows.map((r) => r.version),
    rows.map((r) => r.type),
    `[${rows.map((r) => r.dataJson).join(',')}]`,
    rows.map((r) => r.idempotencyKey),
    rows.map((r) => r.recordedAt),
  ];

  /**
   * Appends a batch inside a transaction holding the append lock, in two statements whatever its
   * size: one reads the state the batch depends on, one inserts every new event.
   */
  const appendBatch = async (
    c: PgModule.PoolClient,
    ops: readonly E.Either<StoreError, ValidAppendOp>[],
  ): Promise<E.Either<StoreError, AppendResult>[]> => {
    const { lastPosition, ...state } = await readBatchState(c, ops.flatMap((op) => (E.isRight(op) ? [op.right] : [])));
    const plan = planBatch(ops, state, clock);
    if (plan.rows.length > 0) {
      const inserted = await c.query(prepared(insertSql, [lastPosition, ...rowColumns(plan.rows)]));
      if (inserted.rowCount !== plan.rows.length) {
        throw new Error(`inserted ${String(inserted.rowCount)} events instead of ${plan.rows.length}`);
      }
    }
    return plan.results(lastPosition);
  };

  const appendFunctionSql = `SELECT ${s}.${APPEND_FUNCTION}($1::text[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::text[], $8::json, $9::text[], $10::timestamptz[]) AS last`;

  /**
   * The batch in one round trip, planned on what its ops expect (each stream at the expected
   * version of its first op, none of their idempotency keys stored), which is what an ingestor
   * whose cache is current sends. The append function takes the lock, checks exactly that, and
   * inserts and commits the rows, or inserts nothing and answers NULL when the store differs;
   * the batch then goes the way that reads first. Undefined when the batch cannot go this way.
   */
  const appendExpected = async (ops: readonly E.Either<StoreError, ValidAppendOp>[]): Promise<E.Either<StoreError, AppendResult>[] | undefined> => {
    const batch = planOnExpected(ops, clock);
    if (batch === undefined) return undefined;
    const answer = await pool.query<{ last: string | null }>(
      prepared(appendFunctionSql, [batch.streams, batch.versions, batch.keyStreams, batch.keys, ...rowColumns(batch.plan.rows)]),
    );
    const last = answer.rows[0]?.last;
    return last === null || last === undefined ? undefined : batch.plan.results(Number(last));
  };

  const appendMany: EventStore['appendMany'] = (ops) =>
    task(async () => {
      const valid = ops.map(validateAppendOp);
      if (!valid.some(E.isRight)) return E.right(valid.filter(E.isLeft));
      try {
        const expected = appendFunction ? await appendExpected(valid) : undefined;
        return E.right(expected ?? (await inAppendTransaction((c) => appendBatch(c, valid))));
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
      }
      // A unique violation means a writer bypassed the lock, and the batch was rolled back. Redo it
      // op by op, each in a savepoint, so only the ops that collide fail, with what the stream holds now.
      const results = await inAppendTransaction(async (c) => {
        const out: E.Either<StoreError, AppendResult>[] = [];
        for (const op of valid) {
          if (E.isLeft(op)) {
            out.push(op);
            continue;
          }
          await c.query('SAVEPOINT append_op');
          try {
            out.push(...(await appendBatch(c, [op])));
          } catch (e) {
            if (!isUniqueViolation(e)) throw e;
            await c.query('ROLLBACK TO SAVEPOINT append_op');
            out.push(E.left(versionConflict(op.right.streamId, op.right.expectedVersion, await currentVersion(c, op.right.streamId))));
          }
          await c.query('RELEASE SAVEPOINT append_op');
        }
        return out;
      });
      return E.right(results);
    });

  return appendMany;
};
