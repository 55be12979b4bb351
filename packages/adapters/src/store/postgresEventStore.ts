/**
 * An EventStore on PostgreSQL, shared by many app instances. Tables live in one schema (default
 * `public`), created and upgraded by the store's own migrations on open.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import pg from 'pg';
import type { AppendOp, AppendResult, EventStore, StoredEvent, StoredRejection, StoreError } from './eventStore';
import { invalidArgument, storeFailed, storeUnavailable, versionConflict } from './eventStore';
import { LATEST_SCHEMA_VERSION, pendingMigrations } from './migrations';
import type { ValidAppendOp } from './storeSupport';
import {
  appendResult,
  catchUpVia,
  checkInteger,
  checkText,
  decodeData,
  errorMessage,
  isoNow,
  keysOf,
  planAppend,
  validateAppendOp,
  validateFromVersion,
  validateReadAll,
  validateReadRejections,
  validateRejection,
} from './storeSupport';

export interface PostgresEventStoreOptions {
  readonly connectionString: string;
  /** The schema holding the store's tables (default `public`); created if missing. */
  readonly schema?: string;
  /** A pool to use instead of creating one from connectionString; close() leaves it open. */
  readonly pool?: pg.Pool;
  /** Size of the pool the store creates (default 10). */
  readonly poolSize?: number;
  /** How long to wait for a connection before failing with StoreUnavailable (default 5000). */
  readonly connectTimeoutMs?: number;
  /** Run migrations only up to this version, as an older release would (default: all). */
  readonly schemaVersion?: number;
  readonly clock?: () => Date;
}

// Advisory lock namespaces ('pays' and 'psmg'); the second key is hashtext(schema), so stores in
// different schemas do not contend.
const APPEND_LOCK = 1885436275;
const MIGRATION_LOCK = 1886612839;

// SQLSTATE classes describing the server or the connection rather than the request: 08 connection
// exception, 53 insufficient resources, 57 operator intervention (shutdown, cancel), 58 system error.
const UNAVAILABLE_SQLSTATE = /^(08|53|57|58)/;
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Cannot use a pool after calling end|not queryable|timeout expired/i;

const codeOf = (e: unknown): string | undefined => {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
};

// Connecting to a host with several addresses can fail with an AggregateError whose message is empty.
const describeError = (e: unknown): string => {
  const message = errorMessage(e);
  if (message !== '') return message;
  const errors = typeof e === 'object' && e !== null ? (e as { errors?: unknown }).errors : undefined;
  if (Array.isArray(errors) && errors.length > 0) return errors.map(errorMessage).join('; ');
  return codeOf(e) ?? 'unknown error';
};

// Structural, so errors from another copy of pg (a caller's pool) are recognised too.
const sqlstateOf = (e: unknown): string | undefined => {
  const code = codeOf(e);
  return code !== undefined && /^[0-9A-Z]{5}$/.test(code) && typeof e === 'object' && e !== null && 'severity' in e
    ? code
    : undefined;
};

/** Maps a pg exception to a StoreError. */
export const postgresStoreError = (e: unknown): StoreError => {
  const code = codeOf(e);
  const message = describeError(e);
  const sqlstate = sqlstateOf(e);
  if (sqlstate !== undefined) {
    const withCode = `${sqlstate}: ${message}`;
    return UNAVAILABLE_SQLSTATE.test(sqlstate) ? storeUnavailable(withCode) : storeFailed(withCode);
  }
  if ((code !== undefined && UNAVAILABLE_NODE_CODES.has(code)) || UNAVAILABLE_MESSAGES.test(message)) {
    return storeUnavailable(code !== undefined && !message.includes(code) ? `${code}: ${message}` : message);
  }
  return storeFailed(message);
};

const isUniqueViolation = (e: unknown): boolean => sqlstateOf(e) === '23505';

const quoteSchema = (schema: string): E.Either<StoreError, string> =>
  /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)
    ? E.right(`"${schema}"`)
    : E.left(invalidArgument(`schema must be a plain identifier (letters, digits, _; at most 63), got ${JSON.stringify(schema)}`));

