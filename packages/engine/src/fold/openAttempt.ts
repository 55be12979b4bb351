/**
 * Opens an attempt from the first report of a transaction_id: legal only where a path from the
 * start reaches the reported state (the states on the way are inferred).
 */
import { compiledPath as path, pairOf, START_PAIR, txOf } from '../compiled';
import type { StatusReport } from '../observation';
import { withAttempt, type AttemptState, type OrderState } from '../state';
import { OPENING_STATUSES, type TransactionStatus } from '../status';
import { decision, rejected, type Decision } from './decision';
import { isFraudDenyOutsideDeny } from './judge';
import { addBit, statusPair } from './pairs';
import type { Subject } from './reasons';
import { reportTarget } from './target';

const blankAttempt = (tid: string, r: StatusReport): AttemptState => ({
  transactionId: tid,
  status: r.status,
  fraud: null,
  pair: START_PAIR,
  origin: START_PAIR,
  visited: 0,
  authorizedAmount: r.grossAmount,
  grossAmount: r.grossAmount,
  refunded: 0,
  refunds: {},
  chargedBack: 0,
});

export const openAttempt = (o: OrderState, r: StatusReport, subject: Subject): Decision => {
  const tid = r.transactionId;
  if (o.requestedAmount !== undefined && r.grossAmount !== o.requestedAmount)
    return rejected(o, o.orderId, tid, { code: 'amount_mismatch', case: 'charge_request', stated: r.grossAmount, requested: o.requestedAmount });
  const stated = pairOf(r.status, r.fraud ?? null);
  if (isFraudDenyOutsideDeny(stated)) return decision('illegal', { code: 'no_legal_path', case: 'fraud_deny', subject, stated }, o.orderId, tid);
  // The money may restate the status (partial refunds that add up to the amount are a refund).
  const money = reportTarget(o, { ...blankAttempt(tid, r), pair: START_PAIR }, r);
  if (!money.ok) return money.decision;
  const target = money.value.pair;
  const steps = path(START_PAIR, target);
  if (steps === undefined || steps.length === 0) return decision('illegal', { code: 'no_legal_path', case: 'cannot_open', subject, stated: target }, o.orderId, tid);
  let visited = 0;
  for (const p of steps) visited = addBit(visited, p);
  const status = txOf(target) as TransactionStatus;
  const blank: AttemptState = {
    ...blankAttempt(tid, r),
    origin: steps.length === 1 && OPENING_STATUSES.includes(status) ? target : START_PAIR,
    visited,
  };
  const t = money;
  if (t.value.refunded + t.value.chargedBack > t.value.gross)
    return decision('illegal', { code: 'inconsistent_amounts', case: 'opening_overdrawn', subject, gross: t.value.gross }, o.orderId, tid);
  const inferred = steps.slice(0, -1).filter((p) => txOf(p) !== status);
  const attempt = withAttempt(
    blank,
    {
      status,
      fraud: r.fraud ?? null,
      pair: target,
      visited,
      grossAmount: blank.grossAmount,
      refunded: t.value.refunded,
      refunds: t.value.refunds,
      chargedBack: t.value.chargedBack,
    },
    t.value.times,
  );
  const reversal = status === 'deny' && steps.some((p) => txOf(p) === 'settlement');
  const code = subject.kind === 'retry' ? 'retry_opened' : 'attempt_opened';
  return decision('applied', { code, subject, transactionId: tid, at: target, inferred }, o.orderId, tid, {
    inferred: inferred.map(statusPair),
    flags: reversal ? ['reversal'] : [],
    effect: { attempt },
  });
};
