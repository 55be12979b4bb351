/**
 * Deciders for the observations that state an attempt's state: a notification, a GET status
 * answer, and (through `decideReport`) a charge response.
 */
import { errorOf, reportOf, type Notification, type StatusReport, type StatusResponse } from '../observation';
import type { OrderState } from '../state';
import { pairOf } from '../compiled';
import { RETRYABLE_ENDINGS } from '../status';
import { checkAmount, checkStatusCode, findAttempt, unknownTransaction } from './checks';
import { decision, type Decision } from './decision';
import { judge } from './judge';
import { openAttempt } from './openAttempt';
import { isPartialCapture, partialCaptureVia } from './partialCapture';
import type { Subject } from './reasons';
import { reportTarget } from './target';

type ReportKind = 'notification' | 'status_response' | 'charge_response';

const SUBJECTS: Readonly<Record<ReportKind, Subject>> = {
  notification: { kind: 'notification' },
  status_response: { kind: 'status_response' },
  charge_response: { kind: 'charge_response' },
};

/** A report of an attempt's state: opens the order's first attempt (or, in a charge response, a retry), or is judged against its attempt. */
export const decideReport = (o: OrderState, r: StatusReport, kind: ReportKind): Decision => {
  const latest = o.attempts[o.attempts.length - 1];
  const a = findAttempt(o, r.transactionId);
  if (kind === 'notification') {
    const bad = checkStatusCode(o, a, r);
    if (bad !== undefined) return bad;
  }
  const subject = SUBJECTS[kind];
  if (a === undefined) {
    if (latest === undefined) return openAttempt(o, r, subject);
    if (kind !== 'charge_response') return unknownTransaction(o, r.transactionId);
    if (!RETRYABLE_ENDINGS.includes(latest.status))
      return decision(
        'illegal',
        { code: 'active_attempt', case: 'new_transaction', transactionId: r.transactionId, activeId: latest.transactionId, status: latest.status },
        o.orderId,
        r.transactionId,
      );
    return openAttempt(o, r, { kind: 'retry', after: latest.status });
  }
  if (kind !== 'charge_response' && isPartialCapture(a, r)) {
    // The signature (or Midtrans' own answer) vouches for gross_amount: the captured amount.
    const t = reportTarget(o, { ...a, grossAmount: r.grossAmount }, r);
    if (!t.ok) return t.decision;
    return judge(o, a, { ...t.value, via: partialCaptureVia(a, r) }, subject, kind === 'status_response');
  }
  const bad = checkAmount(o, a, r);
  if (bad !== undefined) return bad;
  const t = reportTarget(o, a, r);
  if (!t.ok) return t.decision;
  return judge(o, a, t.value, subject, kind === 'status_response');
};


/** In confirm mode, the outcomes that mean the status answer confirmed the notification's claim. */
const CONFIRMED: ReadonlySet<Decision['outcome']> = new Set(['duplicate', 'stale']);

/**
 * Rejections whose cause lies in fields the signature does not cover (transaction_status,
 * fraud_status, refund_amount, transaction_id): in confirm mode they are no authenticated claim.
 */
const UNSIGNED_CAUSES: ReadonlySet<string> = new Set(['status_code_mismatch', 'inconsistent_amounts']);

/**
 * A verified notification: what Midtrans says the attempt is now. In confirm mode (DOMAIN §6a) the
 * GET status answer was folded just before it, so the notification never moves the state: a claim
 * the order already holds or has passed is `duplicate` or `stale`, anything else is rejected as
 * contradicted by the status answer, without a flag (the order's state is what Midtrans answered).
 * Only what the signature covers still counts as authenticated: a gross_amount that does not match
 * is rejected and flagged as always; a transaction_id the order does not know is rejected unflagged.
 */
export const decideNotification = (order: OrderState, obs: Notification): Decision => {
  const d = decideReport(order, obs.report, 'notification');
  if (obs.mode !== 'confirm' || CONFIRMED.has(d.outcome)) return d;
  if (d.outcome === 'rejected' && !UNSIGNED_CAUSES.has(d.code)) return d.code === 'unknown_transaction' ? { ...d, flags: [] } : d;
  const r = obs.report;
  const a = findAttempt(order, r.transactionId);
  const stated = pairOf(r.status, r.fraud ?? a?.fraud ?? null);
  const money = { refunded: r.refundAmount ?? 0, chargedBack: r.chargebackAmount ?? 0 };
  return decision('rejected', { code: 'contradicted_by_status', stated, money, at: a }, order.orderId, r.transactionId);
};

/** A GET status answer: a report that reconciles the order's flags, or an error that changes nothing. */
export const decideStatusResponse = (order: OrderState, obs: StatusResponse): Decision => {
  const report = reportOf(obs.answer);
  if (report !== undefined) return decideReport(order, report, 'status_response');
  return decision('ignored', { code: 'status_error', error: errorOf(obs.answer)! }, obs.orderId ?? order.orderId, undefined);
};
