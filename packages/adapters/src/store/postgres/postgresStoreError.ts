/** How a pg failure reads as a StoreError: unavailable (the server or the connection) or failed (the request). */
import type { StoreError } from '../eventStore';
import { storeFailed, storeUnavailable } from '../eventStore';
import { errorMessage } from '../shared/errorMessage';

// SQLSTATE classes describing the server or the connection rather than the request: 08 connection
// exception, 53 insufficient resources, 57 operator intervention (shutdown, cancel), 58 system error.
const UNAVAILABLE_SQLSTATE = /^(08|53|57|58)/;
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Cannot use a pool after calling end|not queryable|timeout expired|Query read timeout|passed its deadline/i;

const codeOf = (e: unknown): string | undefined => {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
};

// Connecting to a host with several addresses can fail with an AggregateError whose message is empty.
const describeError = (e: unknown): string => {
  const message = errorMessage(e);
  if (message !== '') return message;
  const errors = typeof e === 'object' && e !== null ? (e as { errors?: unknown }).errors : undefined;
  if (Array.isArray(errors) && errors.length > 0) return errors.map(errorMessage).join('; ');
  return codeOf(e) ?? 'unknown error';
};

// Structural, so errors from another copy of pg (a caller's pool) are recognised too.
const sqlstateOf = (e: unknown): string | undefined => {
  const code = codeOf(e);
  return code !== undefined && /^[0-9A-Z]{5}$/.test(code) && typeof e === 'object' && e !== null && 'severity' in e
    ? code
    : undefined;
};

/** Maps a pg exception to a StoreError. */
export const postgresStoreError = (e: unknown): StoreError => {
  const code = codeOf(e);
  const message = describeError(e);
  const sqlstate = sqlstateOf(e);
  if (sqlstate !== undefined) {
    const withCode = `${sqlstate}: ${message}`;
    return UNAVAILABLE_SQLSTATE.test(sqlstate) ? storeUnavailable(withCode) : storeFailed(withCode);
  }
  if ((code !== undefined && UNAVAILABLE_NODE_CODES.has(code)) || UNAVAILABLE_MESSAGES.test(message)) {
    return storeUnavailable(code !== undefined && !message.includes(code) ? `${code}: ${message}` : message);
  }
  return storeFailed(message);
};

/** A unique index refused a row: a writer bypassed the append lock. */
export const isUniqueViolation = (e: unknown): boolean => sqlstateOf(e) === '23505';
