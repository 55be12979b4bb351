/**
 * Exact money: an integer count of minor units (1/100 rupiah). Never a float.
 * Midtrans sends amounts as strings with two decimals ("145000.00"); requests carry integers.
 */
import * as E from 'fp-ts/lib/Either.js';

/** Integer minor units (sen). */
export type Money = number;

export const MINOR_PER_UNIT = 100;
const AMOUNT = /^(0|[1-9]\d{0,14})(?:\.(\d{1,2}))?$/;

/** Parses a Midtrans amount string ("145000.00", "145000") exactly. */
export const parseAmount = (s: string): E.Either<string, Money> => {
  const m = AMOUNT.exec(s);
  if (m === null) return E.left(`expected an amount like "145000.00", got ${JSON.stringify(s)}`);
  const minor = Number(m[1]) * MINOR_PER_UNIT + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(minor) ? E.right(minor) : E.left(`amount ${JSON.stringify(s)} is too large`);
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
