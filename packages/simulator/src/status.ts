/** Midtrans card statuses, spelled exactly as Midtrans sends them. */

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

/** Endings after which the order may be charged again with a new transaction. */
export const RETRYABLE_ENDINGS: readonly TransactionStatus[] = ['deny', 'cancel', 'expire', 'failure'];
