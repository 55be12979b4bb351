/**
 * Midtrans card payloads for tests and benchmarks, shaped like the documented samples and signed
 * with the same code that verifies them: one order's charge, and the notifications of its legal
 * history (pending → capture → settlement → partial_refund → refund).
 */
import { signNotification } from './index';
import type { RawObservation } from '../ingest/index';

export interface CardOrder {
  readonly orderId: string;
  readonly transactionId: string;
  /** Whole rupiah. */
  readonly amount: number;
  readonly serverKey: string;
}

export type NotifiedStatus = 'pending' | 'capture' | 'settlement' | 'partial_refund' | 'refund' | 'deny' | 'cancel' | 'expire';

const money = (n: number): string => `${n}.00`;

/** A card order with ids derived from `n` (a transaction_id shaped like Midtrans' UUIDs). */
export const cardOrder = (prefix: string, n: number, serverKey: string, amount = 145_000): CardOrder => {
  const hex = n.toString(16).padStart(12, '0');
  return { orderId: `${prefix}-${n}`, transactionId: `0e4c2a51-7d1b-4f3a-9c6e-${hex}`, amount, serverKey };
};

/** The merchant's `POST /v2/charge` body. */
export const chargeRequest = (o: CardOrder): RawObservation => ({
  kind: 'charge_request',
  payload: {
    payment_type: 'credit_card',
    transaction_details: { order_id: o.orderId, gross_amount: o.amount },
    credit_card: { token_id: '481111-1114-a901971f-2f1b-4781-802a-df326fbf0e9c', authentication: true },
  },
});

/** The 3DS charge answer: 201 pending with a redirect_url. */
export const chargeResponse = (o: CardOrder): RawObservation => ({
  kind: 'charge_response',
  payload: {
    status_code: '201',
    status_message: 'Success, Credit Card transaction is successful',
    transaction_id: o.transactionId,
    order_id: o.orderId,
    merchant_id: 'G000000001',
    gross_amount: money(o.amount),
    currency: 'IDR',
    payment_type: 'credit_card',
    transaction_time: '2024-05-14 10:15:20',
    transaction_status: 'pending',
    fraud_status: 'accept',
    masked_card: '48111111-1114',
    bank: 'bni',
    card_type: 'credit',
    redirect_url: `https://api.sandbox.midtrans.com/v2/token/rba/redirect/481111-1114-${o.transactionId}`,
    three_ds_version: '2',
    expiry_time: '2024-05-14 10:25:20',
  },
});

const STATUS_CODE: Readonly<Record<NotifiedStatus, string>> = {
  pending: '201',
  capture: '200',
  settlement: '200',
  partial_refund: '200',
  refund: '200',
  deny: '202',
  cancel: '202',
  expire: '202',
};

/** The fields a notification's signature covers, as the strings Midtrans hashed. */
export type SignedStrings = { readonly order_id: string; readonly status_code: string; readonly gross_amount: string };

/** A notification payload: the signed fields as strings, the rest as Midtrans sends them. */
export type NotificationPayload = Record<string, unknown> & SignedStrings & { readonly signature_key: string };

/** A signed notification payload for the order at a status (refunds as in the documented samples). */

export const notificationPayload = (o: CardOrder, status: NotifiedStatus, extra: Readonly<Record<string, unknown>> = {}): NotificationPayload => {
  const refunds =
    status === 'partial_refund'
      ? { refund_amount: money(Math.floor(o.amount / 3)), refunds: [{ refund_chargeback_id: 1, refund_amount: money(Math.floor(o.amount / 3)), created_at: '2024-05-16 00:14:38', reason: 'partial', refund_key: 'r1' }] }
      : status === 'refund'
        ? {
            refund_amount: money(o.amount),
            refunds: [
              { refund_chargeback_id: 1, refund_amount: money(Math.floor(o.amount / 3)), created_at: '2024-05-16 00:14:38', reason: 'partial', refund_key: 'r1' },
              { refund_chargeback_id: 2, refund_amount: money(o.amount - Math.floor(o.amount / 3)), created_at: '2024-05-17 09:01:12', reason: 'rest', refund_key: 'r2' },
            ],
          }
        : {};
  const unsigned = {
    transaction_time: '2024-05-14 10:15:20',
    transaction_status: status,
    transaction_id: o.transactionId,
    status_message: 'midtrans payment notification',
    status_code: STATUS_CODE[status],
    payment_type: 'credit_card',
    order_id: o.orderId,
    merchant_id: 'G000000001',
    masked_card: '48111111-1114',
    gross_amount: money(o.amount),
    currency: 'IDR',
    card_type: 'credit',
    bank: 'bni',
    fraud_status: 'accept',
    eci: '05',
    ...(status === 'settlement' || status === 'partial_refund' || status === 'refund' ? { settlement_time: '2024-05-15 16:00:00' } : {}),
    ...refunds,
    ...extra,
  } as Record<string, unknown> & SignedStrings;
  return signNotification(unsigned, o.serverKey) as NotificationPayload;
};

/** The notification body Midtrans would POST. */
export const notificationBody = (o: CardOrder, status: NotifiedStatus, extra: Readonly<Record<string, unknown>> = {}): string =>
  JSON.stringify(notificationPayload(o, status, extra));

/** The notifications of one legal card history after a 3DS charge, in order. */
export const LEGAL_HISTORY: readonly NotifiedStatus[] = ['pending', 'capture', 'settlement', 'partial_refund', 'refund'];

