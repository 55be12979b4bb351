import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { AMOUNT_TOO_LARGE, NOT_AN_AMOUNT, amountMinor, formatAmount, fromUnits, parseAmount } from '../src/index';

/** Midtrans amount strings (DOMAIN §7) as a regular expression: the reference the scanner is held to. */
const GRAMMAR = /^(0|[1-9]\d{0,14})(?:\.(\d{1,2}))?$/;

const reference = (s: string): number => {
  const m = GRAMMAR.exec(s);
  if (m === null) return NOT_AN_AMOUNT;
  const minor = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(minor) ? minor : AMOUNT_TOO_LARGE;
};

/** Strings near the grammar: digits, dots, signs, spaces and a few other characters, so that most are almost amounts. */
const amountLike = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'0123456789.'.split('')), maxLength: 20 }),
  fc.string({ unit: fc.constantFrom(...'0123456789.-+e ,x\u0660'.split('')), maxLength: 20 }),
  fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 17n }), fc.constantFrom('', '.', '.0', '.5', '.00', '.05', '.99', '.000', '.1.'))
    .map(([u, f]) => `${u}${f}`),
  fc.string(),
);

describe('amounts', () => {
  it('the scanner agrees with the grammar on every string', () => {
    fc.assert(
      fc.property(amountLike, (s) => {
        expect(amountMinor(s)).toBe(reference(s));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    ['0', 0],
    ['0.5', 50],
    ['145000', 14_500_000],
    ['145000.00', 14_500_000],
    ['145000.05', 14_500_005],
    ['90071992547409.91', 9_007_199_254_740_991],
  ])('%s is %d minor units', (s, minor) => {
    expect(amountMinor(s)).toBe(minor);
    expect(parseAmount(s)).toEqual(E.right(minor));
  });

  it.each(['', '.', '1.', '.5', '01', '00', '1.000', '-1', '+1', '1e3', ' 1', '1 ', '1,000', '145000.0.0', '\u0661'])(
    '%j is not an amount, and says so',
    (s) => {
      expect(amountMinor(s)).toBe(NOT_AN_AMOUNT);
      expect(parseAmount(s)).toEqual(E.left(`expected an amount like "145000.00", got ${JSON.stringify(s)}`));
    },
  );

  it('an amount beyond exact integers is refused as too large, not rounded', () => {
    expect(amountMinor('90071992547409.92')).toBe(AMOUNT_TOO_LARGE);
    expect(parseAmount('999999999999999.99')).toEqual(E.left('amount "999999999999999.99" is too large'));
  });

  it('formatting and parsing round-trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (minor) => {
        expect(parseAmount(formatAmount(minor))).toEqual(E.right(minor));
      }),
    );
    expect(fromUnits(145000)).toEqual(E.right(14_500_000));
  });
});
