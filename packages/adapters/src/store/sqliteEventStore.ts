/**
 * An EventStore on one SQLite file (better-sqlite3): WAL, synchronous=FULL, and every write in a
 * BEGIN IMMEDIATE transaction so expected-version checks hold across processes sharing the file.
 *
 * Reads run on the caller's thread. Writes run on a writer thread with a connection of its own
 * (see sqliteWriter.ts): an append goes there planned on the versions its ops expect, is checked
 * and written under the write lock, and commits while the event loop goes on. When the store
 * differs from the plan (another writer moved a stream, a key is stored, an op expects 'any'),
 * the append is decided here, reading first, as it is without the thread. The store's parts are
 * in sqlite/: error mapping, the migrations runner, appends, reads, and the tables beside the events.
 */
import { resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, StoreError } from './eventStore';
import { invalidArgument, storeFailed } from './eventStore';
import { loadDriver } from './driver';
import { LATEST_SCHEMA_VERSION, MIGRATIONS_TABLE, RECONCILE_CLAIMS_MIGRATION, REJECTION_LOG_MIGRATION, SUBSCRIPTION_LEASES_MIGRATION, type MigrateMode } from './migrations';
import { validateLimits, type RejectionLogLimits, type ValidLimits } from './shared/rejectionLogLimits';
import { checkInteger, checkText } from './shared/argumentChecks';
import { catchUpVia } from './shared/catchUpVia';
import { runSqliteMigrations, sqliteBehind } from './sqlite/runSqliteMigrations';
import { sqliteAppendMany } from './sqlite/sqliteAppendMany';
import { INLINE_BUSY_SLICE_MS, sqliteTask, type SqliteContext } from './sqlite/sqliteContext';
import { sqliteReads } from './sqlite/sqliteReads';
import { sqliteReconcileClaims } from './sqlite/sqliteReconcileClaims';
import { sqliteSideTables } from './sqlite/sqliteSideTables';
import { sqliteLeases } from './sqlite/sqliteLeases';
import { leasesBehind } from './shared/leasesBehind';
import { sqliteStoreError } from './sqlite/sqliteStoreError';
import { startSqliteWriter, type SqliteWriter } from './sqliteWriter';

const Database = loadDriver<typeof BetterSqlite3>('better-sqlite3', '@paystate/adapters/sqlite', '^12.11.1');
type Database = BetterSqlite3.Database;

