import * as E from 'fp-ts/lib/Either.js';
import type { StoredEvent, StoreError } from '../eventStore';
import { versionConflict } from '../eventStore';
import type { EncodedEvent, ValidAppendOp } from './validateAppendOp';

/** What an append will do once the stream's state is known; R is how a recorded event is named. */
export interface AppendPlan<R = StoredEvent> {
  readonly fresh: readonly EncodedEvent[];
  readonly alreadyRecorded: readonly R[];
}

/**
 * Splits an op into events already in the stream (by idempotency key) and fresh ones, and checks the
 * expected version; a batch made only of already-recorded events is not a conflict.
 */
export const planAppend = <R = StoredEvent>(
  op: ValidAppendOp,
  currentVersion: number,
  existingByKey: { readonly get: (key: string) => R | undefined },
): E.Either<StoreError, AppendPlan<R>> => {
  const fresh: EncodedEvent[] = [];
  const alreadyRecorded: R[] = [];
  for (const ev of op.events) {
    const existing = ev.idempotencyKey === null ? undefined : existingByKey.get(ev.idempotencyKey);
    if (existing === undefined) fresh.push(ev);
    else alreadyRecorded.push(existing);
  }
  if (fresh.length === 0 && alreadyRecorded.length > 0) return E.right({ fresh, alreadyRecorded });
  if (op.expectedVersion !== 'any' && op.expectedVersion !== currentVersion) {
    return E.left(versionConflict(op.streamId, op.expectedVersion, currentVersion));
  }
  return E.right({ fresh, alreadyRecorded });
};
