/**
 * A transaction as Midtrans states it: the JSON of GET status answers, action answers and
 * notifications (with the status_code of each kind and the `signature_key`), and the simulator's
 * own summary of an order's truth.
 */
import { maskCard } from './cards';
import { formatMidtransTime, isoTime } from './midtransTime';
import { formatAmount } from './money';
import type { Json } from './replies';
import { savedTokenFields } from './savedCards';
import { signatureKey } from './signature';
import { lookup, refunded, type SimConfig, type SimContext, type SimTransaction } from './state';
import type { FraudStatus, TransactionStatus } from './status';

/** The simulator's truth about an order: its latest transaction. */
export interface SimTruth {
  readonly order_id: string;
  readonly transaction_id: string;
  readonly transaction_status: TransactionStatus;
  readonly fraud_status: FraudStatus | null;
  readonly gross_amount: string;
  readonly authorized_amount: string;
  readonly refund_amount: string;
  readonly refunds: readonly Json[];
  readonly transaction_time: string;
  readonly settlement_time?: string;
  /** How many transactions (attempts) the order has had. */
  readonly attempts: number;
  readonly history: readonly { readonly at: string; readonly transaction_status: TransactionStatus; readonly fraud_status: FraudStatus | null }[];
}

// -------------------------------------------------------------------------------------------------
// status codes
// -------------------------------------------------------------------------------------------------

/** status_code of a notification for a state (midtrans-facts.md §3). */
export const notificationStatusCode = (status: TransactionStatus, fraud: FraudStatus | undefined): string => {
  switch (status) {
    case 'pending':
      return '201';
    case 'capture':
      return fraud === 'challenge' ? '201' : '200';
    case 'deny':
    case 'cancel':
    case 'expire':
    case 'failure':
      return '202';
    default:
      return '200';
  }
};

/** status_code of a GET status answer for a state (midtrans-facts.md §3). */
export const statusAnswerCode = (status: TransactionStatus, fraud: FraudStatus | undefined): string => {
  switch (status) {
    case 'pending':
      return '201';
    case 'capture':
      return fraud === 'challenge' ? '201' : '200';
    case 'deny':
    case 'failure':
      return '202';
    case 'expire':
      return '407';
    default:
      return '200';
  }
};

// -------------------------------------------------------------------------------------------------
// statements
// -------------------------------------------------------------------------------------------------

const eci = (tx: SimTransaction): string | undefined => (tx.threeDs ? (tx.card.enrolled ? '05' : '06') : undefined);

const refundEntries = (tx: SimTransaction): Json[] =>
  tx.refunds.map((r) => ({
    refund_chargeback_id: r.refund_chargeback_id,
    refund_amount: formatAmount(r.refund_amount),
    created_at: formatMidtransTime(r.created_at),
    reason: r.reason,
    ...(r.refund_key !== undefined ? { refund_key: r.refund_key } : {}),
  }));

/** The transaction as Midtrans states it, with the given status_code and message, signed. */
export const statement = (config: SimConfig, tx: SimTransaction, statusCode: string, message: string): Json => {
  const gross = formatAmount(tx.grossAmount);
  const e = eci(tx);
  const time = formatMidtransTime;
  const body: Record<string, unknown> = {
    status_code: statusCode,
    status_message: message,
    transaction_id: tx.transactionId,
    order_id: tx.orderId,
    merchant_id: config.merchantId,
    gross_amount: gross,
    currency: 'IDR',
    payment_type: 'credit_card',
    transaction_time: time(tx.transactionTime),
    transaction_status: tx.status,
    ...(tx.fraud !== undefined ? { fraud_status: tx.fraud } : {}),
    masked_card: maskCard(tx.cardNumber),
    bank: tx.card.bank,
    card_type: 'credit',
    ...(e !== undefined ? { eci: e } : {}),
    ...(tx.threeDs ? { three_ds_version: '2' } : {}),
    ...(tx.approvalCode !== undefined ? { approval_code: tx.approvalCode } : {}),
    channel_response_code: tx.channelResponse.code,
    channel_response_message: tx.channelResponse.message,
    ...(tx.expiryTime !== undefined && tx.status === 'pending' ? { expiry_time: time(tx.expiryTime) } : {}),
    ...(tx.settlementTime !== undefined ? { settlement_time: time(tx.settlementTime) } : {}),
    ...savedTokenFields(tx),
  };
  if (tx.refunds.length > 0) {
    body['refund_amount'] = formatAmount(refunded(tx));
    body['refunds'] = refundEntries(tx);
  }
  body['signature_key'] = signatureKey(tx.orderId, statusCode, gross, config.serverKey);
  return body;
};

/** Answers to requests carry no `signature_key` (only GET status and notifications do). */
export const withoutSignature = (b: Json): Json => {
  const { signature_key: _s, ...rest } = b;
  return rest;
};

/** The body of the notification for the transaction's current state. */
export const notificationBody = (config: SimConfig, tx: SimTransaction): Json =>
  statement(config, tx, notificationStatusCode(tx.status, tx.fraud), 'midtrans payment notification');

/** The simulator's truth about an order (its latest transaction), or undefined for an unknown order. */
export const truth = (ctx: SimContext, orderId: string): SimTruth | undefined => {
  const tids = ctx.st.orders.get(orderId);
  const tx = lookup(ctx, orderId);
  if (tx === undefined || tids === undefined) return undefined;
  return {
    order_id: tx.orderId,
    transaction_id: tx.transactionId,
    transaction_status: tx.status,
    fraud_status: tx.fraud ?? null,
    gross_amount: formatAmount(tx.grossAmount),
    authorized_amount: formatAmount(tx.authorizedAmount),
    refund_amount: formatAmount(refunded(tx)),
    refunds: refundEntries(tx),
    transaction_time: formatMidtransTime(tx.transactionTime),
    ...(tx.settlementTime !== undefined ? { settlement_time: formatMidtransTime(tx.settlementTime) } : {}),
    attempts: tids.length,
    history: tx.history.map((h) => ({ at: isoTime(h.at), transaction_status: h.transaction_status, fraud_status: h.fraud_status })),
  };
};
