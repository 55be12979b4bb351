/**
 * The SQLite store's appends. With a writer thread, a batch planned on what its ops expect goes to
 * the thread, which checks and writes it under the write lock; a batch that cannot go that way, or
 * that the file no longer fits, is decided here, reading first, as every append is without the thread.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { AppendResult, EventStore, StoredEvent, StoreError } from '../eventStore';
import { storeUnavailable, versionConflict } from '../eventStore';
import { appendedEvent, appendResult, isoNow } from '../shared/appendResult';
import { planAppend } from '../shared/planAppend';
import { planOnExpected } from '../shared/planOnExpected';
import { keysOf, validateAppendOp, type ValidAppendOp } from '../shared/validateAppendOp';
import type { SqliteContext } from './sqliteContext';
import { CURRENT_VERSION, EVENT_COLUMNS, toStored, type EventRow } from './sqliteRows';
import { isUniqueViolation, writerStoreError } from './sqliteStoreError';

/** Thrown inside a savepoint to roll back one op of appendMany. */
class OpRejected extends Error {
  constructor(readonly error: StoreError) {
    super('append op rejected');
  }
}

export const sqliteAppendMany = ({ db, clock, isClosed, run, writerThread }: SqliteContext): EventStore['appendMany'] => {
  const currentVersion = db.prepare<[string], number>(CURRENT_VERSION).pluck();
  const byKey = db.prepare<[string, string], EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND idempotency_key = ?`,
  );
  const lastPosition = db.prepare<[], number>('SELECT coalesce(max(position), 0) FROM events').pluck();
  const insertEvent = db.prepare<[number, string, number, string, string, string | null, string]>(
    `INSERT INTO events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );

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

  const appendInline = (ops: readonly E.Either<StoreError, ValidAppendOp>[]) => run(() => E.right(appendAll.immediate(ops)));

  const appendMany: EventStore['appendMany'] = (ops) => async () => {
    if (isClosed()) return E.left(storeUnavailable('the database is closed'));
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

  return appendMany;
};
