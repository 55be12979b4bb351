/**
 * The building blocks of the replay-line mapping: `Mapped` (a value or the reason the input becomes
 * `invalid`) and the small readers every kind's mapping shares.
 */
import * as E from 'fp-ts/lib/Either.js';
import { amountMinor, parseAmount } from '@paystate/engine';
import type { Money } from '@paystate/engine';
import { renderDecodeErrors } from './decodeError';
import type { DecodeError } from './decodeError';

// Bound once: run through tsx (CommonJS), every `E.x(...)` is an accessor call on a module object,
// and this module runs for every observation.
const { isLeft, left, right } = E;

/** A failure: the reason an input becomes `invalid`. */
export type Mapped<A> = E.Either<string, A>;

export const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

export const fieldAt = (u: unknown, ...keys: readonly string[]): unknown => {
  let here = u;
  for (const key of keys) {
    if (!isRecord(here) || !Object.prototype.hasOwnProperty.call(here, key)) return undefined;
    here = here[key];
  }
  return here;
};

export const nonEmpty = (u: unknown): string | undefined => (typeof u === 'string' && u.length > 0 ? u : undefined);

/** `{ [key]: value }`, or `{}` when the value is absent (exact optional properties). */
export const opt = <K extends string, V>(key: K, value: V | undefined): { readonly [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { readonly [P in K]?: V };

export const rendered = (errors: readonly DecodeError[]): string => renderDecodeErrors(errors);

export const money = (path: string, parsed: E.Either<string, Money>): Mapped<Money> =>
  isLeft(parsed) ? left(`${path}: ${parsed.left}`) : parsed;

/** Why a string is not an amount, naming the field. */
export const amountError = (path: string, s: string): string => {
  const parsed = parseAmount(s);
  return `${path}: ${isLeft(parsed) ? parsed.left : `unexpected amount ${JSON.stringify(s)}`}`;
};

/** An amount string in minor units, or the reason it is none, naming the field. */
export const amountAt = (path: string, s: string): Mapped<Money> => {
  const minor = amountMinor(s);
  return minor >= 0 ? right(minor) : left(amountError(path, s));
};
