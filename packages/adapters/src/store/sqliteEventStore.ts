/**
 * An EventStore on one SQLite file (better-sqlite3): WAL, synchronous=FULL, and every write in a
 * BEGIN IMMEDIATE transaction so expected-version checks hold across processes sharing the file.
 *
 * Reads run on the caller's thread. Writes run on a writer thread with a connection of its own
 * (see sqliteWriter.ts): an append goes there planned on the versions its ops expect, is checked
 * and written under the write lock, and commits while the event loop goes on. When the store
 * differs from the plan (another writer moved a stream, a key is stored, an op expects 'any'),
 * the append is decided here, reading first, as it is without the thread.
 */
import { resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { AppendResult, EventStore, StoredEvent, StoredRejection, StoreError } from './eventStore';
import { storeFailed, storeUnavailable, versionConflict } from './eventStore';
import { loadDriver } from './driver';
import { LATEST_SCHEMA_VERSION, pendingMigrations } from './migrations';
import { startSqliteWriter, WriterStopped, type RunInfo, type SqliteWriter } from './sqliteWriter';
import type { ValidAppendOp } from './storeSupport';
import {
  appendedEvent,
  appendResult,
  catchUpVia,
  checkInteger,
  checkText,
  decodeData,
  errorMessage,
  isoNow,
  keysOf,
  planAppend,
  planOnExpected,
  syncTask,
  validateAppendOp,
  validateFromVersion,
  validateReadAll,
  validateReadRejections,
  validateRejection,
} from './storeSupport';

const Database = loadDriver<typeof BetterSqlite3>('better-sqlite3', '@paystate/adapters/sqlite', '^12.11.1');
type Database = BetterSqlite3.Database;

export interface SqliteEventStoreOptions {
  /** A file path, or ':memory:' for a private in-memory database. */
  readonly filename: string;
  /** How long a write waits for another connection's lock before failing with StoreUnavailable (default 5000). */
  readonly busyTimeoutMs?: number;
  /** Run migrations only up to this version, as an older release would (default: all). */
  readonly schemaVersion?: number;
  readonly clock?: () => Date;
  /**
   * Write on a thread of the store's own, so the event loop keeps serving while a commit waits for
   * the disk (default true; a ':memory:' database is private to its connection and is always
   * written in line).
   */
  readonly writerThread?: boolean;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

// Result codes that describe the environment (lock contention, disk, file access) rather than the request.
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|PROTOCOL|PERM|NOLFS)/;

const sqliteCodeOf = (e: unknown): string | undefined => {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
};

/** Maps a better-sqlite3 exception to a StoreError. */
export const sqliteStoreError = (e: unknown): StoreError => {
  const code = sqliteCodeOf(e);
  const message = errorMessage(e);
  if (code !== undefined) return UNAVAILABLE_CODES.test(code) ? storeUnavailable(`${code}: ${message}`) : storeFailed(`${code}: ${message}`);
  if (/connection is not open/i.test(message)) return storeUnavailable('the database is closed');
  if (/directory does not exist/i.test(message)) return storeUnavailable(message);
  return storeFailed(message);
};

/** Maps what the writer thread answered instead of a result. */
const writerStoreError = (e: unknown): StoreError => (e instanceof WriterStopped ? storeUnavailable(errorMessage(e)) : sqliteStoreError(e));

const isUniqueViolation = (e: unknown): boolean => {
  const code = sqliteCodeOf(e);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
};

interface EventRow {
  readonly position: number;
  readonly stream_id: string;
  readonly version: number;
  readonly type: string;
  readonly data: string;
  readonly idempotency_key: string | null;
  readonly recorded_at: string;
}

interface RejectionRow {
  readonly id: number;
  readonly received_at: string;
  readonly kind: string;
  readonly order_id: string | null;
  readonly reason: string;
  readonly raw_body: string;
}

const EVENT_COLUMNS = 'position, stream_id, version, type, data, idempotency_key, recorded_at';

const toStored = (r: EventRow): StoredEvent => ({
  streamId: r.stream_id,
  version: r.version,
  position: r.position,
  type: r.type,
  data: decodeData(r.data),
  idempotencyKey: r.idempotency_key,
  recordedAt: r.recorded_at,
});

const toRejection = (r: RejectionRow): StoredRejection => ({
  id: r.id,
  receivedAt: r.received_at,
  kind: r.kind,
  orderId: r.order_id,
  reason: r.reason,
  rawBody: r.raw_body,
});

/** Thrown inside a savepoint to roll back one op of appendMany. */
class OpRejected extends Error {
  constructor(readonly error: StoreError) {
    super('append op rejected');
  }
}

const runMigrations = (db: Database, upTo: number): void => {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const applied = (): Set<number> =>
    new Set(db.prepare<[], number>('SELECT version FROM schema_migrations').pluck().all());
  for (const m of pendingMigrations(applied(), upTo)) {
    db.transaction(() => {
      // Re-checked under the write lock: another process may have run it since.
      if (applied().has(m.version)) return;
      db.exec(m.sqlite);
      db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.description,
        new Date().toISOString(),
      );
    }).immediate();
  }
};

