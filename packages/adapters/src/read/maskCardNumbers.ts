/**
 * Full card numbers never leave the read API: in the free text that may quote recorded input (a
 * decision's reason), any run of 13 to 19 digits (spaces or dashes allowed between them) that
 * passes the Luhn check is shown with its first six and last four digits ("481111******1114").
 */
import { replaceCardNumbers } from '../cardNumber';

/** The text with every Luhn-valid 13–19 digit card number masked. */
export const maskCardNumbersIn = (text: string): string =>
  replaceCardNumbers(text, (digits) => `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}`);

/** The fields of free text, which may quote recorded input: identifiers are left alone (a numeric order id may pass the Luhn check). */
const FREE_TEXT: ReadonlySet<string> = new Set(['reason', 'why']);

/** A JSON value with the card numbers masked in its free-text fields (`reason`, `why`), however deep. */
export const maskCardNumbers = <A>(value: A): A => {
  if (Array.isArray(value)) return value.map(maskCardNumbers) as A;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, FREE_TEXT.has(k) && typeof v === 'string' ? maskCardNumbersIn(v) : maskCardNumbers(v)]),
    ) as A;
  return value;
};
