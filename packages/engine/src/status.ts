/**
 * Midtrans card statuses, spelled exactly as Midtrans sends them.
 */

export const TRANSACTION_STATUSES = [
  'pending',
  'authorize',
  'capture',
  'settlement',
  'deny',
  'cancel',
  'expire',
  'failure',
  'refund',
  'partial_refund',
  'chargeback',
  'partial_chargeback',
] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];

export const FRAUD_STATUSES = ['accept', 'challenge', 'deny'] as const;
export type FraudStatus = (typeof FRAUD_STATUSES)[number];

/** The machines' initial state: nothing observed yet. Rendered as `[*]` in diagrams. */
export const START = 'start' as const;
export type Start = typeof START;

/** Statuses an attempt may open with (DOMAIN §2, "(start)" row). */
export const OPENING_STATUSES: readonly TransactionStatus[] = ['pending', 'authorize', 'capture', 'deny'];

/** Terminal statuses after which a customer may retry with a new transaction_id (DOMAIN §1). */
export const RETRYABLE_ENDINGS: readonly TransactionStatus[] = ['deny', 'cancel', 'expire', 'failure'];

export const isTransactionStatus = (s: unknown): s is TransactionStatus =>
  typeof s === 'string' && (TRANSACTION_STATUSES as readonly string[]).includes(s);

export const isFraudStatus = (s: unknown): s is FraudStatus =>
  typeof s === 'string' && (FRAUD_STATUSES as readonly string[]).includes(s);

/**
 * The status_code a notification must carry for its status (DOMAIN §5). For capture the verdict
 * decides: 201 with challenge, 200 otherwise; with no verdict known either is accepted.
 */
const C200: readonly string[] = ['200'];
const C201: readonly string[] = ['201'];
const C202: readonly string[] = ['202'];
const C200_201: readonly string[] = ['200', '201'];

export const notificationStatusCodes = (status: TransactionStatus, fraud: FraudStatus | null): readonly string[] => {
  switch (status) {
    case 'pending':
      return C201;
    case 'capture':
      return fraud === 'challenge' ? C201 : fraud === null ? C200_201 : C200;
    case 'deny':
    case 'cancel':
    case 'expire':
    case 'failure':
      return C202;
    default:
      return C200;
  }
};
