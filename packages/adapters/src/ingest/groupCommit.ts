/**
 * Groups concurrent appends into one durable commit: every append waiting when a commit starts
 * goes into the next `appendMany`, so one fsync (SQLite) or one COMMIT (PostgreSQL) serves many.
 */
import type * as E from 'fp-ts/lib/Either.js';
import type { AppendOp, AppendResult, EventStore, StoreError } from '../store/index';

export interface GroupCommit {
  append(op: AppendOp): Promise<E.Either<StoreError, AppendResult>>;
}

export const createGroupCommit = (store: EventStore, options: { maxBatch?: number } = {}): GroupCommit => {
  const maxBatch = options.maxBatch ?? 256;
  let queue: { op: AppendOp; resolve: (r: E.Either<StoreError, AppendResult>) => void }[] = [];
  let running = false;
  const flush = async (): Promise<void> => {
    running = true;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      const result = await store.appendMany(batch.map((b) => b.op))();
      batch.forEach((b, i) => b.resolve(result._tag === 'Left' ? result : result.right[i]!));
    }
    running = false;
  };
  return {
    append: (op) =>
      new Promise((resolve) => {
        queue.push({ op, resolve });
        if (!running) {
          running = true;
          // Let the requests that are already waiting join this commit.
          setImmediate(() => void flush());
        }
      }),
  };
};