/** Runs f on one pooled connection, discarding the connection if it broke (or f says so). */
const withClient = async <A>(
  pool: pg.Pool,
  f: (c: pg.PoolClient, discard: (why: Error) => void) => Promise<A>,
): Promise<A> => {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (err: Error): void => {
    broken = err;
  };
  client.on('error', onError);
  try {
    return await f(client, onError);
  } catch (e) {
    if (postgresStoreError(e)._tag === 'StoreUnavailable') broken = new Error(errorMessage(e));
    throw e;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
};

/** Runs f in a READ COMMITTED transaction on one connection. */
const inTransaction = <A>(pool: pg.Pool, f: (c: pg.PoolClient) => Promise<A>): Promise<A> =>
  withClient(pool, async (c, discard) => {
    await c.query('BEGIN');
    try {
      const result = await f(c);
      await c.query('COMMIT');
      return result;
    } catch (e) {
      await rollback(c, discard);
      throw e;
    }
  });

/** Rolls back, discarding the connection if even that fails (its transaction state is unknown). */
const rollback = (c: pg.PoolClient, discard: (why: Error) => void): Promise<void> =>
  c.query('ROLLBACK').then(
    () => undefined,
    (e: unknown) => discard(new Error(errorMessage(e))),
  );

const applied = async (c: pg.PoolClient, s: string): Promise<Set<number>> =>
  new Set((await c.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`)).rows.map((r) => r.version));

const runMigrations = (pool: pg.Pool, schema: string, s: string, upTo: number): Promise<void> =>
  withClient(pool, async (c, discard) => {
    const lock = (): Promise<unknown> => c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK, schema]);
    await c.query('BEGIN');
    try {
      await lock();
      // Checked first so a role without CREATE on the database can use an existing schema.
      const exists = await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      if (exists.rowCount === 0) await c.query(`CREATE SCHEMA ${s}`);
      await c.query(`CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
        version integer PRIMARY KEY,
        description text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      await c.query('COMMIT');
      for (const m of pendingMigrations(await applied(c, s), upTo)) {
        await c.query('BEGIN');
        await lock();
        // Re-checked under the lock: a concurrent opener may have run it since.
        if (!(await applied(c, s)).has(m.version)) {
          await c.query(m.postgres(s));
          await c.query(`INSERT INTO ${s}.schema_migrations (version, description) VALUES ($1, $2)`, [
            m.version,
            m.description,
          ]);
        }
        await c.query('COMMIT');
      }
    } catch (e) {
      await rollback(c, discard);
      throw e;
    }
  });

const ownPool = (options: PostgresEventStoreOptions, size: number, connectTimeoutMs: number): pg.Pool => {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: size,
    connectionTimeoutMillis: connectTimeoutMs,
    application_name: 'paystate',
  });
  // Idle connections that die (server restart) are dropped by the pool; the next query reports it.
  pool.on('error', () => undefined);
  return pool;
};

/** The migration versions applied to a store's schema (empty if it has none). */
export const postgresAppliedMigrations = (
  options: Pick<PostgresEventStoreOptions, 'connectionString' | 'schema' | 'pool'>,
): TE.TaskEither<StoreError, readonly number[]> => {
  const schema = options.schema ?? 'public';
  const s = quoteSchema(schema);
  if (E.isLeft(s)) return TE.left(s.left);
  return TE.tryCatch(async () => {
    const pool = options.pool ?? ownPool(options, 1, 5000);
    try {
      return await withClient(pool, async (c) => {
        const exists = await c.query('SELECT to_regclass($1) IS NOT NULL AS present', [`${s.right}.schema_migrations`]);
        if (exists.rows[0]?.present !== true) return [];
        return [...(await applied(c, s.right))].sort((a, b) => a - b);
      });
    } finally {
      if (options.pool === undefined) await pool.end();
    }
  }, postgresStoreError);
};

