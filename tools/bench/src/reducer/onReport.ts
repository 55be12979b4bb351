/** Reports: charge responses, notifications and status responses. */
import { displayAmount, notificationStatusCodes, type StatusReport, type TransactionStatus } from '@paystate/engine';
import { claimOf } from './claimOf';
import { denyOutsideDeny, judge } from './judge';
import { judgement, money, nameOf, NO_FLAGS, pairName, rejectedIn, REVERSAL_FLAGS, type Judgement } from './judgement';
import { pairCode, reducerRoute, START, txAt } from './reducerRoute';
import type { ReducerAttempt, ReducerState } from './reducerState';

export const isRetryable = (s: TransactionStatus): boolean => {
  switch (s) {
    case 'deny':
    case 'cancel':
    case 'expire':
    case 'failure':
      return true;
    default:
      return false;
  }
};

const isOpening = (s: TransactionStatus): boolean => {
  switch (s) {
    case 'pending':
    case 'authorize':
    case 'capture':
    case 'deny':
      return true;
    default:
      return false;
  }
};

const BLANK: ReducerAttempt = {
  transactionId: '',
  status: 'pending',
  fraud: null,
  originStatus: 'start',
  originFraud: null,
  seen: 0,
  challengeSeen: false,
  authorizedAmount: 0,
  grossAmount: 0,
  refunded: 0,
  refunds: {},
  chargedBack: 0,
  transactionTime: undefined,
  expiryTime: undefined,
  settlementTime: undefined,
};

const openAttempt = (o: ReducerState, r: StatusReport, code: string, what: string): Judgement => {
  const tid = r.transactionId;
  if (o.requestedAmount !== undefined && o.requestedAmount !== r.grossAmount)
    return rejectedIn(o, tid, 'amount_mismatch', `gross_amount ${displayAmount(r.grossAmount)} differs from the requested ${displayAmount(o.requestedAmount)}`);
  const fraud = r.fraud ?? null;
  if (fraud === 'deny' && r.status !== 'deny') return denyOutsideDeny(r.status, what, tid);
  const first = claimOf(o, { ...BLANK, transactionId: tid, authorizedAmount: r.grossAmount, grossAmount: r.grossAmount }, r);
  if ('outcome' in first) return first;
  const status = first.status;
  const target = pairCode(status, fraud);
  const way = reducerRoute(START, target);
  if (way === null || way.steps.length === 0) return judgement('illegal', 'unreachable', `${what} cannot open an attempt at ${nameOf(status, fraud)}`, tid);
  const direct = way.steps.length === 1 && isOpening(status);
  const blank: ReducerAttempt = {
    transactionId: tid,
    status,
    fraud: null,
    originStatus: direct ? status : 'start',
    originFraud: direct ? fraud : null,
    seen: way.seen,
    challengeSeen: way.challenged,
    authorizedAmount: r.grossAmount,
    grossAmount: r.grossAmount,
    refunded: 0,
    refunds: {},
    chargedBack: 0,
    transactionTime: r.transactionTime,
    expiryTime: r.expiryTime,
    settlementTime: r.settlementTime,
  };
  const c = claimOf(o, blank, r);
  if ('outcome' in c) return c;
  if (c.refunded + c.chargedBack > c.gross)
    return judgement('illegal', 'inconsistent_amounts', `${what} opens with refunds and chargebacks above gross_amount ${displayAmount(c.gross)}`, tid);
  const skipped: string[] = [];
  for (let i = 0; i < way.steps.length - 1; i++) if (txAt(way.steps[i]!) !== status) skipped.push(pairName(way.steps[i]!));
  return {
    outcome: 'applied',
    code,
    reason: `${what} opens attempt ${tid} at ${nameOf(status, fraud)}${money(c.refunded, c.chargedBack)}${skipped.length > 0 ? `, by way of ${skipped.join(', ')} (inferred)` : ''}`,
    tid,
    flags: status === 'deny' && way.viaSettlement ? REVERSAL_FLAGS : NO_FLAGS,
    attempt: { ...blank, fraud, refunded: c.refunded, refunds: c.refunds, chargedBack: c.chargedBack },
  };
};

