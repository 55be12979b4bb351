/**
 * The SQLite store's tables beside the events: aliases, the rejection log and checkpoints. Their
 * writes go through the writer thread when the store has one, in order with its appends.
 */
import type BetterSqlite3 from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { EventStore, Rejection, StoreError } from '../eventStore';
import { storeUnavailable } from '../eventStore';
import { checkInteger, checkText } from '../shared/argumentChecks';
import { validateReadRejections } from '../shared/validateReads';
import { validateRejection } from '../shared/validateRejection';
import type { RunInfo } from '../sqliteWriter';
import type { SqliteContext } from './sqliteContext';
import { toRejection, type RejectionRow } from './sqliteRows';
import { rejectionSize, type ValidLimits } from '../shared/rejectionLogLimits';
import { writerStoreError } from './sqliteStoreError';

const INSERT_ALIAS = 'INSERT INTO aliases (alias, stream_id) VALUES (?, ?) ON CONFLICT (alias) DO NOTHING';
const INSERT_REJECTION = 'INSERT INTO rejections (received_at, kind, order_id, reason, raw_body) VALUES (?, ?, ?, ?, ?)';
const INSERT_BOUNDED_REJECTION =
  'INSERT INTO rejections (received_at, kind, order_id, reason, raw_body, body_sha256, body_bytes, size, stored_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';
const DROP_AGED = 'DELETE FROM rejections WHERE order_id IS NULL AND stored_ms < ?';
// The oldest rows under no order whose sizes add up to at least the bytes to free (the counts
// follow by trigger, in this same statement).
const DROP_OLDEST = `DELETE FROM rejections WHERE order_id IS NULL AND id <= coalesce(
  (SELECT min(id) FROM (SELECT id, sum(size) OVER (ORDER BY id) AS freed FROM rejections WHERE order_id IS NULL) WHERE freed >= ?),
  (SELECT max(id) FROM rejections WHERE order_id IS NULL))`;
const UPSERT_CHECKPOINT =
  'INSERT INTO checkpoints (subscriber_id, position) VALUES (?, ?) ON CONFLICT (subscriber_id) DO UPDATE SET position = excluded.position';

/**
 * The side tables. With `limits` (a schema that has the bounded rejection log) rows under no order
 * are capped; without, every rejection is kept as an older release kept it.
 */
export const sqliteSideTables = (
  { db, clock, isClosed, run, writerThread }: SqliteContext,
  limits: ValidLimits | undefined,
): Pick<EventStore, 'putAlias' | 'getAlias' | 'recordRejection' | 'rejectionLogStats' | 'readRejections' | 'getCheckpoint' | 'putCheckpoint'> => {
  const insertAlias = db.prepare<[string, string]>(INSERT_ALIAS);
  const selectAlias = db.prepare<[string], string>('SELECT stream_id FROM aliases WHERE alias = ?').pluck();
  const insertRejection = db.prepare<[string, string, string | null, string, string]>(INSERT_REJECTION);
  const bounded = limits === undefined ? undefined : boundedStatements(db);
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

  /** A write of one statement, once its arguments are checked: on the writer thread when there is one, else here. */
  const write =
    <A>(checked: () => E.Either<StoreError, readonly unknown[]>, sql: string, answer: (info: RunInfo) => A, inline: (params: readonly unknown[]) => RunInfo): TE.TaskEither<StoreError, A> =>
    async () => {
      if (isClosed()) return E.left(storeUnavailable('the database is closed'));
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

  /** A rejection kept whole and never dropped (a schema before the bounded log). */
  const recordWhole = (r: Rejection): TE.TaskEither<StoreError, { readonly id: number }> =>
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
    );

  const statement = (sql: string, inline: BetterSqlite3.Statement<unknown[]>, params: readonly unknown[]): TE.TaskEither<StoreError, RunInfo> =>
    write(() => E.right(params), sql, (info) => info, runInline(inline));

  /** Records a rejection; one under no order is then subject to the caps (the oldest go first). */
  const recordBounded = (r: Rejection, l: ValidLimits, b: BoundedStatements): TE.TaskEither<StoreError, { readonly id: number }> => async () => {
    const storedMs = clock().getTime();
    const inserted = await write(
      () => {
        const valid = validateRejection(r);
        if (E.isLeft(valid)) return valid;
        const v = valid.right;
        return E.right([v.receivedAt, v.kind, v.orderId, v.reason, v.rawBody, v.body?.sha256 ?? null, v.body?.bytes ?? null, rejectionSize(v), storedMs]);
      },
      INSERT_BOUNDED_REJECTION,
      (info) => ({ id: info.lastInsertRowid }),
      runInline(b.insert),
    )();
    if (E.isLeft(inserted) || r.orderId !== null) return inserted;
    // One read decides whether anything is to drop, so a log within its caps costs no extra write.
    const state = await run(() => E.right(b.state.get()))();
    if (E.isLeft(state)) return state;
    const { unfiled_bytes: bytes, oldest } = state.right ?? { unfiled_bytes: 0, oldest: null };
    if (oldest !== null && oldest < storedMs - l.maxAgeMs) {
      const aged = await statement(DROP_AGED, b.dropAged, [storedMs - l.maxAgeMs])();
      if (E.isLeft(aged)) return aged;
    }
    if (bytes > l.maxBytes) {
      const now = await run(() => E.right(b.stats.get()?.unfiled_bytes ?? 0))();
      if (E.isLeft(now)) return now;
      if (now.right > l.maxBytes) {
        const dropped = await statement(DROP_OLDEST, b.dropOldest, [now.right - l.pruneToBytes])();
        if (E.isLeft(dropped)) return dropped;
      }
    }
    return inserted;
  };

  return {
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

    recordRejection: (r) => (limits === undefined || bounded === undefined ? recordWhole(r) : recordBounded(r, limits, bounded)),

    rejectionLogStats: () =>
      run(() => {
        if (bounded === undefined) return E.right({ unfiledBytes: 0, droppedRows: 0, droppedBytes: 0 });
        const row = bounded.stats.get();
        return E.right({ unfiledBytes: row?.unfiled_bytes ?? 0, droppedRows: row?.dropped_rows ?? 0, droppedBytes: row?.dropped_bytes ?? 0 });
      }),

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
  };
};

interface StatsRow {
  readonly unfiled_bytes: number;
  readonly dropped_rows: number;
  readonly dropped_bytes: number;
}

interface BoundedStatements {
  readonly insert: BetterSqlite3.Statement<unknown[]>;
  readonly dropAged: BetterSqlite3.Statement<unknown[]>;
  readonly dropOldest: BetterSqlite3.Statement<unknown[]>;
  readonly stats: BetterSqlite3.Statement<[], StatsRow>;
  readonly state: BetterSqlite3.Statement<[], { readonly unfiled_bytes: number; readonly oldest: number | null }>;
}

const boundedStatements = (db: BetterSqlite3.Database): BoundedStatements => ({
  insert: db.prepare<unknown[]>(INSERT_BOUNDED_REJECTION),
  dropAged: db.prepare<unknown[]>(DROP_AGED),
  dropOldest: db.prepare<unknown[]>(DROP_OLDEST),
  stats: db.prepare<[], StatsRow>('SELECT unfiled_bytes, dropped_rows, dropped_bytes FROM rejection_log WHERE id = 1'),
  state: db.prepare<[], { readonly unfiled_bytes: number; readonly oldest: number | null }>(
    'SELECT unfiled_bytes, (SELECT min(stored_ms) FROM rejections WHERE order_id IS NULL) AS oldest FROM rejection_log WHERE id = 1',
  ),
});
