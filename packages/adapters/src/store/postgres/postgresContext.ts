import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type PgModule from 'pg';
import type { StoreError } from '../eventStore';
import { storeUnavailable } from '../eventStore';
import { callDeadline } from './postgresConnection';
import { postgresStoreError } from './postgresStoreError';

/** What the parts of one open PostgreSQL store share. */
export interface PostgresContext {
  readonly pool: PgModule.Pool;
  /** The schema's name, and `s`: the same quoted, to write into SQL text. */
  readonly schema: string;
  readonly s: string;
  readonly clock: () => Date;
  /** Runs one operation of the store. */
  readonly task: <A>(body: () => Promise<E.Either<StoreError, A>>) => TE.TaskEither<StoreError, A>;
}

/**
 * An operation that answers StoreUnavailable once the store is closed, maps what pg throws to a
 * StoreError, and answers StoreUnavailable when it takes longer than callTimeoutMs (acquiring a
 * connection, statements and commit together). A connection still held at the deadline is cut
 * (see withClient), so its transaction never commits afterwards unless COMMIT had already been
 * sent: that one case is a write the caller was told failed, which a redelivery then finds as a
 * duplicate.
 */
export const postgresTask =
  (isClosed: () => boolean, callTimeoutMs: number) =>
  <A>(body: () => Promise<E.Either<StoreError, A>>): TE.TaskEither<StoreError, A> =>
  async () => {
    if (isClosed()) return E.left(storeUnavailable('the store is closed'));
    const deadline = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<E.Either<StoreError, A>>((done) => {
      timer = setTimeout(() => {
        deadline.abort();
        done(E.left(storeUnavailable(`no answer from PostgreSQL within ${callTimeoutMs} ms`)));
      }, callTimeoutMs);
    });
    const work = callDeadline.run(deadline.signal, async (): Promise<E.Either<StoreError, A>> => {
      try {
        return await body();
      } catch (e) {
        return E.left(postgresStoreError(e));
      }
    });
    try {
      return await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
  };
