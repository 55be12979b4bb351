/**
 * Midtrans transaction bodies and API answers in domain words: a state statement (`StatusReport`),
 * or the API error a body carries.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { amountMinor } from '@paystate/engine';
import type { Reply, ApiError, RefundEntry, StatusReport } from '@paystate/engine';
import type { ApiAnswer, ErrorBody, RefundEntryBody, TransactionBody } from './codecs';
import type { DecodeError } from './decodeError';
import { amountAt, amountError, fieldAt, nonEmpty, opt, rendered, type Mapped } from './mapped';

// Bound once: run through tsx (CommonJS), every `E.x(...)` is an accessor call on a module object,
// and this module runs for every observation.
const { isLeft, left, right } = E;

const toRefundEntry = (index: number, r: RefundEntryBody): Mapped<RefundEntry> =>
  pipe(
    amountAt(`refunds.${index}.refund_amount`, r.refund_amount),
    E.map(
      (amount): RefundEntry => ({
        ...opt('key', r.refund_key),
        ...opt('id', r.refund_chargeback_id === undefined ? undefined : String(r.refund_chargeback_id)),
        amount,
      }),
    ),
  );

/** A decoded state statement in domain words (written as early returns: it runs for every notification). */
export const toReport = (b: TransactionBody): Mapped<StatusReport> => {
  const gross = amountMinor(b.gross_amount);
  if (gross < 0) return left(amountError('gross_amount', b.gross_amount));
  const report: { -readonly [K in keyof StatusReport]: StatusReport[K] } = {
    transactionId: b.transaction_id,
    status: b.transaction_status,
    statusCode: b.status_code,
    grossAmount: gross,
  };
  if (b.fraud_status !== undefined) report.fraud = b.fraud_status;
  if (b.refund_amount !== undefined) {
    const r = amountAt('refund_amount', b.refund_amount);
    if (isLeft(r)) return r;
    report.refundAmount = r.right;
  }
  if (b.refund_key !== undefined) report.refundKey = b.refund_key;
  if (b.refunds !== undefined) {
    const entries: RefundEntry[] = [];
    for (let i = 0; i < b.refunds.length; i++) {
      const e = toRefundEntry(i, b.refunds[i]!);
      if (isLeft(e)) return e;
      entries.push(e.right);
    }
    report.refunds = entries;
  }
  if (b.chargeback_amount !== undefined) {
    const c = amountAt('chargeback_amount', b.chargeback_amount);
    if (isLeft(c)) return c;
    report.chargebackAmount = c.right;
  }
  if (b.transaction_time !== undefined) report.transactionTime = b.transaction_time;
  if (b.expiry_time !== undefined) report.expiryTime = b.expiry_time;
  if (b.settlement_time !== undefined) report.settlementTime = b.settlement_time;
  return right(report);
};

const toApiError = (b: ErrorBody): ApiError => {
  const details = b.validation_messages !== undefined && b.validation_messages.length > 0
    ? ` (${b.validation_messages.join('; ')})`
    : '';
  const message = b.status_message !== undefined ? `${b.status_message}${details}` : details.trim() || undefined;
  return { statusCode: b.status_code, ...opt('message', message) };
};

export interface ReadAnswer {
  readonly answer: Reply;
  /** The order the body names: its `order_id` (success), or one an error body happens to carry. */
  readonly orderId?: string;
}

export const readAnswer = <A extends TransactionBody>(
  decode: (u: unknown) => E.Either<readonly DecodeError[], ApiAnswer<A>>,
  payload: unknown,
): Mapped<ReadAnswer> =>
  pipe(
    decode(payload),
    E.mapLeft(rendered),
    E.chain(
      (a): Mapped<ReadAnswer> =>
        'ok' in a
          ? pipe(
              toReport(a.ok),
              E.map((report): ReadAnswer => ({ answer: { report }, orderId: a.ok.order_id })),
            )
          : right({
              answer: { error: toApiError(a.error) },
              ...opt('orderId', nonEmpty(fieldAt(payload, 'order_id'))),
            }),
    ),
  );
