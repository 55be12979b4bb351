/**
 * Groups concurrent appends into one durable commit: the appends asked for within one turn of the
 * event loop go into one `appendMany`, so one fsync (SQLite) or one COMMIT (PostgreSQL) serves
 * many. While the store is busy with as many groups as it takes at once (`concurrentAppends`,
 * default 1), new appends wait and go together in the next group.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { AppendOp, AppendResult, EventStore, StoreError } from '../store/index';
import { storeFailed } from '../store/index';

export interface GroupCommit {
  append(op: AppendOp): Promise<E.Either<StoreError, AppendResult>>;
}

interface Waiting {
  readonly op: AppendOp;
  readonly resolve: (r: E.Either<StoreError, AppendResult>) => void;
}

export const createGroupCommit = (store: EventStore, options: { maxBatch?: number } = {}): GroupCommit => {
  const maxBatch = options.maxBatch ?? 256;
  const maxInFlight = Math.max(1, store.concurrentAppends ?? 1);
  let queue: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;

  const send = async (batch: readonly Waiting[]): Promise<void> => {
    inFlight += 1;
    let result: E.Either<StoreError, readonly E.Either<StoreError, AppendResult>[]>;
    try {
      result = await store.appendMany(batch.map((b) => b.op))();
    } catch (e) {
      result = E.left(storeFailed(`appendMany threw: ${e instanceof Error ? e.message : String(e)}`));
    }
    inFlight -= 1;
    batch.forEach((b, i) => b.resolve(E.isLeft(result) ? result : (result.right[i] ?? E.left(storeFailed('appendMany answered fewer ops than asked')))));
    pump();
  };

  const pump = (): void => {
    while (queue.length > 0 && inFlight < maxInFlight) {
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
      void send(batch);
    }
  };

  return {
    append: (op) =>
      new Promise((resolve) => {
        queue.push({ op, resolve });
        if (!scheduled && inFlight < maxInFlight) {
          scheduled = true;
          // Let the appends asked for in this turn join the group.
          setImmediate(() => {
            scheduled = false;
            pump();
          });
        }
      }),
  };
};
