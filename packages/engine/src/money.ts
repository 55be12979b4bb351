/**
 * Exact money: an integer count of minor units (1/100 rupiah). Never a float.
 * Midtrans sends amounts as strings with two decimals ("145000.00"); requests carry integers.
 */
import * as E from 'fp-ts/lib/Either.js';

/** Integer minor units (sen). */
export type Money = number;

export const MINOR_PER_UNIT = 100;

/** What `amountMinor` returns for a string that is not an amount, and for one that is too large. */
export const NOT_AN_AMOUNT = -1;
export const AMOUNT_TOO_LARGE = -2;

/**
 * The minor units of a Midtrans amount string: `0` or up to 15 digits without a leading zero,
 * then optionally `.` and one or two digits, as a safe integer; `NOT_AN_AMOUNT` or
 * `AMOUNT_TOO_LARGE` (both negative) otherwise. A scanner rather than a regular expression: it
 * runs for every amount of every notification.
 */
export const amountMinor = (s: string): Money => {
  const n = s.length;
  let i = 0;
  let units = 0;
  if (n > 0 && s.charCodeAt(0) === 48) i = 1;
  else {
    for (; i < n && i < 15; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      units = units * 10 + d;
    }
    if (i === 0) return NOT_AN_AMOUNT;
  }
  let fraction = 0;
  if (i < n) {
    const digits = n - i - 1;
    if (s.charCodeAt(i) !== 46 || digits < 1 || digits > 2) return NOT_AN_AMOUNT;
    for (let j = i + 1; j < n; j++) {
      const d = s.charCodeAt(j) - 48;
      if (d < 0 || d > 9) return NOT_AN_AMOUNT;
      fraction = fraction * 10 + d;
    }
    if (digits === 1) fraction *= 10;
  }
  const minor = units * MINOR_PER_UNIT + fraction;
  return Number.isSafeInteger(minor) ? minor : AMOUNT_TOO_LARGE;
};

/** Parses a Midtrans amount string ("145000.00", "145000") exactly. */
export const parseAmount = (s: string): E.Either<string, Money> => {
  const minor = amountMinor(s);
  if (minor >= 0) return E.right(minor);
  return minor === AMOUNT_TOO_LARGE
    ? E.left(`amount ${JSON.stringify(s)} is too large`)
    : E.left(`expected an amount like "145000.00", got ${JSON.stringify(s)}`);
};

/** A whole-unit amount as a request body carries it (`"gross_amount": 145000`). */
export const fromUnits = (units: number): E.Either<string, Money> =>
  Number.isSafeInteger(units) && units >= 0 && Number.isSafeInteger(units * MINOR_PER_UNIT)
    ? E.right(units * MINOR_PER_UNIT)
    : E.left(`expected a non-negative whole amount, got ${JSON.stringify(units)}`);

/** Formats as Midtrans does: "145000.00". */
export const formatAmount = (m: Money): string => {
  const units = Math.floor(m / MINOR_PER_UNIT);
  const minor = m % MINOR_PER_UNIT;
  return `${units}.${String(minor).padStart(2, '0')}`;
};

/** Human form with thousands separators: "145,000.00". */
export const displayAmount = (m: Money): string => {
  const minor = m % MINOR_PER_UNIT;
  let units = String(Math.floor(m / MINOR_PER_UNIT));
  let grouped = '';
  while (units.length > 3) {
    grouped = `,${units.slice(-3)}${grouped}`;
    units = units.slice(0, -3);
  }
  return `${units}${grouped}.${minor < 10 ? '0' : ''}${minor}`;
};
