/**
 * The charge request's validation, done as the sandbox does it before anything else about the
 * request (payment type, token, order): every bad field is named in one `validation_messages`
 * list. Field limits follow the Core API's request objects
 * (https://docs.midtrans.com/reference/transaction-details-object,
 * https://docs.midtrans.com/reference/item-details-object,
 * https://docs.midtrans.com/reference/customer-details-object,
 * https://docs.midtrans.com/reference/credit-card-object).
 */
import { isLeft } from './either';
import type { Money } from './money';
import { isRecord, wholeAmount } from './replies';

/** What a valid charge request carries that the charge itself needs. */
export interface ValidCharge {
  readonly paymentType: string;
  readonly orderId: string;
  readonly gross: Money;
  /** Present when the payment type is credit_card. */
  readonly creditCard: Readonly<Record<string, unknown>>;
}

const ORDER_ID_CHARS = /^[A-Za-z0-9\-_.~]+$/;
const MAX_ORDER_ID = 50;
const MAX_ITEM_FIELD = 50;
const MAX_CUSTOMER_FIELD = 255;
/** Acquiring banks a card charge may name (credit-card-object). */
export const CARD_BANKS = ['mandiri', 'bni', 'cimb', 'bca', 'maybank', 'bri'] as const;
/** Card channels a charge may route to (credit-card-object). */
export const CARD_CHANNELS = ['dragon', 'mti', 'migs', 'cybersource', 'braintree', 'mpgs'] as const;
const MAX_INSTALLMENT_TERM = 36;

const tooLong = (field: string, max: number): string => `${field} must be at most ${max} characters`;

const orderIdMessages = (u: unknown): string[] => {
  if (u === undefined || u === null || u === '') return ['transaction_details.order_id is required'];
  if (typeof u !== 'string') return ['transaction_details.order_id must be a string'];
  const out: string[] = [];
  if (u.length > MAX_ORDER_ID) out.push(tooLong('transaction_details.order_id', MAX_ORDER_ID));
  if (!ORDER_ID_CHARS.test(u)) out.push('transaction_details.order_id may contain only letters, digits, -, _, ~ and .');
  return out;
};

/** item_details: each price an integer, each quantity a positive integer, names and ids bounded; the total must be gross_amount. */
const itemMessages = (items: unknown, gross: Money | undefined): string[] => {
  if (items === undefined) return [];
  if (!Array.isArray(items)) return ['item_details must be an array'];
  const out: string[] = [];
  let total = 0;
  let summable = true;
  items.forEach((item: unknown, i) => {
    const at = `item_details[${i}]`;
    if (!isRecord(item)) {
      out.push(`${at} must be an object`);
      summable = false;
      return;
    }
    const { price, quantity, name, id } = item;
    if (typeof price !== 'number' || !Number.isSafeInteger(price)) {
      out.push(`${at}.price must be a whole number`);
      summable = false;
    }
    if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 1) {
      out.push(`${at}.quantity must be a positive whole number`);
      summable = false;
    }
    if (typeof name !== 'string' || name === '') out.push(`${at}.name is required`);
    else if (name.length > MAX_ITEM_FIELD) out.push(tooLong(`${at}.name`, MAX_ITEM_FIELD));
    if (id !== undefined && (typeof id !== 'string' || id.length > MAX_ITEM_FIELD)) out.push(tooLong(`${at}.id`, MAX_ITEM_FIELD));
    if (summable) total += (price as number) * (quantity as number) * 100;
  });
  if (summable && gross !== undefined && total !== gross) out.push('transaction_details.gross_amount is not equal to the sum of item_details');
  return out;
};

const customerMessages = (c: unknown): string[] => {
  if (c === undefined) return [];
  if (!isRecord(c)) return ['customer_details must be an object'];
  const out: string[] = [];
  for (const f of ['first_name', 'last_name', 'email', 'phone'] as const) {
    const v = c[f];
    if (v === undefined) continue;
    if (typeof v !== 'string') out.push(`customer_details.${f} must be a string`);
    else if (v.length > MAX_CUSTOMER_FIELD) out.push(tooLong(`customer_details.${f}`, MAX_CUSTOMER_FIELD));
  }
  const email = c['email'];
  if (typeof email === 'string' && email !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) out.push('customer_details.email format is invalid');
  return out;
};