/** The migration versions applied to a SQLite database file. */
export const sqliteAppliedMigrations = (filename: string): E.Either<StoreError, readonly number[]> =>
  E.tryCatch(() => {
    const db = new Database(filename, { readonly: true, fileMustExist: true });
    try {
      return db.prepare<[], number>('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
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
  let db: Database | undefined;
  try {
    db = new Database(filename.right, { timeout: busyTimeout.right });
    db.pragma(`busy_timeout = ${busyTimeout.right}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    runMigrations(db, upTo.right);
    const threaded = options.writerThread !== false && filename.right !== ':memory:';
    // The thread opens the file when it starts (at the first write): by then the working directory may have changed.
    const writerAt = threaded ? { filename: resolve(filename.right), busyTimeoutMs: busyTimeout.right } : undefined;
    return E.right(storeOn(db, options.clock ?? (() => new Date()), writerAt));
  } catch (e) {
    db?.close();
    return E.left(sqliteStoreError(e));
  }
};

/** appendMany calls worth having on their way to the writer thread at once. */
const WRITER_CONCURRENT_APPENDS = 32;

const INSERT_ALIAS = 'INSERT INTO aliases (alias, stream_id) VALUES (?, ?) ON CONFLICT (alias) DO NOTHING';
const INSERT_REJECTION = 'INSERT INTO rejections (received_at, kind, order_id, reason, raw_body) VALUES (?, ?, ?, ?, ?)';
const UPSERT_CHECKPOINT =
  'INSERT INTO checkpoints (subscriber_id, position) VALUES (?, ?) ON CONFLICT (subscriber_id) DO UPDATE SET position = excluded.position';

const storeOn = (db: Database, clock: () => Date, writerAt: { readonly filename: string; readonly busyTimeoutMs: number } | undefined): EventStore => {
  const currentVersion = db
    .prepare<[string], number>('SELECT coalesce(max(version), 0) FROM events WHERE stream_id = ?')
    .pluck();
  const byKey = db.prepare<[string, string], EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND idempotency_key = ?`,
  );
  const lastPosition = db.prepare<[], number>('SELECT coalesce(max(position), 0) FROM events').pluck();
  const insertEvent = db.prepare<[number, string, number, string, string, string | null, string]>(
    `INSERT INTO events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const streamFrom = db.prepare<[string, number], EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND version >= ? ORDER BY version`,
  );
  // LIMIT -1 means no limit in SQLite.
  const allFrom = db.prepare<[number, number], EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
  );
  const insertAlias = db.prepare<[string, string]>(INSERT_ALIAS);
  const selectAlias = db.prepare<[string], string>('SELECT stream_id FROM aliases WHERE alias = ?').pluck();
  const insertRejection = db.prepare<[string, string, string | null, string, string]>(INSERT_REJECTION);
  const rejectionsFrom = db.prepare<[number, number], RejectionRow>(
    'SELECT * FROM rejections WHERE id > ? ORDER BY id LIMIT ?',
  );
  const rejectionsOfOrder = db.prepare<[string, number, number], RejectionRow>(
    'SELECT * FROM rejections WHERE order_id = ? AND id > ? ORDER BY id LIMIT ?',
  );
  const selectCheckpoint = db
    .prepare<[string], number>('SELECT position FROM checkpoints WHERE subscriber_id = ?')
    .pluck();
  const upsertCheckpoint = db.prepare<[string, number]>(UPSERT_CHECKPOINT);

  let closed = false;
  const run = <A>(body: () => E.Either<StoreError, A>): TE.TaskEither<StoreError, A> =>
    syncTask(() => (closed ? E.left(storeUnavailable('the database is closed')) : body()), sqliteStoreError);

  // Started with the first write. Once it is gone (it could not start, or it stopped), the writes
  // already sent to it are answered StoreUnavailable and later writes run here.
  let writer: SqliteWriter | undefined;
  const writerThread = (): SqliteWriter | undefined => {
    if (writerAt === undefined) return undefined;
    writer ??= startSqliteWriter(writerAt.filename, writerAt.busyTimeoutMs);
    return writer.stopped ? undefined : writer;
  };

  /** A write of one statement, once its arguments are checked: on the writer thread when there is one, else here. */
  const write =
    <A>(checked: () => E.Either<StoreError, readonly unknown[]>, sql: string, answer: (info: RunInfo) => A, inline: (params: readonly unknown[]) => RunInfo): TE.TaskEither<StoreError, A> =>
    async () => {
      if (closed) return E.left(storeUnavailable('the database is closed'));
      const params = checked();
      if (E.isLeft(params)) return params;
      const w = writerThread();
      if (w === undefined) return run(() => E.right(answer(inline(params.right))))();
      return w.run(sql, params.right).then(
        (info) => E.right(answer(info)),
        (e: unknown) => E.left(writerStoreError(e)),
      );
    };
  const runInline =
    (statement: BetterSqlite3.Statement<unknown[]>) =>
    (params: readonly unknown[]): RunInfo => {
      const info = statement.run(...params);
      return { changes: info.changes, lastInsertRowid: Number(info.lastInsertRowid) };
    };

  // Called as a nested transaction, better-sqlite3 wraps this in a SAVEPOINT: a throw rolls back this op alone.
  // Positions are taken from the last one in the file once per batch (the write lock is held from
  // BEGIN IMMEDIATE to COMMIT, so nobody else moves it); an op rolled back takes none.
  const appendOne = db.transaction((op: ValidAppendOp, after: number): AppendResult => {
    const current = currentVersion.get(op.streamId) ?? 0;
    const existing = new Map<string, StoredEvent>();
    for (const key of keysOf(op)) {
      const row = byKey.get(op.streamId, key);
      if (row !== undefined) existing.set(key, toStored(row));
    }
    const plan = planAppend(op, current, existing);
    if (E.isLeft(plan)) throw new OpRejected(plan.left);
    const recordedAt = isoNow(clock);
    const stored = plan.right.fresh.map((ev, i): StoredEvent => {
      const position = after + i + 1;
      const version = current + i + 1;
      insertEvent.run(position, op.streamId, version, ev.type, ev.dataJson, ev.idempotencyKey, recordedAt);
      return appendedEvent({ streamId: op.streamId, version, position, type: ev.type, idempotencyKey: ev.idempotencyKey, recordedAt }, ev.dataJson);
    });
    return appendResult(op.streamId, current, stored, plan.right.alreadyRecorded);
  });

  const appendAll = db.transaction((ops: readonly E.Either<StoreError, ValidAppendOp>[]): E.Either<StoreError, AppendResult>[] => {
    let last = lastPosition.get() ?? 0;
    return ops.map((valid) => {
      if (E.isLeft(valid)) return valid;
      const op = valid.right;
      try {
        const appended = appendOne(op, last);
        last += appended.events.length;
        return E.right(appended);
      } catch (e) {
        if (e instanceof OpRejected) return E.left(e.error);
        // Only reachable if a writer bypassed BEGIN IMMEDIATE; report what the stream holds now.
        if (isUniqueViolation(e)) {
          return E.left(versionConflict(op.streamId, op.expectedVersion, currentVersion.get(op.streamId) ?? 0));
        }
        throw e;
      }
    });
  });

  // One read transaction, so the version and the events agree.
  const readStreamTx = db.transaction((streamId: string, fromVersion: number) => ({
    version: currentVersion.get(streamId) ?? 0,
    events: streamFrom.all(streamId, fromVersion).map(toStored),
  }));

  const appendInline = (ops: readonly E.Either<StoreError, ValidAppendOp>[]) => run(() => E.right(appendAll.immediate(ops)));

  const appendMany: EventStore['appendMany'] = (ops) => async () => {
    if (closed) return E.left(storeUnavailable('the database is closed'));
    const valid = ops.map(validateAppendOp);
    const w = writerThread();
    if (w === undefined) return appendInline(valid)();
    const batch = planOnExpected(valid, clock);
    if (batch !== undefined) {
      const { streams, versions, keyStreams, keys, plan } = batch;
      try {
        const last = await w.appendPlanned({ streams, versions, keyStreams, keys, rows: plan.rows });
        if (last !== null) return E.right(plan.results(last));
      } catch (e) {
        // A unique violation means a writer bypassed the lock; decided here, each op gets what its stream holds.
        if (!isUniqueViolation(e)) return E.left(writerStoreError(e));
      }
    }
    // Decided here, reading first: after what was sent to the thread before it, so appends made one
    // after another commit in that order, and this one does not wait on the thread's lock.
    await w.barrier().catch(() => undefined);
    return appendInline(valid)();
  };

  const readAll: EventStore['readAll'] = (options) =>
    run(() => {
      const valid = validateReadAll(options);
      if (E.isLeft(valid)) return valid;
      return E.right(allFrom.all(valid.right.fromPosition, valid.right.limit ?? -1).map(toStored));
    });

  return {
    appendToStream: (streamId, events, options) => async () => {
      const results = await appendMany([{ streamId, events, expectedVersion: options.expectedVersion }])();
      if (E.isLeft(results)) return results;
      return results.right[0] ?? E.left(storeFailed('appendMany returned no result'));
    },

    appendMany,

    readStream: (streamId, options) =>
      run(() => {
        const id = checkText(streamId, 'streamId');
        if (E.isLeft(id)) return id;
        const from = validateFromVersion(options);
        if (E.isLeft(from)) return from;
        return E.right(readStreamTx(id.right, from.right));
      }),

    readAll,

    catchUp: catchUpVia(readAll),

    putAlias: (alias, streamId) =>
      write(
        () => {
          const a = checkText(alias, 'alias');
          if (E.isLeft(a)) return a;
          const s = checkText(streamId, 'streamId');
          return E.isLeft(s) ? s : E.right([a.right, s.right]);
        },
        INSERT_ALIAS,
        () => undefined,
        runInline(insertAlias),
      ),

    getAlias: (alias) =>
      run(() => {
        const a = checkText(alias, 'alias');
        return E.isLeft(a) ? a : E.right(selectAlias.get(a.right));
      }),

    recordRejection: (r) =>
      write(
        () => {
          const valid = validateRejection(r);
          if (E.isLeft(valid)) return valid;
          const { receivedAt, kind, orderId, reason, rawBody } = valid.right;
          return E.right([receivedAt, kind, orderId, reason, rawBody]);
        },
        INSERT_REJECTION,
        (info) => ({ id: info.lastInsertRowid }),
        runInline(insertRejection),
      ),

    readRejections: (options) =>
      run(() => {
        const valid = validateReadRejections(options);
        if (E.isLeft(valid)) return valid;
        const { orderId, fromId, limit } = valid.right;
        const rows =
          orderId === undefined
            ? rejectionsFrom.all(fromId, limit ?? -1)
            : rejectionsOfOrder.all(orderId, fromId, limit ?? -1);
        return E.right(rows.map(toRejection));
      }),

    getCheckpoint: (subscriberId) =>
      run(() => {
        const s = checkText(subscriberId, 'subscriberId');
        return E.isLeft(s) ? s : E.right(selectCheckpoint.get(s.right) ?? 0);
      }),

    putCheckpoint: (subscriberId, position) =>
      write(
        () => {
          const s = checkText(subscriberId, 'subscriberId');
          if (E.isLeft(s)) return s;
          const p = checkInteger(position, 'position', 0);
          return E.isLeft(p) ? p : E.right([s.right, p.right]);
        },
        UPSERT_CHECKPOINT,
        () => undefined,
        runInline(upsertCheckpoint),
      ),

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
