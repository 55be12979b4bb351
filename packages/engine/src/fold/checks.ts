/**
 * Checks shared by the deciders: finding the attempt a report names, and the amount and
 * status_code a report must carry.
 */
import type { StatusReport } from '../observation';
import type { AttemptState, OrderState } from '../state';
import { notificationStatusCodes } from '../status';
import { rejected, type Decision } from './decision';
import { expectedGross } from './target';

/** The attempt with this transaction_id; without one, the latest attempt. */
export const findAttempt = (o: OrderState, tid: string | undefined): AttemptState | undefined => {
  if (tid === undefined) return o.attempts[o.attempts.length - 1];
  for (const a of o.attempts) if (a.transactionId === tid) return a;
  return undefined;
};

/** A report's gross_amount must be the attempt's (authorized before capture, captured after). */
export const checkAmount = (o: OrderState, a: AttemptState, r: StatusReport): Decision | undefined => {
  const expected = expectedGross(a);
  return r.grossAmount === expected
    ? undefined
    : rejected(o, o.orderId, a.transactionId, { code: 'amount_mismatch', case: 'attempt', stated: r.grossAmount, expected });
};

/** DOMAIN §5: a notification's status_code must match its status (the signature does not cover the status). */
export const checkStatusCode = (o: OrderState, a: AttemptState | undefined, r: StatusReport): Decision | undefined => {
  const fraud = r.fraud ?? a?.fraud ?? null;
  const expected = notificationStatusCodes(r.status, fraud);
  return expected.includes(r.statusCode)
    ? undefined
    : rejected(o, o.orderId, r.transactionId, { code: 'status_code_mismatch', statusCode: r.statusCode, status: r.status, fraud, expected });
};

/** The transaction_id names no attempt of the order. */
export const unknownTransaction = (o: OrderState, tid: string): Decision =>
  rejected(o, o.orderId, tid, { code: 'unknown_transaction', transactionId: tid, orderId: o.orderId });
