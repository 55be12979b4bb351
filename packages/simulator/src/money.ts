/**
 * Money as the simulator keeps it: an integer count of minor units (1/100 rupiah), never a float.
 * Requests carry whole amounts (`145000`); Midtrans answers with two decimals (`"145000.00"`).
 */
import { left, right, type Either } from './either';

/** Integer minor units (sen). */
export type Money = number;

const MINOR_PER_UNIT = 100;

/** A whole-unit amount as a request body carries it (`"gross_amount": 145000`), in minor units. */
export const fromUnits = (units: number): Either<string, Money> =>
  Number.isSafeInteger(units) && units >= 0 && Number.isSafeInteger(units * MINOR_PER_UNIT)
    ? right(units * MINOR_PER_UNIT)
    : left(`expected a non-negative whole amount, got ${JSON.stringify(units)}`);

/** Formats as Midtrans does: "145000.00". */
export const formatAmount = (m: Money): string => {
  const units = Math.floor(m / MINOR_PER_UNIT);
  const minor = m % MINOR_PER_UNIT;
  return `${units}.${String(minor).padStart(2, '0')}`;
};
