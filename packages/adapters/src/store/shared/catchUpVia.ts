import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, StoreError } from '../eventStore';
import { storeFailed } from '../eventStore';
import { checkInteger, checkOptionalInteger } from './argumentChecks';
import { errorMessage } from './errorMessage';

export const DEFAULT_CATCH_UP_BATCH_SIZE = 500;

/** catchUp for any store, in terms of its readAll. */
export const catchUpVia =
  (readAll: EventStore['readAll']): EventStore['catchUp'] =>
  (fromPosition, handler, options) =>
  async () => {
    const from = checkInteger(fromPosition, 'fromPosition', 0);
    if (E.isLeft(from)) return from;
    const batchSize = checkOptionalInteger(options?.batchSize, 'batchSize', 1, DEFAULT_CATCH_UP_BATCH_SIZE);
    if (E.isLeft(batchSize)) return batchSize;
    let last = from.right;
    for (;;) {
      const batch = await readAll({ fromPosition: last, limit: batchSize.right })();
      if (E.isLeft(batch)) return batch;
      for (const event of batch.right) {
        let handled: E.Either<StoreError, void>;
        try {
          handled = await handler(event)();
        } catch (e) {
          handled = E.left(storeFailed(`catch-up handler threw at position ${event.position}: ${errorMessage(e)}`));
        }
        if (E.isLeft(handled)) return handled;
        last = event.position;
      }
      if (batch.right.length < batchSize.right) return E.right(last);
    }
  };
