/** How a better-sqlite3 failure (or the writer thread's) reads as a StoreError. */
import type { StoreError } from '../eventStore';
import { storeFailed, storeUnavailable } from '../eventStore';
import { errorMessage } from '../shared/errorMessage';
import { WriterStopped } from '../sqliteWriter';

// Result codes that describe the environment (lock contention, disk, file access) rather than the request.
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|PROTOCOL|PERM|NOLFS)/;

const sqliteCodeOf = (e: unknown): string | undefined => {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
};

/** Maps a better-sqlite3 exception to a StoreError. */
export const sqliteStoreError = (e: unknown): StoreError => {
  const code = sqliteCodeOf(e);
  const message = errorMessage(e);
  if (code !== undefined) return UNAVAILABLE_CODES.test(code) ? storeUnavailable(`${code}: ${message}`) : storeFailed(`${code}: ${message}`);
  if (/connection is not open/i.test(message)) return storeUnavailable('the database is closed');
  if (/directory does not exist/i.test(message)) return storeUnavailable(message);
  return storeFailed(message);
};

/** Maps what the writer thread answered instead of a result. */
export const writerStoreError = (e: unknown): StoreError => (e instanceof WriterStopped ? storeUnavailable(errorMessage(e)) : sqliteStoreError(e));

/** A unique index refused a row: a writer bypassed BEGIN IMMEDIATE. */
export const isUniqueViolation = (e: unknown): boolean => {
  const code = sqliteCodeOf(e);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
};
