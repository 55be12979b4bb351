/**
 * An EventStore held in process memory: for tests and `memory:` runs. Data is kept as JSON text, so
 * callers never share objects with the store and serialisation behaves as in the SQL stores.
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { AppendResult, EventStore, StoredEvent, StoredRejection, StoreError } from './eventStore';
import { storeFailed, storeUnavailable } from './eventStore';
import { appendResult, isoNow } from './shared/appendResult';
import { checkInteger, checkText } from './shared/argumentChecks';
import { catchUpVia } from './shared/catchUpVia';
import { errorMessage } from './shared/errorMessage';
import { decodeData } from './shared/eventData';
import { planAppend } from './shared/planAppend';
import { memoryLeases } from './shared/memoryLeases';
import { syncTask } from './shared/syncTask';
import { inMemoryReconcileClaims } from './reconcileClaims';
import { keysOf, validateAppendOp, type ValidAppendOp } from './shared/validateAppendOp';
import { validateFromVersion, validateReadAll, validateReadRejections } from './shared/validateReads';
import { validateRejection } from './shared/validateRejection';
import { rejectionSize, validateLimits, type RejectionLogLimits } from './shared/rejectionLogLimits';

interface Row {
  readonly streamId: string;
  readonly version: number;
  readonly position: number;
  readonly type: string;
  readonly dataJson: string;
  readonly idempotencyKey: string | null;
  readonly recordedAt: string;
}

const toStored = (r: Row): StoredEvent => ({
  streamId: r.streamId,
  version: r.version,
  position: r.position,
  type: r.type,
  data: decodeData(r.dataJson),
  idempotencyKey: r.idempotencyKey,
  recordedAt: r.recordedAt,
});

/** Creates an empty in-memory event store. */
export const getInMemoryEventStore = (options?: { readonly clock?: () => Date; readonly rejectionLog?: RejectionLogLimits }): EventStore => {
  const clock = options?.clock ?? (() => new Date());
  // Invalid limits are answered by every recordRejection (this factory has no Either to fail with).
  const limits = validateLimits(options?.rejectionLog);
  let nextRejectionId = 1;
  const rejectionMeta = new Map<number, { readonly size: number; readonly storedMs: number }>();
  let unfiledBytes = 0;
  let droppedRows = 0;
  let droppedBytes = 0;
  /** Drops the oldest rows under no order while the predicate holds for the row. */
  const dropUnfiled = (drop: (meta: { readonly size: number; readonly storedMs: number }) => boolean): void => {
    for (let i = 0; i < rejections.length; ) {
      const r = rejections[i]!;
      const meta = rejectionMeta.get(r.id)!;
      if (r.orderId !== null || !drop(meta)) {
        i++;
        continue;
      }
      rejections.splice(i, 1);
      rejectionMeta.delete(r.id);
      unfiledBytes -= meta.size;
      droppedRows++;
      droppedBytes += meta.size;
    }
  };
  const log: Row[] = [];
  const streams = new Map<string, Row[]>();
  const keys = new Map<string, Map<string, Row>>();
  const aliases = new Map<string, string>();
  const rejections: StoredRejection[] = [];
  const checkpoints = new Map<string, number>();
  let closed = false;

  const run = <A>(body: () => E.Either<StoreError, A>): TE.TaskEither<StoreError, A> =>
    syncTask(
      () => (closed ? E.left(storeUnavailable('the store is closed')) : body()),
      (e) => storeFailed(errorMessage(e)),
    );

  const appendOne = (op: ValidAppendOp): E.Either<StoreError, AppendResult> => {
    const rows = streams.get(op.streamId) ?? [];
    const streamKeys = keys.get(op.streamId) ?? new Map<string, Row>();
    const existing = new Map<string, StoredEvent>();
    for (const key of keysOf(op)) {
      const row = streamKeys.get(key);
      if (row !== undefined) existing.set(key, toStored(row));
    }
    const current = rows.length;
    const plan = planAppend(op, current, existing);
    if (E.isLeft(plan)) return plan;
    const recordedAt = isoNow(clock);
    const stored = plan.right.fresh.map((ev, i): Row => {
      const row: Row = {
        streamId: op.streamId,
        version: current + i + 1,
        position: log.length + 1,
        type: ev.type,
        dataJson: ev.dataJson,
        idempotencyKey: ev.idempotencyKey,
        recordedAt,
      };
      log.push(row);
      rows.push(row);
      if (ev.idempotencyKey !== null) streamKeys.set(ev.idempotencyKey, row);
      return row;
    });
    if (stored.length > 0) {
      streams.set(op.streamId, rows);
      keys.set(op.streamId, streamKeys);
    }
    return E.right(appendResult(op.streamId, current, stored.map(toStored), plan.right.alreadyRecorded));
  };

  const readAll: EventStore['readAll'] = (options) =>
    run(() => {
      const valid = validateReadAll(options);
      if (E.isLeft(valid)) return valid;
      const { fromPosition, limit } = valid.right;
      // Positions are 1-based and gap-free, so position p sits at index p - 1.
      const end = limit === undefined ? log.length : Math.min(log.length, fromPosition + limit);
      return E.right(log.slice(fromPosition, end).map(toStored));
    });

  return {
    appendToStream: (streamId, events, options) =>
      run(() => {
        const op = validateAppendOp({ streamId, events, expectedVersion: options.expectedVersion });
        return E.isLeft(op) ? op : appendOne(op.right);
      }),

    // Each op checks its preconditions before writing anything, so ops apply or fail independently.
    appendMany: (ops) =>
      run(() =>
        E.right(
          ops.map((op) => {
            const valid = validateAppendOp(op);
            return E.isLeft(valid) ? valid : appendOne(valid.right);
          }),
        ),
      ),

    readStream: (streamId, options) =>
      run(() => {
        const id = checkText(streamId, 'streamId');
        if (E.isLeft(id)) return id;
        const from = validateFromVersion(options);
        if (E.isLeft(from)) return from;
        const rows = streams.get(id.right) ?? [];
        return E.right({ version: rows.length, events: rows.slice(Math.max(0, from.right - 1)).map(toStored) });
      }),

    readAll,

    catchUp: catchUpVia(readAll),

    putAlias: (alias, streamId) =>
      run(() => {
        const a = checkText(alias, 'alias');
        if (E.isLeft(a)) return a;
        const s = checkText(streamId, 'streamId');
        if (E.isLeft(s)) return s;
        if (!aliases.has(a.right)) aliases.set(a.right, s.right);
        return E.right(undefined);
      }),

    getAlias: (alias) =>
      run(() => {
        const a = checkText(alias, 'alias');
        return E.isLeft(a) ? a : E.right(aliases.get(a.right));
      }),

    recordRejection: (r) =>
      run(() => {
        if (E.isLeft(limits)) return limits;
        const valid = validateRejection(r);
        if (E.isLeft(valid)) return valid;
        const id = nextRejectionId++;
        const storedMs = clock().getTime();
        const size = rejectionSize(valid.right);
        rejections.push({ id, ...valid.right });
        rejectionMeta.set(id, { size, storedMs });
        if (valid.right.orderId !== null) return E.right({ id });
        unfiledBytes += size;
        const { maxAgeMs, maxBytes, pruneToBytes } = limits.right;
        dropUnfiled((m) => m.storedMs < storedMs - maxAgeMs);
        if (unfiledBytes > maxBytes) dropUnfiled(() => unfiledBytes > pruneToBytes);
        return E.right({ id });
      }),

    rejectionLogStats: () => run(() => E.right({ unfiledBytes, droppedRows, droppedBytes })),

    readRejections: (options) =>
      run(() => {
        const valid = validateReadRejections(options);
        if (E.isLeft(valid)) return valid;
        const { orderId, fromId, limit } = valid.right;
        const matching = rejections.filter((r) => r.id > fromId && (orderId === undefined || r.orderId === orderId));
        return E.right((limit === undefined ? matching : matching.slice(0, limit)).map((r) => ({ ...r })));
      }),

    putCheckpoint: (subscriberId, position) =>
      run(() => {
        const s = checkText(subscriberId, 'subscriberId');
        if (E.isLeft(s)) return s;
        const p = checkInteger(position, 'position', 0);
        if (E.isLeft(p)) return p;
        checkpoints.set(s.right, p.right);
        return E.right(undefined);
      }),

    reconcileClaims: inMemoryReconcileClaims(),
    ...memoryLeases(clock, run, checkpoints),

    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
};
