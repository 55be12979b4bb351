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
 * A UUID (a request id, a Midtrans transaction id), grouped 8-4-4-4-12: never a card number, even
 * when its digit groups pass the Luhn check. The maskers match it first and keep it whole.
 */
export const UUID_SOURCE = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

const UUID_WHOLE = new RegExp(`^${UUID_SOURCE}$`);

/** Whether a matched run is a whole UUID (kept as it is). */
export const isUuid = (run: string): boolean => UUID_WHOLE.test(run);
