/**
 * Full card numbers never leave the read API: any run of 13 to 19 digits (spaces or dashes
 * allowed between them) that passes the Luhn check is shown as Midtrans masks cards, the first
 * six and the last four digits ("481111******1114").
 */

const CANDIDATE = /\d(?:[ -]?\d){12,18}/g;

const luhnValid = (digits: string): boolean => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
};

/** The text with every Luhn-valid 13–19 digit card number masked. */
export const maskCardNumbersIn = (text: string): string =>
  text.replace(CANDIDATE, (run) => {
    const digits = run.replace(/[ -]/g, '');
    return luhnValid(digits) ? `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}` : run;
  });

/** A JSON value with every string (keys too) masked. */
export const maskCardNumbers = <A>(value: A): A => {
  if (typeof value === 'string') return maskCardNumbersIn(value) as A;
  if (Array.isArray(value)) return value.map(maskCardNumbers) as A;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [maskCardNumbersIn(k), maskCardNumbers(v)])) as A;
  return value;
};
