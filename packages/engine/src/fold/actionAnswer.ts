/**
 * Decider for Midtrans' answer to an action (approve, deny, cancel, expire, capture, refund,
 * direct_refund): the action must have been allowed on the attempt, its amount and refund_key
 * preconditions hold (DOMAIN §6), and a success must report the action's documented result.
 */
import type { ActionName } from '../actions';
import { compiledPath as path, pairOf, txOf, type Pair } from '../compiled';
import type { Money } from '../money';
import { errorOf, reportOf, type ActionResponse, type StatusReport } from '../observation';
import type { AttemptState, OrderState } from '../state';
import type { TransactionStatus } from '../status';
import { checkAmount, findAttempt, unknownTransaction } from './checks';
import { decision, rejected, type Decision } from './decision';
import { judge } from './judge';
import { isPartialCapture, partialCaptureVia } from './partialCapture';
import { ACTION_PAIRS, allowedOnPath } from './pairs';
import type { Subject } from './reasons';
import { reportTarget, sameTarget, timesOf, type Target } from './target';

const DOCUMENTED: Record<ActionName, readonly TransactionStatus[]> = {
  approve: ['capture'],
  deny: ['deny'],
  cancel: ['cancel'],
  expire: ['expire'],
  capture: ['capture'],
  refund: ['refund', 'partial_refund'],
  direct_refund: ['refund', 'partial_refund'],
};

const subjectOf = (action: ActionName, refundAgain?: string): Subject => ({ kind: 'action_response', action, refundAgain });

/**
 * A success answer proves the precondition held on the way to the state it reports, even where
 * that way was not observed (a refund answered before the settlement notification): the pair
 * where the action was allowed, which the way to the result then passes through.
 */
const preconditionOnWay = (a: AttemptState, action: ActionName, result: Pair): Pair | undefined => {
  const leading = (ACTION_PAIRS.get(action) ?? []).filter((p) => p !== result && path(p, result) !== undefined);
  // ahead: the answer moves the attempt on; behind: a late answer to history skipped here
  return (
    leading.find((p) => path(a.pair, p) !== undefined) ??
    leading.find((p) => path(a.origin, p) !== undefined && path(result, a.pair) !== undefined)
  );
};

export const decideActionAnswer = (o: OrderState, obs: ActionResponse): Decision => {
  const report = reportOf(obs.answer);
  const error = errorOf(obs.answer);
  const tid = report?.transactionId ?? (obs.targetId !== undefined && obs.targetId !== o.orderId ? obs.targetId : undefined);
  const found = findAttempt(o, tid);
  // An answer stating a partial capture not seen yet: the attempt is judged at the captured amount.
  const partial = found !== undefined && report !== undefined && obs.action !== 'capture' && report.statusCode !== '202' && isPartialCapture(found, report);
  const a = partial ? { ...found, grossAmount: report.grossAmount } : found;
  if (a === undefined)
    return tid === undefined
      ? decision('illegal', { code: 'action_not_allowed', case: 'no_attempt', action: obs.action, orderId: o.orderId }, o.orderId, undefined)
      : unknownTransaction(o, tid);
  const id = a.transactionId;
  const answered = error?.statusCode;
  const success = report !== undefined && report.statusCode !== '202';
  // Input checks come first: an answer with another amount is rejected whatever the action.
  if (report !== undefined) {
    const bad = obs.action === 'capture' ? checkCaptureAmount(o, a, obs, report) : checkAmount(o, a, report);
    if (bad !== undefined) return bad;
  }
  const result = success ? pairOf(report.status, report.fraud ?? a.fraud) : undefined;
  const captureVia = partial ? partialCaptureVia(found, report) : [];
  const allowed = allowedOnPath(a, obs.action);
  const precondition = allowed || result === undefined ? undefined : preconditionOnWay(a, obs.action, result);
  if (!allowed && precondition === undefined)
    return decision('illegal', { code: 'action_not_allowed', case: 'never_allowed', action: obs.action, visited: a.visited, answered }, o.orderId, id);
  const via = precondition === undefined ? captureVia : [...captureVia, precondition];
  // The amount and key preconditions (DOMAIN §6) are part of "allowed", whatever Midtrans answered.
  const requested = obs.request.amount;
  if (obs.action === 'capture' && requested !== undefined && requested > a.authorizedAmount)
    return decision('illegal', { code: 'capture_exceeds_authorized', amount: requested, authorized: a.authorizedAmount, answered }, o.orderId, id);
  if ((obs.action === 'refund' || obs.action === 'direct_refund') && error !== undefined) {
    if (requested !== undefined && requested > a.grossAmount)
      return decision(
        'illegal',
        { code: 'refund_exceeds_remaining', case: 'ever_refundable', amount: requested, gross: a.grossAmount, answered: error.statusCode },
        o.orderId,
        id,
      );
    const key = obs.request.refundKey;
    if (key !== undefined && a.refunds[key] !== undefined && requested !== undefined && a.refunds[key] !== requested)
      return decision('illegal', { code: 'refund_key_reused', key, usedFor: a.refunds[key]!, amount: requested, answered }, o.orderId, id);
  }
  if (error !== undefined && !(obs.action === 'expire' && error.statusCode === '407')) {
    const code = Number(error.statusCode);
    const is4xx = code >= 400 && code < 500;
    return decision('ignored', { code: 'action_refused', action: obs.action, error }, o.orderId, id, { flags: is4xx ? ['action_refused'] : [] });
  }
  // 407 without a body for expire: the documented success.
  if (report === undefined) return judge(o, a, { ...sameTarget(a), pair: pairOf('expire', a.fraud) }, subjectOf('expire'));
  if (report.statusCode === '202' && (obs.action === 'capture' || obs.action === 'refund' || obs.action === 'direct_refund'))
    return decision('ignored', { code: 'action_declined', action: obs.action, status: report.status }, o.orderId, id);
  if (!DOCUMENTED[obs.action].includes(report.status) || (obs.action === 'approve' && report.fraud !== undefined && report.fraud !== 'accept'))
    return decision(
      'illegal',
      {
        code: 'unexpected_action_result',
        action: obs.action,
        statusCode: report.statusCode,
        status: report.status,
        fraud: report.fraud,
        documented: DOCUMENTED[obs.action],
      },
      o.orderId,
      id,
    );
  if (obs.action === 'refund' || obs.action === 'direct_refund') return decideRefund(o, a, obs, report, via);
  if (obs.action === 'capture') return decideCapture(o, a, obs, report, via);
  const t = reportTarget(o, a, report);
  if (!t.ok) return t.decision;
  return judge(o, a, withVia(t.value, via), subjectOf(obs.action));
};

