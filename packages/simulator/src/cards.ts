/**
 * The Midtrans sandbox test cards (midtrans-facts.md §1): what each card number does when charged.
 * CVV 123, any future expiry, 3DS OTP 112233.
 */

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/** What the bank and the fraud detection system decide for a card. */
export type CardOutcome = 'accept' | 'challenge' | 'fds_deny' | 'bank_deny';

export type CardBrand = 'visa' | 'mastercard' | 'jcb' | 'amex';

export interface TestCard {
  readonly number: string;
  readonly brand: CardBrand;
  /** Full 3DS authentication (enrolled); otherwise 3DS is "attempted" (not enrolled). */
  readonly enrolled: boolean;
  readonly outcome: CardOutcome;
  readonly bank: string;
}

/** The OTP the sandbox 3DS page accepts. */
export const SANDBOX_OTP = '112233';

const card = (number: string, brand: CardBrand, enrolled: boolean, outcome: CardOutcome, bank = 'bni'): TestCard => ({
  number,
  brand,
  enrolled,
  outcome,
  bank,
});

/** The sandbox cards of midtrans-facts.md §1 (the challenge cards come from the older docs). */
export const TEST_CARDS: readonly TestCard[] = [
  card('4811111111111114', 'visa', true, 'accept'),
  card('4911111111111113', 'visa', true, 'bank_deny'),
  card('4411111111111118', 'visa', false, 'accept'),
  card('4511111111111117', 'visa', false, 'challenge'),
  card('4611111111111116', 'visa', false, 'fds_deny'),
  card('4711111111111115', 'visa', false, 'bank_deny'),
  card('5211111111111117', 'mastercard', true, 'accept', 'mandiri'),
  card('5111111111111118', 'mastercard', true, 'bank_deny', 'mandiri'),
  card('5410111111111116', 'mastercard', false, 'accept', 'mandiri'),
  card('5510111111111115', 'mastercard', false, 'challenge', 'mandiri'),
  card('5411111111111115', 'mastercard', false, 'fds_deny', 'mandiri'),
  card('5511111111111114', 'mastercard', false, 'bank_deny', 'mandiri'),
  card('3528203324564357', 'jcb', true, 'accept', 'bca'),
  card('3528512944932269', 'jcb', true, 'bank_deny', 'bca'),
  card('3528868047864225', 'jcb', false, 'accept', 'bca'),
  card('3528673112809398', 'jcb', false, 'challenge', 'bca'),
  card('3528185267171623', 'jcb', false, 'fds_deny', 'bca'),
  card('3528909779837631', 'jcb', false, 'bank_deny', 'bca'),
  card('370192169722458', 'amex', true, 'accept', 'bri'),
  card('374296354400881', 'amex', true, 'bank_deny', 'bri'),
  card('373747726661940', 'amex', false, 'accept', 'bri'),
  card('370665684049309', 'amex', false, 'challenge', 'bri'),
  card('378096218340018', 'amex', false, 'fds_deny', 'bri'),
  card('370356097975856', 'amex', false, 'bank_deny', 'bri'),
];

const BY_NUMBER: ReadonlyMap<string, TestCard> = new Map(TEST_CARDS.map((c) => [c.number, c]));

// -------------------------------------------------------------------------------------------------
// functions
// -------------------------------------------------------------------------------------------------

/** Digits only ("4811 1111 1111 1114" → "4811111111111114"). */
export const normalizeCardNumber = (s: string): string => s.replace(/[\s-]/g, '');

/** The Luhn check every card number passes. */
export const luhnValid = (digits: string): boolean => {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
};

/** The sandbox card with this number; an unlisted number is accepted like an attempted-3DS accept card. */
export const cardFor = (digits: string): TestCard =>
  BY_NUMBER.get(digits) ?? card(digits, digits.startsWith('5') ? 'mastercard' : digits.startsWith('3') ? 'jcb' : 'visa', false, 'accept');

/** True for a listed sandbox card or a Luhn-valid number. */
export const isAcceptableCardNumber = (digits: string): boolean => BY_NUMBER.has(digits) || luhnValid(digits);

/** Midtrans' `masked_card`: the first 8 digits, a dash, the last 4 ("48111111-1114"). */
export const maskCard = (digits: string): string => `${digits.slice(0, 8)}-${digits.slice(-4)}`;

// -------------------------------------------------------------------------------------------------
// card details in a request
// -------------------------------------------------------------------------------------------------

/** Card details as `GET /v2/token` and `GET /v2/card/register` take them, checked. */
export interface CardInput {
  readonly digits: string;
  readonly expMonth: number;
  /** Four digits. */
  readonly expYear: number;
}

/** The CVV check every card endpoint shares. */
export const isCvv = (s: string): boolean => /^\d{3,4}$/.test(s);

/**
 * Reads card_number, card_exp_month, card_exp_year (and card_cvv when `cvv` is 'required', or
 * when present and 'optional') from a query; the messages name each bad field.
 */
export const readCard = (
  q: Readonly<Record<string, string | undefined>>,
  now: number,
  cvv: 'required' | 'optional',
): { readonly ok: true; readonly card: CardInput } | { readonly ok: false; readonly messages: readonly string[] } => {
  const messages: string[] = [];
  const digits = normalizeCardNumber(q['card_number'] ?? '');
  if (digits === '') messages.push('card_number is required');
  else if (!isAcceptableCardNumber(digits)) messages.push('card_number is invalid');
  const month = Number(q['card_exp_month']);
  const rawYear = Number(q['card_exp_year']);
  if (!Number.isInteger(month) || month < 1 || month > 12) messages.push('card_exp_month must be between 01 and 12');
  const year = rawYear < 100 ? 2000 + rawYear : rawYear;
  if (!Number.isInteger(rawYear) || rawYear < 0) messages.push('card_exp_year is invalid');
  else {
    const d = new Date(now);
    if (year < d.getUTCFullYear() || (year === d.getUTCFullYear() && month < d.getUTCMonth() + 1)) messages.push('card is expired');
  }
  const c = q['card_cvv'];
  if ((cvv === 'required' || (c !== undefined && c !== '')) && !isCvv(c ?? '')) messages.push('card_cvv must be 3 or 4 digits');
  return messages.length > 0 ? { ok: false, messages } : { ok: true, card: { digits, expMonth: month, expYear: year } };
};

/** The end of a card's expiry month (00:00 UTC of its last day, as Midtrans' samples show it): when a saved token of the card expires. */
export const cardExpiresAt = (card: Pick<CardInput, 'expMonth' | 'expYear'>): number => Date.UTC(card.expYear, card.expMonth, 0);