export interface SqliteEventStoreOptions {
  /** A file path, or ':memory:' for a private in-memory database. */
  readonly filename: string;
  /**
   * How long a read or write waits for another connection's lock (another process's
   * `BEGIN EXCLUSIVE`, say) before failing with StoreUnavailable (default 5000). The writer thread
   * waits in SQLite; on the caller's thread the wait is a series of short tries with the event loop
   * free between them, so a held lock never stalls the process's other requests.
   */
  readonly busyTimeoutMs?: number;
  /** Run migrations only up to this version, as an older release would (default: all). */
  readonly schemaVersion?: number;
  /**
   * 'auto' (default): run pending migrations on open. 'off': never change the schema; opening a
   * database that is behind fails with a StoreFailed naming `paystate migrate`.
   */
  readonly migrate?: MigrateMode;
  readonly clock?: () => Date;
  /**
   * Write on a thread of the store's own, so the event loop keeps serving while a commit waits for
   * the disk (default true; a ':memory:' database is private to its connection and is always
   * written in line).
   */
  readonly writerThread?: boolean;
  /** Caps on the rejection log's rows under no order (defaults: 64 MiB, 30 days). */
  readonly rejectionLog?: RejectionLogLimits;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** The migration versions applied to a SQLite database file. */
export const sqliteAppliedMigrations = (filename: string): E.Either<StoreError, readonly number[]> =>
  E.tryCatch(() => {
    const db = new Database(filename, { readonly: true, fileMustExist: true });
    try {
      return db.prepare<[], number>(`SELECT version FROM ${MIGRATIONS_TABLE} ORDER BY version`).pluck().all();
    } finally {
      db.close();
    }
  }, sqliteStoreError);

/** Opens (creating and migrating if needed) a SQLite event store. */
export const getSqliteEventStore = (options: SqliteEventStoreOptions): E.Either<StoreError, EventStore> => {
  const filename = checkText(options.filename, 'filename');
  if (E.isLeft(filename)) return filename;
  const busyTimeout = checkInteger(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS, 'busyTimeoutMs', 0);
  if (E.isLeft(busyTimeout)) return busyTimeout;
  const upTo = checkInteger(options.schemaVersion ?? LATEST_SCHEMA_VERSION, 'schemaVersion', 0);
  if (E.isLeft(upTo)) return upTo;
  const migrate = options.migrate ?? 'auto';
  if (migrate !== 'auto' && migrate !== 'off') return E.left(invalidArgument(`migrate must be 'auto' or 'off', got ${JSON.stringify(migrate)}`));
  const limits = validateLimits(options.rejectionLog);
  if (E.isLeft(limits)) return limits;
  let db: Database | undefined;
  try {
    db = new Database(filename.right, { timeout: busyTimeout.right });
    db.pragma(`busy_timeout = ${busyTimeout.right}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    if (migrate === 'auto') runSqliteMigrations(db, upTo.right);
    else {
      const behind = sqliteBehind(db, upTo.right);
      if (behind !== undefined) {
        db.close();
        return E.left(storeFailed(behind));
      }
    }
    // From here on this thread waits for a lock in short slices (see sqliteTask).
    db.pragma(`busy_timeout = ${Math.min(busyTimeout.right, INLINE_BUSY_SLICE_MS)}`);
    const threaded = options.writerThread !== false && filename.right !== ':memory:';
    // The thread opens the file when it starts (at the first write): by then the working directory may have changed.
    const writerAt = threaded ? { filename: resolve(filename.right), busyTimeoutMs: busyTimeout.right } : undefined;
    const bounded = upTo.right >= REJECTION_LOG_MIGRATION ? limits.right : undefined;
    return E.right(
      storeOn(db, options.clock ?? (() => new Date()), writerAt, bounded, upTo.right >= RECONCILE_CLAIMS_MIGRATION, upTo.right >= SUBSCRIPTION_LEASES_MIGRATION, busyTimeout.right),
    );
  } catch (e) {
    db?.close();
    return E.left(sqliteStoreError(e));
  }
};

/** appendMany calls worth having on their way to the writer thread at once. */
const WRITER_CONCURRENT_APPENDS = 32;

const storeOn = (
  db: Database,
  clock: () => Date,
  writerAt: { readonly filename: string; readonly busyTimeoutMs: number } | undefined,
  limits: ValidLimits | undefined,
  claims: boolean,
  leases: boolean,
  busyTimeoutMs: number,
): EventStore => {
  let closed = false;

  // Started with the first write. Once it is gone (it could not start, or it stopped), the writes
  // already sent to it are answered StoreUnavailable and later writes run here.
  let writer: SqliteWriter | undefined;
  const writerThread = (): SqliteWriter | undefined => {
    if (writerAt === undefined) return undefined;
    writer ??= startSqliteWriter(writerAt.filename, writerAt.busyTimeoutMs);
    return writer.stopped ? undefined : writer;
  };

  const context: SqliteContext = { db, clock, isClosed: () => closed, run: sqliteTask(() => closed, busyTimeoutMs), writerThread };
  const appendMany = sqliteAppendMany(context);
  const { readStream, readAll } = sqliteReads(context);

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

    ...sqliteSideTables(context, limits),

    ...(claims ? { reconcileClaims: sqliteReconcileClaims(context) } : {}),
    // Subscription leases and effect claims (and getCheckpoint over the segments), on a schema that has them.
    ...(leases ? sqliteLeases(context) : leasesBehind()),

    // The writer thread commits every group that arrives while it is busy in one transaction.
    ...(writerAt === undefined ? {} : { concurrentAppends: WRITER_CONCURRENT_APPENDS }),

    close: async () => {
      if (closed) return;
      closed = true;
      // The writes already asked for finish first; the thread's connection closes before this one.
      await writer?.close();
      db.close();
    },
  };
};
