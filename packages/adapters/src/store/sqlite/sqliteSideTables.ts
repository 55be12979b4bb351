/**
 * The SQLite store's tables beside the events: aliases, the rejection log and checkpoints. Their
 * writes go through the writer thread when the store has one, in order with its appends.
 */
import type BetterSqlite3 from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { EventStore, StoreError } from '../eventStore';
import { storeUnavailable } from '../eventStore';
import { checkInteger, checkText } from '../shared/argumentChecks';
import { validateReadRejections } from '../shared/validateReads';
import { validateRejection } from '../shared/validateRejection';
import type { RunInfo } from '../sqliteWriter';
import type { SqliteContext } from './sqliteContext';
import { toRejection, type RejectionRow } from './sqliteRows';
import { writerStoreError } from './sqliteStoreError';

const INSERT_ALIAS = 'INSERT INTO aliases (alias, stream_id) VALUES (?, ?) ON CONFLICT (alias) DO NOTHING';
const INSERT_REJECTION = 'INSERT INTO rejections (received_at, kind, order_id, reason, raw_body) VALUES (?, ?, ?, ?, ?)';
const UPSERT_CHECKPOINT =
  'INSERT INTO checkpoints (subscriber_id, position) VALUES (?, ?) ON CONFLICT (subscriber_id) DO UPDATE SET position = excluded.position';

export const sqliteSideTables = ({
  db,
  isClosed,
  run,
  writerThread,
}: SqliteContext): Pick<EventStore, 'putAlias' | 'getAlias' | 'recordRejection' | 'readRejections' | 'getCheckpoint' | 'putCheckpoint'> => {
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
  };
};
