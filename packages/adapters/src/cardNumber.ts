/** Card numbers: the Luhn check that tells a card number from any other run of digits. */

/** The digits (0-9 only) pass the Luhn check. */
export const luhnValid = (digits: string): boolean => {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
};

/**
 * A whole UUID (a request id, a Midtrans transaction id), grouped 8-4-4-4-12: never a card number,
 * even when its digit groups pass the Luhn check; or 13 to 19 digits, possibly grouped by single
 * spaces or dashes, standing alone (not inside a longer run of digits or letters, so the digits of
 * a hexadecimal id are never taken for a card number). A UUID is matched first and kept whole.
 */
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const CANDIDATE = new RegExp(`(${UUID})|(?<![0-9A-Za-z])\\d(?:[ -]?\\d){12,18}(?![0-9A-Za-z])`, 'g');

/** The text with every card number (a candidate above that passes the Luhn check) replaced by `mask(digits)`. */
export const replaceCardNumbers = (text: string, mask: (digits: string) => string): string =>
  text.replace(CANDIDATE, (run, uuid: string | undefined) => {
    if (uuid !== undefined) return run;
    const digits = run.replace(/[ -]/g, '');
    return luhnValid(digits) ? mask(digits) : run;
  });
