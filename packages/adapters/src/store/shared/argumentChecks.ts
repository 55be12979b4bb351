/**
 * The argument checks every store applies before touching its data, so they agree on the
 * contract's edge cases.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { StoreError } from '../eventStore';
import { invalidArgument } from '../eventStore';

/** Rejects empty strings and NUL characters (PostgreSQL text cannot hold NUL). */
export const checkText = (value: unknown, what: string, options?: { allowEmpty?: boolean }): E.Either<StoreError, string> => {
  if (typeof value !== 'string') return E.left(invalidArgument(`${what} must be a string`));
  if (value.length === 0 && options?.allowEmpty !== true) return E.left(invalidArgument(`${what} must not be empty`));
  if (value.includes('\u0000')) return E.left(invalidArgument(`${what} must not contain NUL characters`));
  return E.right(value);
};

/** Accepts a safe integer >= min. */
export const checkInteger = (value: unknown, what: string, min: number): E.Either<StoreError, number> =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min
    ? E.right(value)
    : E.left(invalidArgument(`${what} must be an integer >= ${min}, got ${String(value)}`));

/** Accepts a safe integer >= min, or the fallback when the value is absent. */
export const checkOptionalInteger = (value: unknown, what: string, min: number, fallback: number): E.Either<StoreError, number> =>
  value === undefined ? E.right(fallback) : checkInteger(value, what, min);
