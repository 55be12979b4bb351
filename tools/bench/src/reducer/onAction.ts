/** Action answers: the action's preconditions, then what its answer says. */
import { displayAmount, type ActionResponse, type StatusReport } from '@paystate/engine';
import { ACTION_PAIRS, allowedOnPath, allowedOnWay, documented, documentedText } from './actionPairs';
import { claimOf, sameClaim } from './claimOf';
import { judge } from './judge';
import { answered, describe, judgement, nameOf, NO_FLAGS, rejectedIn, type Judgement } from './judgement';
import { onRefund } from './onRefund';
import { amountCheck, attemptOf, partialCapture } from './onReport';
import { pairCode, reducerRoute } from './reducerRoute';
import type { ReducerAttempt, ReducerState } from './reducerState';

/**
 * Code of a success answer for an action that the attempt's recorded path never allowed, but that
 * a legal path from the attempt's origin through a state that allows it leads to the answered
 * state (DOMAIN §4: "a late approve answer after settlement" is stale). The engine calls it
 * illegal; the differential test leaves these out (see the test).
 */
export const PROVEN_BY_ANSWER = 'precondition_proven_by_answer';

export const onAction = (o: ReducerState, obs: ActionResponse): Judgement => {
  const ans = obs.answer;
  const r = 'report' in ans ? ans.report : undefined;
  const err = 'error' in ans ? ans.error : undefined;
  const tid = r !== undefined ? r.transactionId : obs.targetId !== undefined && obs.targetId !== o.orderId ? obs.targetId : undefined;
  const found = attemptOf(o, tid);
  const action = obs.action;
  // an answer (other than capture's own) stating a partial capture not seen yet
  const partial = found !== undefined && r !== undefined && action !== 'capture' && r.statusCode !== '202' ? partialCapture(found, r) : undefined;
  const a = found !== undefined && partial !== undefined && r !== undefined ? { ...found, grossAmount: r.grossAmount } : found;
  if (a === undefined)
    return tid === undefined
      ? judgement('illegal', 'no_attempt', `${action} on order ${o.orderId} before any attempt exists`, undefined)
      : rejectedIn(o, tid, 'unknown_transaction', `order ${o.orderId} has no attempt ${tid}`);
  const id = a.transactionId;
  // DOMAIN §6b.9: the input checks come before anything §6 says
  if (r !== undefined) {
    const wrong = action === 'capture' ? captureAmountCheck(o, a, obs, r) : amountCheck(o, a, r);
    if (wrong !== undefined) return wrong;
  }
  // A success answer proves the precondition held somewhere on the way to the state it reports.
  let provenByAnswer = false;
  const via: number[] = partial !== undefined ? [...partial] : [];
  if (!allowedOnPath(a, action)) {
    const success = r !== undefined && r.statusCode !== '202';
    const result = success ? pairCode(r.status, r.fraud ?? a.fraud) : -1;
    const here = pairCode(a.status, a.fraud);
    const ahead = success ? ACTION_PAIRS[action].find((p) => p !== result && reducerRoute(here, p) !== null && reducerRoute(p, result) !== null) : undefined;
    if (ahead !== undefined) via.push(ahead);
    if (!success || !allowedOnWay(action, here, result)) {
      // DOMAIN §4/§6: an action allowed earlier and answered after the state moved on is stale or
      // a duplicate ("a late approve answer after settlement"): the answer proves the way from the
      // attempt's origin went through a state allowing it, when the answered state lies behind
      // (or at) the current one. The engine only looks ahead of the current state.
      if (success && reducerRoute(result, here) !== null && allowedOnWay(action, pairCode(a.originStatus, a.originFraud), result)) provenByAnswer = true;
      else
        return judgement(
          'illegal',
          'action_not_allowed',
          `${action} was not allowed anywhere on this attempt's path, now ${describe(a)}${err !== undefined ? `; answered ${err.statusCode}` : ''}`,
          id,
        );
    }
  }
  const decided = actionAnswer(o, a, obs, r, err, via);
  if (!provenByAnswer) return decided;
  return decided.outcome === 'stale' || decided.outcome === 'duplicate'
    ? { ...decided, code: PROVEN_BY_ANSWER, reason: `${decided.reason}; the answer proves ${action} was allowed earlier on the way` }
    : judgement('illegal', 'action_not_allowed', `${action} was not allowed anywhere on this attempt's path, now ${describe(a)}`, id);
};