/** Connects to PostgreSQL, runs pending migrations and returns the store. */
export const getPostgresEventStore = (options: PostgresEventStoreOptions): TE.TaskEither<StoreError, EventStore> => {
  const schema = options.schema ?? 'public';
  const s = quoteSchema(schema);
  if (E.isLeft(s)) return TE.left(s.left);
  const upTo = checkInteger(options.schemaVersion ?? LATEST_SCHEMA_VERSION, 'schemaVersion', 0);
  if (E.isLeft(upTo)) return TE.left(upTo.left);
  const size = checkInteger(options.poolSize ?? 10, 'poolSize', 1);
  if (E.isLeft(size)) return TE.left(size.left);
  const timeout = checkInteger(options.connectTimeoutMs ?? 5000, 'connectTimeoutMs', 1);
  if (E.isLeft(timeout)) return TE.left(timeout.left);
  if (options.pool === undefined) {
    const cs = checkText(options.connectionString, 'connectionString');
    if (E.isLeft(cs)) return TE.left(cs.left);
  }
  return async () => {
    const pool = options.pool ?? ownPool(options, size.right, timeout.right);
    const endOwnPool = async (): Promise<void> => {
      if (options.pool === undefined) await pool.end().catch(() => undefined);
    };
    try {
      await runMigrations(pool, schema, s.right, upTo.right);
    } catch (e) {
      await endOwnPool();
      return E.left(postgresStoreError(e));
    }
    return E.right(storeOn(pool, schema, s.right, options.clock ?? (() => new Date()), endOwnPool));
  };
};

interface EventRow {
  readonly position: string;
  readonly stream_id: string;
  readonly version: number;
  readonly type: string;
  readonly data: string;
  readonly idempotency_key: string | null;
  readonly recorded_at: Date;
}

interface RejectionRow {
  readonly id: string;
  readonly received_at: string;
  readonly kind: string;
  readonly order_id: string | null;
  readonly reason: string;
  readonly raw_body: Buffer;
}

// data is read as text so it round-trips exactly and is parsed in one place.
const EVENT_COLUMNS = 'position, stream_id, version, type, data::text AS data, idempotency_key, recorded_at';

const toStored = (r: EventRow): StoredEvent => ({
  streamId: r.stream_id,
  version: r.version,
  position: Number(r.position),
  type: r.type,
  data: decodeData(r.data),
  idempotencyKey: r.idempotency_key,
  recordedAt: r.recorded_at.toISOString(),
});

const toRejection = (r: RejectionRow): StoredRejection => ({
  id: Number(r.id),
  receivedAt: r.received_at,
  kind: r.kind,
  orderId: r.order_id,
  reason: r.reason,
  rawBody: r.raw_body.toString('utf8'),
});

/** Thrown inside a savepoint to roll back one op of appendMany. */
class OpRejected extends Error {
  constructor(readonly error: StoreError) {
    super('append op rejected');
  }
}

