/**
 * Deciders for the observations that state an attempt's state: a notification, a GET status
 * answer, and (through `decideReport`) a charge response.
 */
import { errorOf, reportOf, type Notification, type StatusReport, type StatusResponse } from '../observation';
import type { OrderState } from '../state';
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


/** A verified notification: what Midtrans says the attempt is now. */
export const decideNotification = (order: OrderState, obs: Notification): Decision => decideReport(order, obs.report, 'notification');

/** A GET status answer: a report that reconciles the order's flags, or an error that changes nothing. */
export const decideStatusResponse = (order: OrderState, obs: StatusResponse): Decision => {
  const report = reportOf(obs.answer);
  if (report !== undefined) return decideReport(order, report, 'status_response');
  return decision('ignored', { code: 'status_error', error: errorOf(obs.answer)! }, obs.orderId ?? order.orderId, undefined);
};
