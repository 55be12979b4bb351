/**
 * An EventStore on PostgreSQL, shared by many app instances. Tables live in a schema of their own
 * (default `paystate`), so they never meet an application's own `events` or migrations tables;
 * the store's migrations create and upgrade them on open, or only through `paystate migrate`
 * when opened with `migrate: 'off'`. Its parts are in
 * postgres/: connections and error mapping, the migrations runner, appends, reads, and the tables
 * beside the events.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type PgModule from 'pg';
import type { EventStore, StoreError } from './eventStore';
import { invalidArgument, storeFailed } from './eventStore';
import { LATEST_SCHEMA_VERSION, MIGRATIONS_TABLE, POSTGRES_APPEND_FUNCTION_MIGRATION, RECONCILE_CLAIMS_MIGRATION, REJECTION_LOG_MIGRATION, SUBSCRIPTION_LEASES_MIGRATION, type MigrateMode } from './migrations';
import { validateLimits, type RejectionLogLimits, type ValidLimits } from './shared/rejectionLogLimits';
import { postgresAppendMany } from './postgres/postgresAppendMany';
import { ownPool, quoteSchema, withClient } from './postgres/postgresConnection';
import { postgresTask, type PostgresContext } from './postgres/postgresContext';
import { postgresReads } from './postgres/postgresReads';
import { postgresReconcileClaims } from './postgres/postgresReconcileClaims';
import { postgresSideTables } from './postgres/postgresSideTables';
import { postgresLeases } from './postgres/postgresLeases';
import { leasesBehind } from './shared/leasesBehind';
import { postgresStoreError } from './postgres/postgresStoreError';
import { appliedMigrations, postgresBehind, runPostgresMigrations } from './postgres/runPostgresMigrations';
import { checkInteger, checkText } from './shared/argumentChecks';
import { catchUpVia } from './shared/catchUpVia';

export interface PostgresEventStoreOptions {
  readonly connectionString: string;
  /**
   * The schema holding the store's tables (default `paystate`); created if missing. It should be
   * paystate's alone: a table of the same name already there stops the migration rather than
   * being shared.
   */
  readonly schema?: string;
  /** A pool to use instead of creating one from connectionString; close() leaves it open. */
  readonly pool?: PgModule.Pool;
  /** Size of the pool the store creates (default 10). */
  readonly poolSize?: number;
  /** How long to wait for a connection before failing with StoreUnavailable (default 5000). */
  readonly connectTimeoutMs?: number;
  /**
   * The deadline of one store call, in ms (default 2500): acquiring a connection, every statement
   * and the commit together. Past it the call fails with StoreUnavailable (the webhook answers
   * 503 within two deadlines, well inside the 15 s Midtrans waits) and the connection is discarded. On a pool the store
   * creates, each connection also gets query_timeout, statement_timeout and
   * idle_in_transaction_session_timeout from it; a pool passed in keeps its own settings.
   */
  readonly callTimeoutMs?: number;
  /** Run migrations only up to this version, as an older release would (default: all). */
  readonly schemaVersion?: number;
  /**
   * 'auto' (default): run pending migrations on open. 'off': never change the schema; opening a
   * schema that is behind fails with a StoreFailed naming `paystate migrate`.
   */
  readonly migrate?: MigrateMode;
  readonly clock?: () => Date;
  /** Caps on the rejection log's rows under no order (defaults: 64 MiB, 30 days). */
  readonly rejectionLog?: RejectionLogLimits;
}

/**
 * The deadline of one store call unless told otherwise. A notification makes at most two store
 * calls one after the other (read the order, append), so the webhook answers within 5 s, a third
 * of the 15 s Midtrans waits.
 */
export const DEFAULT_POSTGRES_CALL_TIMEOUT_MS = 2500;

/** Where the store's tables live unless told otherwise. */
export const DEFAULT_POSTGRES_SCHEMA = 'paystate';

/** The migration versions applied to a store's schema (empty if it has none). */
export const postgresAppliedMigrations = (
  options: Pick<PostgresEventStoreOptions, 'connectionString' | 'schema' | 'pool'>,
): TE.TaskEither<StoreError, readonly number[]> => {
  const schema = options.schema ?? DEFAULT_POSTGRES_SCHEMA;
  const s = quoteSchema(schema);
  if (E.isLeft(s)) return TE.left(s.left);
  return TE.tryCatch(async () => {
    const pool = options.pool ?? ownPool(options.connectionString, 1, 5000);
    try {
      return await withClient(pool, async (c) => {
        const exists = await c.query('SELECT to_regclass($1) IS NOT NULL AS present', [`${s.right}.${MIGRATIONS_TABLE}`]);
        if (exists.rows[0]?.present !== true) return [];
        return [...(await appliedMigrations(c, s.right))].sort((a, b) => a - b);
      });
    } finally {
      if (options.pool === undefined) await pool.end();
    }
  }, postgresStoreError);
};

