/** Small helpers of the contract suite: a task's Right or Left, events, and lists of positions. */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { NewEvent, StoredEvent, StoreError } from '../eventStore';
import { formatStoreError } from '../eventStore';

export const right = async <A>(task: TE.TaskEither<StoreError, A>): Promise<A> => {
  const result = await task();
  if (E.isLeft(result)) throw new Error(`expected Right, got Left: ${formatStoreError(result.left)}`);
  return result.right;
};

export const left = async <A>(task: TE.TaskEither<StoreError, A>): Promise<StoreError> => {
  const result = await task();
  if (E.isRight(result)) throw new Error(`expected Left, got Right: ${JSON.stringify(result.right)}`);
  return result.left;
};

export const ev = (type: string, data: unknown = { n: type }, idempotencyKey?: string): NewEvent =>
  idempotencyKey === undefined ? { type, data } : { type, data, idempotencyKey };

export const at = <A>(xs: readonly A[], i: number): A => {
  const x = xs[i % xs.length];
  if (x === undefined) throw new Error(`no element ${i}`);
  return x;
};

export const positions = (events: readonly StoredEvent[]): number[] => events.map((e) => e.position);

export const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export const rights = <A>(results: readonly E.Either<StoreError, A>[]): A[] => results.flatMap((r) => (E.isRight(r) ? [r.right] : []));

export const lefts = <A>(results: readonly E.Either<StoreError, A>[]): StoreError[] =>
  results.flatMap((r) => (E.isLeft(r) ? [r.left] : []));