const storeOn = (
  pool: pg.Pool,
  schema: string,
  s: string,
  clock: () => Date,
  endPool: () => Promise<void>,
): EventStore => {
  let closed = false;

  const task = <A>(body: () => Promise<E.Either<StoreError, A>>): TE.TaskEither<StoreError, A> =>
    async () => {
      if (closed) return E.left(storeUnavailable('the store is closed'));
      try {
        return await body();
      } catch (e) {
        return E.left(postgresStoreError(e));
      }
    };

  const currentVersion = async (c: pg.PoolClient, streamId: string): Promise<number> =>
    (
      await c.query<{ v: number }>(`SELECT coalesce(max(version), 0) AS v FROM ${s}.events WHERE stream_id = $1`, [
        streamId,
      ])
    ).rows[0]?.v ?? 0;

  const appendOne = async (c: pg.PoolClient, op: ValidAppendOp): Promise<AppendResult> => {
    const current = await currentVersion(c, op.streamId);
    const existing = new Map<string, StoredEvent>();
    const keys = keysOf(op);
    if (keys.length > 0) {
      const rows = await c.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE stream_id = $1 AND idempotency_key = ANY($2::text[])`,
        [op.streamId, keys],
      );
      for (const row of rows.rows) if (row.idempotency_key !== null) existing.set(row.idempotency_key, toStored(row));
    }
    const plan = planAppend(op, current, existing);
    if (E.isLeft(plan)) throw new OpRejected(plan.left);
    const fresh = plan.right.fresh;
    if (fresh.length === 0) return appendResult(op.streamId, current, [], plan.right.alreadyRecorded);
    const last = await c.query<{ p: string }>(`SELECT coalesce(max(position), 0) AS p FROM ${s}.events`);
    const base = Number(last.rows[0]?.p ?? 0);
    const recordedAt = isoNow(clock);
    await c.query(
      `INSERT INTO ${s}.events (position, stream_id, version, type, data, idempotency_key, recorded_at)
       SELECT u.position, $1, u.version, u.type, u.data, u.idempotency_key, $2
       FROM unnest($3::bigint[], $4::integer[], $5::text[], $6::json[], $7::text[])
         AS u(position, version, type, data, idempotency_key)`,
      [
        op.streamId,
        recordedAt,
        fresh.map((_, i) => base + i + 1),
        fresh.map((_, i) => current + i + 1),
        fresh.map((ev) => ev.type),
        fresh.map((ev) => ev.dataJson),
        fresh.map((ev) => ev.idempotencyKey),
      ],
    );
    const stored = fresh.map(
      (ev, i): StoredEvent => ({
        streamId: op.streamId,
        version: current + i + 1,
        position: base + i + 1,
        type: ev.type,
        data: decodeData(ev.dataJson),
        idempotencyKey: ev.idempotencyKey,
        recordedAt,
      }),
    );
    return appendResult(op.streamId, current, stored, plan.right.alreadyRecorded);
  };

  const appendMany: EventStore['appendMany'] = (ops) =>
    task(async () => {
      const valid = ops.map(validateAppendOp);
      if (!valid.some(E.isRight)) return E.right(valid.filter(E.isLeft));
      const results = await inTransaction(pool, async (c) => {
        // Positions come from max(position) + 1 under this lock, held until commit: appends commit
        // in position order with no gaps, so a reader that has seen position p never later finds a
        // newly committed event below p (a sequence would let a later commit take a smaller number).
        // The lock also makes the expected-version and idempotency-key checks below race-free.
        await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [APPEND_LOCK, schema]);
        const out: E.Either<StoreError, AppendResult>[] = [];
        for (const op of valid) {
          if (E.isLeft(op)) {
            out.push(op);
            continue;
          }
          await c.query('SAVEPOINT append_op');
          try {
            out.push(E.right(await appendOne(c, op.right)));
          } catch (e) {
            if (!(e instanceof OpRejected) && !isUniqueViolation(e)) throw e;
            await c.query('ROLLBACK TO SAVEPOINT append_op');
            // A unique violation means a writer bypassed the lock; report what the stream holds now.
            out.push(
              E.left(
                e instanceof OpRejected
                  ? e.error
                  : versionConflict(op.right.streamId, op.right.expectedVersion, await currentVersion(c, op.right.streamId)),
              ),
            );
          }
          await c.query('RELEASE SAVEPOINT append_op');
        }
        return out;
      });
      return E.right(results);
    });

  const readAll: EventStore['readAll'] = (options) =>
    task(async () => {
      const valid = validateReadAll(options);
      if (E.isLeft(valid)) return valid;
      const rows = await pool.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE position > $1 ORDER BY position LIMIT $2`,
        [valid.right.fromPosition, valid.right.limit ?? null],
      );
      return E.right(rows.rows.map(toStored));
    });

  return {
    appendToStream: (streamId, events, options) => async () => {
      const results = await appendMany([{ streamId, events, expectedVersion: options.expectedVersion }])();
      if (E.isLeft(results)) return results;
      return results.right[0] ?? E.left(storeFailed('appendMany returned no result'));
    },

    appendMany,

    readStream: (streamId, options) =>
      task(async () => {
        const id = checkText(streamId, 'streamId');
        if (E.isLeft(id)) return id;
        const from = validateFromVersion(options);
        if (E.isLeft(from)) return from;
        // One statement, one snapshot: the version and the events agree.
        // A stream with no events from fromVersion yields one row of NULL event columns.
        const rows = await pool.query<{ readonly current: number } & (EventRow | { readonly [K in keyof EventRow]: null })>(
          `WITH cur AS (SELECT coalesce(max(version), 0) AS current FROM ${s}.events WHERE stream_id = $1)
           SELECT cur.current, e.* FROM cur
           LEFT JOIN (SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE stream_id = $1 AND version >= $2) e ON true
           ORDER BY e.version`,
          [id.right, from.right],
        );
        const events = rows.rows.flatMap((r) => (r.position === null ? [] : [toStored(r)]));
        return E.right({ version: rows.rows[0]?.current ?? 0, events });
      }),

    readAll,

    catchUp: catchUpVia(readAll),

    putAlias: (alias, streamId) =>
      task(async () => {
        const a = checkText(alias, 'alias');
        if (E.isLeft(a)) return a;
        const sid = checkText(streamId, 'streamId');
        if (E.isLeft(sid)) return sid;
        await pool.query(`INSERT INTO ${s}.aliases (alias, stream_id) VALUES ($1, $2) ON CONFLICT (alias) DO NOTHING`, [
          a.right,
          sid.right,
        ]);
        return E.right(undefined);
      }),

    getAlias: (alias) =>
      task(async () => {
        const a = checkText(alias, 'alias');
        if (E.isLeft(a)) return a;
        const rows = await pool.query<{ stream_id: string }>(`SELECT stream_id FROM ${s}.aliases WHERE alias = $1`, [a.right]);
        return E.right(rows.rows[0]?.stream_id);
      }),

    recordRejection: (r) =>
      task(async () => {
        const valid = validateRejection(r);
        if (E.isLeft(valid)) return valid;
        const { receivedAt, kind, orderId, reason, rawBody } = valid.right;
        const rows = await pool.query<{ id: string }>(
          `INSERT INTO ${s}.rejections (received_at, kind, order_id, reason, raw_body) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [receivedAt, kind, orderId, reason, Buffer.from(rawBody, 'utf8')],
        );
        const id = rows.rows[0]?.id;
        return id === undefined ? E.left(storeFailed('insert returned no id')) : E.right({ id: Number(id) });
      }),

    readRejections: (options) =>
      task(async () => {
        const valid = validateReadRejections(options);
        if (E.isLeft(valid)) return valid;
        const { orderId, fromId, limit } = valid.right;
        const rows = await pool.query<RejectionRow>(
          `SELECT id, received_at, kind, order_id, reason, raw_body FROM ${s}.rejections
           WHERE id > $1 AND ($2::text IS NULL OR order_id = $2) ORDER BY id LIMIT $3`,
          [fromId, orderId ?? null, limit ?? null],
        );
        return E.right(rows.rows.map(toRejection));
      }),

    getCheckpoint: (subscriberId) =>
      task(async () => {
        const sub = checkText(subscriberId, 'subscriberId');
        if (E.isLeft(sub)) return sub;
        const rows = await pool.query<{ position: string }>(
          `SELECT position FROM ${s}.checkpoints WHERE subscriber_id = $1`,
          [sub.right],
        );
        const position = rows.rows[0]?.position;
        return E.right(position === undefined ? 0 : Number(position));
      }),

    putCheckpoint: (subscriberId, position) =>
      task(async () => {
        const sub = checkText(subscriberId, 'subscriberId');
        if (E.isLeft(sub)) return sub;
        const p = checkInteger(position, 'position', 0);
        if (E.isLeft(p)) return p;
        await pool.query(
          `INSERT INTO ${s}.checkpoints (subscriber_id, position) VALUES ($1, $2)
           ON CONFLICT (subscriber_id) DO UPDATE SET position = excluded.position`,
          [sub.right, p.right],
        );
        return E.right(undefined);
      }),

    close: async () => {
      if (closed) return;
      closed = true;
      await endPool();
    },
  };
};
