import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type BetterSqlite3 from 'better-sqlite3';
import type { StoreError } from '../eventStore';
import { storeUnavailable } from '../eventStore';
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

/**
 * How long one try on the caller's thread may wait for another connection's lock, in ms: the
 * connection's own busy timeout. SQLite waits by sleeping the thread, so a longer wait would hold
 * the event loop (every request of the process) for as long as the lock is held.
 */
export const INLINE_BUSY_SLICE_MS = 25;

const isBusy = (e: unknown): boolean => {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
};

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A synchronous operation that answers StoreUnavailable once the store is closed, and maps a throw
 * to a StoreError. While another connection holds the lock it needs (SQLITE_BUSY), it is tried
 * again, with the event loop free in between, until `waitMs` have passed; then it answers the
 * StoreUnavailable of the last try. Every body is one statement or one transaction, which a busy
 * failure leaves undone, so trying it again repeats nothing.
 */
export const sqliteTask =
  (isClosed: () => boolean, waitMs: number) =>
  <A>(body: () => E.Either<StoreError, A>): TE.TaskEither<StoreError, A> =>
  async () => {
    const started = performance.now();
    for (let wait = 5; ; wait = Math.min(2 * wait, 50)) {
      try {
        return isClosed() ? E.left(storeUnavailable('the database is closed')) : body();
      } catch (e) {
        if (!isBusy(e) || performance.now() - started + wait >= waitMs) return E.left(sqliteStoreError(e));
      }
      await pause(wait);
    }
  };