/** A capture answer's gross_amount: the capture's, the authorization's, or the attempt's. */
const captureAmountCheck = (o: ReducerState, a: ReducerAttempt, obs: ActionResponse, r: StatusReport): Judgement | undefined => {
  const captured = obs.request.amount ?? r.grossAmount;
  return r.grossAmount === captured || r.grossAmount === a.authorizedAmount || r.grossAmount === a.grossAmount
    ? undefined
    : rejectedIn(o, a.transactionId, 'amount_mismatch', `capture answer gross_amount ${displayAmount(r.grossAmount)} is neither the capture nor the authorization`);
};

const actionAnswer = (
  o: ReducerState,
  a: ReducerAttempt,
  obs: ActionResponse,
  r: StatusReport | undefined,
  err: { statusCode: string; message?: string } | undefined,
  via: readonly number[],
): Judgement => {
  const action = obs.action;
  const id = a.transactionId;
  // the amount and refund_key preconditions are part of "allowed", whatever Midtrans answered
  const asked = obs.request.amount;
  const refusedWith = err !== undefined ? `; answered ${err.statusCode}` : '';
  switch (action) {
    case 'capture':
      if (asked !== undefined && asked > a.authorizedAmount)
        return judgement('illegal', 'capture_exceeds_authorized', `capture of ${displayAmount(asked)} is more than the ${displayAmount(a.authorizedAmount)} authorized${refusedWith}`, id);
      break;
    case 'refund':
    case 'direct_refund': {
      if (err === undefined || asked === undefined) break;
      if (asked > a.grossAmount)
        return judgement('illegal', 'refund_exceeds_remaining', `a refund of ${displayAmount(asked)} is more than was ever refundable (${displayAmount(a.grossAmount)})${refusedWith}`, id);
      const key = obs.request.refundKey;
      const before = key === undefined ? undefined : a.refunds[key];
      if (before !== undefined && before !== asked)
        return judgement('illegal', 'refund_key_reused', `refund_key ${key!} already names a refund of ${displayAmount(before)}, not one of ${displayAmount(asked)}${refusedWith}`, id);
      break;
    }
    default:
      break;
  }
  if (err !== undefined && !(action === 'expire' && err.statusCode === '407')) {
    const code = Number(err.statusCode);
    return {
      outcome: 'ignored',
      code: 'action_refused',
      reason: `${action} answered ${answered(err)}; nothing changes`,
      tid: id,
      flags: code >= 400 && code < 500 ? ['action_refused'] : NO_FLAGS,
    };
  }
  if (r === undefined) return judge(a, sameClaim(a, 'expire', a.fraud), 'expire answer', false);
  if (r.statusCode === '202')
    switch (action) {
      case 'capture':
      case 'refund':
      case 'direct_refund':
        return judgement('ignored', 'action_declined', `the bank declined ${action} (202 ${r.status}); nothing changes`, id);
      default:
        break;
    }
  if (!documented(action, r.status) || (action === 'approve' && r.fraud !== undefined && r.fraud !== 'accept'))
    return judgement(
      'illegal',
      'unexpected_action_result',
      `${action} answered ${r.statusCode} ${nameOf(r.status, r.fraud ?? null)}, but its result is ${documentedText(action)}`,
      id,
    );
  const what = `${action} answer`;
  switch (action) {
    case 'refund':
    case 'direct_refund':
      return onRefund(a, obs, r, what, via);
    case 'capture': {
      const captured = obs.request.amount ?? r.grossAmount;
      if (captured > a.authorizedAmount)
        return judgement('illegal', 'capture_exceeds_authorized', `capture of ${displayAmount(captured)} is more than the ${displayAmount(a.authorizedAmount)} authorized`, id);
      const c = claimOf(o, a, { ...r, grossAmount: a.grossAmount });
      if ('outcome' in c) return c;
      return judge(a, { ...(a.status === 'authorize' || a.status === 'pending' ? { ...c, gross: captured } : c), via }, what, false);
    }
    default: {
      const c = claimOf(o, a, r);
      if ('outcome' in c) return c;
      return judge(a, { ...c, via }, what, false);
    }
  }
};