const withVia = (t: Target, via: readonly Pair[]): Target => (via.length === 0 ? t : { ...t, via });

/** A capture answer's gross_amount is the captured amount or the authorized one. */
const checkCaptureAmount = (o: OrderState, a: AttemptState, obs: ActionResponse, report: StatusReport): Decision | undefined => {
  const captured = obs.request.amount ?? report.grossAmount;
  return report.grossAmount === captured || report.grossAmount === a.authorizedAmount || report.grossAmount === a.grossAmount
    ? undefined
    : rejected(o, o.orderId, a.transactionId, { code: 'amount_mismatch', case: 'capture_answer', stated: report.grossAmount });
};

/** A capture's success answer: at most the authorized amount, and the gross it reports is the capture's or the authorization's. */
const decideCapture = (o: OrderState, a: AttemptState, obs: ActionResponse, report: StatusReport, via: readonly Pair[]): Decision => {
  const id = a.transactionId;
  const captured = obs.request.amount ?? report.grossAmount;
  if (captured > a.authorizedAmount)
    return decision('illegal', { code: 'capture_exceeds_authorized', amount: captured, authorized: a.authorizedAmount, answered: undefined }, o.orderId, id);
  const t = reportTarget(o, a, { ...report, grossAmount: a.grossAmount });
  if (!t.ok) return t.decision;
  const before = txOf(a.pair) === 'authorize' || txOf(a.pair) === 'pending';
  return judge(o, a, withVia(before ? { ...t.value, gross: captured } : t.value, via), subjectOf('capture'));
};

/** A refund's success answer: a new refund within the remaining amount, the same refund again, or an earlier one answered late. */
const decideRefund = (o: OrderState, a: AttemptState, obs: ActionResponse, r: StatusReport, via: readonly Pair[]): Decision => {
  const id = a.transactionId;
  const subject = subjectOf(obs.action);
  const key = r.refundKey ?? obs.request.refundKey;
  const remaining = a.grossAmount - a.refunded - a.chargedBack;
  const amount = r.refundAmount ?? obs.request.amount ?? remaining;
  if (key !== undefined && a.refunds[key] !== undefined) {
    if (a.refunds[key] !== amount)
      return decision('illegal', { code: 'refund_key_reused', key, usedFor: a.refunds[key]!, amount, answered: undefined }, o.orderId, id);
    // The same refund seen again: judged against the state it already produced.
    return judge(o, a, { ...sameTarget(a), pair: pairOf(r.status, r.fraud ?? a.fraud), ownRefunded: r.status === 'refund' ? a.grossAmount : undefined }, subjectOf(obs.action, key));
  }
  // Money can never exceed the amount: a refund that the refunds known by key (and the
  // chargebacks) leave no room for did not fit at any point where a refund was allowed.
  const refundable = a.grossAmount - sumOf(a.refunds) - a.chargedBack;
  if (amount > refundable)
    return decision('illegal', { code: 'refund_exceeds_remaining', case: 'never_fits', amount, refundable }, o.orderId, id);
  // Partial refunds that add up to the whole amount are a refund.
  const pair = pairOf(r.status === 'partial_refund' && a.refunded + amount === a.grossAmount ? 'refund' : r.status, r.fraud ?? a.fraud);
  // An earlier refund answered late, once a later one moved the attempt on: history, whose money
  // still counts unless the attempt is already fully refunded (judge merges it where it is).
  const behind = pair !== a.pair && path(a.pair, pair) === undefined && path(pair, a.pair) !== undefined;
  if (behind && (a.status === 'refund' || amount > remaining)) return judge(o, a, { ...sameTarget(a), pair }, subject);
  if (amount <= 0 || amount > remaining)
    return decision('illegal', { code: 'refund_exceeds_remaining', case: 'remaining', amount, remaining }, o.orderId, id);
  // `refund` means fully refunded, whatever refunds this attempt has not seen answered yet.
  const refunded = r.status === 'refund' ? a.grossAmount : a.refunded + amount;
  const refunds = key !== undefined ? { ...a.refunds, [key]: amount } : a.refunds;
  return judge(
    o,
    a,
    withVia(
      { pair, gross: a.grossAmount, refunded, refunds, chargedBack: a.chargedBack, ownRefunded: refunded, ownChargedBack: undefined, times: timesOf(a, r) },
      via,
    ),
    subject,
  );
};

const sumOf = (r: Readonly<Record<string, Money>>): Money => {
  let s = 0;
  for (const k in r) s += r[k]!;
  return s;
};