/** Connects to PostgreSQL, runs pending migrations and returns the store. */
export const getPostgresEventStore = (options: PostgresEventStoreOptions): TE.TaskEither<StoreError, EventStore> => {
  const schema = options.schema ?? DEFAULT_POSTGRES_SCHEMA;
  const s = quoteSchema(schema);
  if (E.isLeft(s)) return TE.left(s.left);
  const upTo = checkInteger(options.schemaVersion ?? LATEST_SCHEMA_VERSION, 'schemaVersion', 0);
  if (E.isLeft(upTo)) return TE.left(upTo.left);
  const size = checkInteger(options.poolSize ?? 10, 'poolSize', 1);
  if (E.isLeft(size)) return TE.left(size.left);
  const timeout = checkInteger(options.connectTimeoutMs ?? 5000, 'connectTimeoutMs', 1);
  if (E.isLeft(timeout)) return TE.left(timeout.left);
  const callTimeout = checkInteger(options.callTimeoutMs ?? DEFAULT_POSTGRES_CALL_TIMEOUT_MS, 'callTimeoutMs', 1);
  if (E.isLeft(callTimeout)) return TE.left(callTimeout.left);
  const limits = validateLimits(options.rejectionLog);
  if (E.isLeft(limits)) return TE.left(limits.left);
  const migrate = options.migrate ?? 'auto';
  if (migrate !== 'auto' && migrate !== 'off') return TE.left(invalidArgument(`migrate must be 'auto' or 'off', got ${JSON.stringify(migrate)}`));
  if (options.pool === undefined) {
    const cs = checkText(options.connectionString, 'connectionString');
    if (E.isLeft(cs)) return TE.left(cs.left);
  }
  return async () => {
    const pool = options.pool ?? ownPool(options.connectionString, size.right, timeout.right, callTimeout.right);
    const endOwnPool = async (): Promise<void> => {
      if (options.pool === undefined) await pool.end().catch(() => undefined);
    };
    // Migrations may run longer than one call's deadline: on a pool of its own they run on a connection without it.
    const migrationPool = options.pool ?? ownPool(options.connectionString, 1, timeout.right);
    try {
      if (migrate === 'auto') await runPostgresMigrations(migrationPool, schema, s.right, upTo.right);
      else {
        const behind = await postgresBehind(migrationPool, s.right, upTo.right);
        if (behind !== undefined) {
          await endOwnPool();
          return E.left(storeFailed(behind));
        }
      }
    } catch (e) {
      await endOwnPool();
      return E.left(postgresStoreError(e));
    } finally {
      if (migrationPool !== pool) await migrationPool.end().catch(() => undefined);
    }
    // A store that stops short of the append function's migration (an older release's schema) appends the way that reads first.
    const appendFunction = upTo.right >= POSTGRES_APPEND_FUNCTION_MIGRATION;
    const bounded = upTo.right >= REJECTION_LOG_MIGRATION ? limits.right : undefined;
    const claims = upTo.right >= RECONCILE_CLAIMS_MIGRATION;
    const leases = upTo.right >= SUBSCRIPTION_LEASES_MIGRATION;
    return E.right(storeOn(pool, schema, s.right, options.clock ?? (() => new Date()), endOwnPool, appendFunction, callTimeout.right, bounded, claims, leases));
  };
};

const storeOn = (
  pool: PgModule.Pool,
  schema: string,
  s: string,
  clock: () => Date,
  endPool: () => Promise<void>,
  appendFunction: boolean,
  callTimeoutMs: number,
  limits: ValidLimits | undefined,
  claims: boolean,
  leases: boolean,
): EventStore => {
  let closed = false;
  const context: PostgresContext = { pool, schema, s, clock, task: postgresTask(() => closed, callTimeoutMs) };
  const appendMany = postgresAppendMany(context, appendFunction);
  const { readStream, readAll } = postgresReads(context);

  return {
    appendToStream: (streamId, events, options) => async () => {
      const results = await appendMany([{ streamId, events, expectedVersion: options.expectedVersion }])();
      if (E.isLeft(results)) return results;
      return results.right[0] ?? E.left(storeFailed('appendMany returned no result'));
    },

    appendMany,

    readStream,

    readAll,

    catchUp: catchUpVia(readAll),

    ...postgresSideTables(context, limits),

    ...(claims ? { reconcileClaims: postgresReconcileClaims(context) } : {}),
    // Subscription leases and effect claims (and getCheckpoint over the segments), on a schema that has them.
    ...(leases ? postgresLeases(context) : leasesBehind()),

    close: async () => {
      if (closed) return;
      closed = true;
      await endPool();
    },
  };
};