/** credit_card: a token, and only the options a card charge accepts (bank, installment_term with bank or bins, bins, channel, type). */
const creditCardMessages = (cc: unknown): string[] => {
  if (!isRecord(cc)) return ['credit_card is required'];
  const out: string[] = [];
  const token = cc['token_id'];
  if (typeof token !== 'string' || token === '') out.push('credit_card.token_id is required');
  const bank = cc['bank'];
  if (bank !== undefined && !(CARD_BANKS as readonly unknown[]).includes(bank)) out.push(`credit_card.bank must be one of ${CARD_BANKS.join(', ')}`);
  const channel = cc['channel'];
  if (channel !== undefined && !(CARD_CHANNELS as readonly unknown[]).includes(channel))
    out.push(`credit_card.channel must be one of ${CARD_CHANNELS.join(', ')}`);
  const bins = cc['bins'] ?? cc['whitelist_bins'];
  const binsField = cc['bins'] !== undefined ? 'credit_card.bins' : 'credit_card.whitelist_bins';
  if (bins !== undefined && (!Array.isArray(bins) || bins.length === 0 || !bins.every((b) => typeof b === 'string' && /^(\d{1,8}|[a-z]+)$/.test(b))))
    out.push(`${binsField} must be a non-empty list of card number prefixes or bank names`);
  const term = cc['installment_term'];
  if (term !== undefined) {
    if (typeof term !== 'number' || !Number.isInteger(term) || term < 1 || term > MAX_INSTALLMENT_TERM)
      out.push(`credit_card.installment_term must be a whole number of months from 1 to ${MAX_INSTALLMENT_TERM}`);
    else if (bank === undefined && bins === undefined) out.push('credit_card.installment_term needs credit_card.bank (online installment) or credit_card.bins (offline installment)');
  }
  const type = cc['type'];
  if (type !== undefined && type !== 'authorize') out.push('credit_card.type must be authorize');
  for (const flag of ['authentication', 'save_token_id', 'secure'] as const)
    if (cc[flag] !== undefined && typeof cc[flag] !== 'boolean') out.push(`credit_card.${flag} must be a boolean`);
  return out;
};

/** The charge request checked; Left carries every message. */
export const validateCharge = (body: unknown): { readonly ok: true; readonly value: ValidCharge } | { readonly ok: false; readonly messages: readonly string[] } => {
  if (!isRecord(body)) return { ok: false, messages: ['payment_type is required', 'transaction_details is required'] };
  const messages: string[] = [];
  const paymentType = body['payment_type'];
  if (paymentType === undefined || paymentType === '') messages.push('payment_type is required');
  else if (typeof paymentType !== 'string') messages.push('payment_type must be a string');
  const td = body['transaction_details'];
  if (!isRecord(td)) messages.push('transaction_details is required');
  const orderId = isRecord(td) ? td['order_id'] : undefined;
  if (isRecord(td)) messages.push(...orderIdMessages(orderId));
  const grossRaw = isRecord(td) ? td['gross_amount'] : undefined;
  const gross = grossRaw === undefined ? undefined : wholeAmount(grossRaw, 'transaction_details.gross_amount');
  if (isRecord(td) && gross === undefined) messages.push('transaction_details.gross_amount is required');
  if (gross !== undefined && isLeft(gross)) messages.push(gross.left);
  const grossValue = gross !== undefined && !isLeft(gross) ? gross.right : undefined;
  messages.push(...itemMessages(body['item_details'], grossValue));
  messages.push(...customerMessages(body['customer_details']));
  if (paymentType === 'credit_card') messages.push(...creditCardMessages(body['credit_card']));
  if (messages.length > 0 || typeof paymentType !== 'string' || typeof orderId !== 'string' || grossValue === undefined)
    return { ok: false, messages };
  const cc = body['credit_card'];
  return { ok: true, value: { paymentType, orderId, gross: grossValue, creditCard: isRecord(cc) ? cc : {} } };
};
