import * as E from 'fp-ts/lib/Either.js';
import type { AppendResult, StoredEvent, StoreError } from '../eventStore';
import { appendedEvent, appendResult, isoNow } from './appendResult';
import { planAppend } from './planAppend';
import { keysOf, type ValidAppendOp } from './validateAppendOp';

/** What the store holds, under the append lock, for the streams and idempotency keys of one batch. */
export interface BatchState {
  /** Current version of every stream in the batch (0 when it has no events). */
  readonly versions: Map<string, number>;
  /** Stored events by stream, then idempotency key, for the keys the batch carries. */
  readonly keyed: Map<string, Map<string, StoredEvent>>;
}

/** An event the batch will insert, its data still as the JSON text to store; it takes position lastPosition + its place in `rows` + 1. */
export interface NewRow {
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly dataJson: string;
  readonly idempotencyKey: string | null;
  readonly recordedAt: string;
}

/** Where an op's answer comes from: events stored before the batch, or rows of this batch (by index). */
export type Recorded = StoredEvent | number;

interface PlannedOp {
  readonly streamId: string;
  readonly current: number;
  readonly rows: readonly number[];
  readonly alreadyRecorded: readonly Recorded[];
}

export interface BatchPlan {
  readonly rows: readonly NewRow[];
  /** Every op's answer, once the position before the batch's first row is known. */
  readonly results: (lastPosition: number) => E.Either<StoreError, AppendResult>[];
}

/**
 * Decides every op of a batch as if they ran one after another against the state read: each op
 * sees the versions and idempotency keys left by the ops before it, a rejected op changes nothing,
 * and new events take consecutive positions after the store's last one, in op order.
 */
export const planBatch = (
  ops: readonly E.Either<StoreError, ValidAppendOp>[],
  state: BatchState,
  clock: () => Date,
): BatchPlan => {
  const rows: NewRow[] = [];
  /** Rows of this batch by stream, then idempotency key. */
  const batchKeyed = new Map<string, Map<string, number>>();
  const planned = ops.map((valid): E.Either<StoreError, PlannedOp> => {
    if (E.isLeft(valid)) return valid;
    const op = valid.right;
    const current = state.versions.get(op.streamId) ?? 0;
    const stored = state.keyed.get(op.streamId);
    let own = batchKeyed.get(op.streamId);
    const plan = planAppend<Recorded>(op, current, { get: (key) => stored?.get(key) ?? own?.get(key) });
    if (E.isLeft(plan)) return plan;
    const { fresh, alreadyRecorded } = plan.right;
    if (fresh.length === 0) return E.right({ streamId: op.streamId, current, rows: [], alreadyRecorded });
    const recordedAt = isoNow(clock);
    const indices = fresh.map((ev, i) => {
      const index = rows.push({ streamId: op.streamId, version: current + i + 1, type: ev.type, dataJson: ev.dataJson, idempotencyKey: ev.idempotencyKey, recordedAt }) - 1;
      if (ev.idempotencyKey !== null) {
        if (own === undefined) {
          own = new Map();
          batchKeyed.set(op.streamId, own);
        }
        own.set(ev.idempotencyKey, index);
      }
      return index;
    });
    state.versions.set(op.streamId, current + fresh.length);
    return E.right({ streamId: op.streamId, current, rows: indices, alreadyRecorded });
  });
  return {
    rows,
    results: (lastPosition) => {
      const events = rows.map((r, i) =>
        appendedEvent(
          { streamId: r.streamId, version: r.version, position: lastPosition + i + 1, type: r.type, idempotencyKey: r.idempotencyKey, recordedAt: r.recordedAt },
          r.dataJson,
        ),
      );
      const eventOf = (r: Recorded): StoredEvent => (typeof r === 'number' ? events[r]! : r);
      return planned.map((p) =>
        E.isLeft(p) ? p : E.right(appendResult(p.right.streamId, p.right.current, p.right.rows.map(eventOf), p.right.alreadyRecorded.map(eventOf))),
      );
    },
  };
};

/** The streams of a batch, and its (stream, idempotency key) pairs as two parallel arrays. */
export const batchKeys = (ops: readonly ValidAppendOp[]): { streamIds: string[]; keyStreams: string[]; keys: string[] } => {
  const streamIds = new Set<string>();
  const keyStreams: string[] = [];
  const keys: string[] = [];
  for (const op of ops) {
    streamIds.add(op.streamId);
    for (const key of keysOf(op)) {
      keyStreams.push(op.streamId);
      keys.push(key);
    }
  }
  return { streamIds: [...streamIds], keyStreams, keys };
};
