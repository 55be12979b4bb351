import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type PgModule from 'pg';
import type { StoreError } from '../eventStore';
import { storeUnavailable } from '../eventStore';
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

/** An operation that answers StoreUnavailable once the store is closed, and maps what pg throws to a StoreError. */
export const postgresTask =
  (isClosed: () => boolean) =>
  <A>(body: () => Promise<E.Either<StoreError, A>>): TE.TaskEither<StoreError, A> =>
  async () => {
    if (isClosed()) return E.left(storeUnavailable('the store is closed'));
    try {
      return await body();
    } catch (e) {
      return E.left(postgresStoreError(e));
    }
  };
