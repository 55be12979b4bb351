import * as E from 'fp-ts/lib/Either.js';
import type { StoreError } from '../eventStore';
import { batchKeys, planBatch, type BatchPlan } from './planBatch';
import type { ValidAppendOp } from './validateAppendOp';

/**
 * A batch planned on what its ops expect: each stream at the expected version of its first op, none
 * of their idempotency keys stored. That is what an ingestor whose cache is current sends, and a
 * store can check it and write the rows under its write lock without reading anything first.
 */
export interface ExpectedBatch extends ExpectedState {
  readonly plan: BatchPlan;
}

/** What the store must hold for a batch planned on its expected versions to fit. */
export interface ExpectedState {
  /** Every stream of the batch and the version it must be at. */
  readonly streams: readonly string[];
  readonly versions: readonly number[];
  /** The (stream, idempotency key) pairs that must not be stored yet, as two parallel arrays. */
  readonly keyStreams: readonly string[];
  readonly keys: readonly string[];
}

/** The batch planned on its expected versions; undefined when it cannot go that way (an op expects 'any', or nothing would be written). */
export const planOnExpected = (ops: readonly E.Either<StoreError, ValidAppendOp>[], clock: () => Date): ExpectedBatch | undefined => {
  const valid = ops.flatMap((op) => (E.isRight(op) ? [op.right] : []));
  const versions = new Map<string, number>();
  for (const op of valid) {
    if (op.expectedVersion === 'any') return undefined;
    if (!versions.has(op.streamId)) versions.set(op.streamId, op.expectedVersion);
  }
  const plan = planBatch(ops, { versions: new Map(versions), keyed: new Map() }, clock);
  if (plan.rows.length === 0) return undefined;
  const { keyStreams, keys } = batchKeys(valid);
  return { plan, streams: [...versions.keys()], versions: [...versions.values()], keyStreams, keys };
};
