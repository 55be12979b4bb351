import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type BetterSqlite3 from 'better-sqlite3';
import type { StoreError } from '../eventStore';
import { storeUnavailable } from '../eventStore';
import { syncTask } from '../shared/syncTask';
import type { SqliteWriter } from '../sqliteWriter';
import { sqliteStoreError } from './sqliteStoreError';

/** What the parts of one open SQLite store share. */
export interface SqliteContext {
  /** The connection of the caller's thread: every read, and the writes made in line. */
  readonly db: BetterSqlite3.Database;
  readonly clock: () => Date;
  readonly isClosed: () => boolean;
  /** Runs one operation here, on the caller's thread. */
  readonly run: <A>(body: () => E.Either<StoreError, A>) => TE.TaskEither<StoreError, A>;
  /** The writer thread (started with the first write), or undefined when writes run here. */
  readonly writerThread: () => SqliteWriter | undefined;
}

/** A synchronous operation that answers StoreUnavailable once the store is closed, and maps a throw to a StoreError. */
export const sqliteTask =
  (isClosed: () => boolean) =>
  <A>(body: () => E.Either<StoreError, A>): TE.TaskEither<StoreError, A> =>
    syncTask(() => (isClosed() ? E.left(storeUnavailable('the database is closed')) : body()), sqliteStoreError);