export const attemptOf = (o: ReducerState, tid: string | undefined): ReducerAttempt | undefined => {
  const list = o.attempts;
  if (tid === undefined) return list[list.length - 1];
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.transactionId === tid) return list[i];
  return undefined;
};

/**
 * DOMAIN §6b.2: a captured (or later) status stated with less than the authorized amount, before
 * any capture was seen: the partial capture itself. The pairs it proves were passed.
 */
export const partialCapture = (a: ReducerAttempt, r: StatusReport): readonly number[] | undefined => {
  if ((a.status !== 'pending' && a.status !== 'authorize') || a.grossAmount !== a.authorizedAmount) return undefined;
  if (!(r.grossAmount > 0 && r.grossAmount < a.authorizedAmount)) return undefined;
  switch (r.status) {
    case 'capture':
    case 'settlement':
    case 'refund':
    case 'partial_refund':
    case 'chargeback':
    case 'partial_chargeback':
    case 'cancel':
    case 'deny': {
      const verdict = r.fraud === 'accept' || r.fraud === 'challenge' ? r.fraud : a.fraud === 'deny' ? null : a.fraud;
      return [pairCode('authorize', a.fraud), pairCode('capture', verdict)];
    }
    default:
      return undefined;
  }
};

/** DOMAIN §5: the amount a statement must carry, before capture the authorized one, after it the captured one. */
export const amountCheck = (o: ReducerState, a: ReducerAttempt, r: StatusReport): Judgement | undefined => {
  // DOMAIN §6b.5: after a partial capture every status, a late pending included, states the captured amount
  const expected = a.grossAmount;
  return r.grossAmount === expected
    ? undefined
    : rejectedIn(o, a.transactionId, 'amount_mismatch', `gross_amount ${displayAmount(r.grossAmount)} is not the attempt's ${displayAmount(expected)}`);
};

type ReportKind = 'notification' | 'status response' | 'charge response';

export const onReport = (o: ReducerState, r: StatusReport, what: ReportKind): Judgement => {
  const tid = r.transactionId;
  const a = attemptOf(o, tid);
  if (what === 'notification') {
    // the signature does not cover the status: its status_code must match it
    const fraud = r.fraud ?? a?.fraud ?? null;
    const codes = notificationStatusCodes(r.status, fraud);
    if (!codes.includes(r.statusCode))
      return rejectedIn(o, tid, 'status_code_mismatch', `notification says ${r.status} with status_code "${r.statusCode}"; expected ${codes.map((c) => `"${c}"`).join(' or ')}`);
  }
  if (a === undefined) {
    const latest = o.attempts[o.attempts.length - 1];
    if (latest === undefined) return openAttempt(o, r, 'attempt_opened', what);
    if (what !== 'charge response') return rejectedIn(o, tid, 'unknown_transaction', `order ${o.orderId} has no attempt ${tid}`);
    if (!isRetryable(latest.status))
      return judgement('illegal', 'active_attempt', `new transaction ${tid} while attempt ${latest.transactionId} is still ${latest.status}`, tid);
    return openAttempt(o, r, 'retry_opened', `retry after ${latest.status}: ${what}`);
  }
  const partial = what === 'charge response' ? undefined : partialCapture(a, r);
  if (partial !== undefined) {
    const c = claimOf(o, { ...a, grossAmount: r.grossAmount }, r);
    if ('outcome' in c) return c;
    return judge(a, { ...c, via: partial }, what, what === 'status response');
  }
  const wrong = amountCheck(o, a, r);
  if (wrong !== undefined) return wrong;
  const c = claimOf(o, a, r);
  if ('outcome' in c) return c;
  return judge(a, c, what, what === 'status response');
};
