/** The reducer: classifies one observation against one order's state and records it. */
import { displayAmount, type Observation } from '@paystate/engine';
import { awaits } from './awaits';
import { answered, judgement, NO_FLAGS, rejectedIn, type Judgement } from './judgement';
import { onAction } from './onAction';
import { attemptOf, isRetryable, onReport } from './onReport';
import type { Reduced, ReducerState } from './reducerState';

const classify = (o: ReducerState | undefined, obs: Observation): Judgement => {
  switch (obs.kind) {
    case 'invalid':
      // DOMAIN §4, §6b.8: a notification that failed its signature or decoding (or a callback, or
      // a line of no known kind) is not authenticated and never touches an order, not even a flag
      return rejectedIn(
        obs.received === 'notification' || obs.received === 'callback_3ds' || obs.received === 'unknown' ? undefined : o,
        obs.transactionId,
        'invalid_input',
        obs.reason,
      );
    case 'charge_request': {
      const amount = displayAmount(obs.grossAmount);
      if (o === undefined)
        return { ...judgement('applied', 'stream_opened', `order ${obs.orderId} opened by a charge request for ${amount}`, undefined), opens: true, requestedAmount: obs.grossAmount };
      const latest = o.attempts[o.attempts.length - 1];
      // DOMAIN §6b.6: the same request as the last one recorded is a retried request
      if (o.requestedAmount === obs.grossAmount) return judgement('duplicate', 'seen_before', `the charge request for ${amount} again`, undefined);
      if (latest === undefined)
        return { ...judgement('applied', 'transition', `the charge request now asks for ${amount}`, undefined), requestedAmount: obs.grossAmount };
      if (isRetryable(latest.status))
        return { ...judgement('applied', 'transition', `a retry after ${latest.status}: charge request for ${amount}`, undefined), requestedAmount: obs.grossAmount };
      return judgement('illegal', 'active_attempt', `charge request while attempt ${latest.transactionId} is still ${latest.status}`, undefined);
    }
    case 'charge_response': {
      const ans = obs.answer;
      if (o === undefined) {
        const orderId = obs.orderId;
        if (orderId === undefined) return rejectedIn(undefined, undefined, 'no_order', 'a charge response without order_id');
        if ('error' in ans)
          return { ...judgement('ignored', 'charge_refused', `charge answered ${answered(ans.error)}; no attempt`, undefined), opens: true };
        const j = onReport({ orderId, version: 0, requestedAmount: undefined, attempts: [], flags: [], reconciledAt: undefined }, ans.report, 'charge response');
        return j.outcome === 'applied' ? { ...j, opens: true } : { ...j, flags: NO_FLAGS };
      }
      if ('error' in ans) return judgement('ignored', 'charge_refused', `charge answered ${answered(ans.error)}; no attempt`, undefined);
      return onReport(o, ans.report, 'charge response');
    }
    default:
      break;
  }
  if (o === undefined)
    return obs.orderId === undefined
      ? rejectedIn(undefined, undefined, 'no_order', `a ${obs.kind.replace('_', ' ')} for no known order`)
      : rejectedIn(undefined, undefined, 'unknown_order', `order ${obs.orderId} is unknown: nothing opened it`);
  switch (obs.kind) {
    case 'notification':
      return onReport(o, obs.report, 'notification');
    case 'status_response': {
      const ans = obs.answer;
      return 'error' in ans
        ? judgement('ignored', 'status_error', `GET status answered ${answered(ans.error)}; nothing changes`, undefined)
        : onReport(o, ans.report, 'status response');
    }
    case 'action_response':
      return onAction(o, obs);
    case 'callback_3ds':
      return judgement(
        'ignored',
        'not_authoritative',
        `the browser's 3DS callback${obs.status !== undefined ? ` (${obs.status})` : ''} is never authoritative; wait for Midtrans`,
        obs.transactionId,
      );
    case 'deadline_passed': {
      const a = attemptOf(o, obs.transactionId);
      if (a !== undefined && awaits(a, obs.reason, obs.deadline))
        return {
          ...judgement('ignored', 'deadline_passed', `${obs.reason} deadline ${obs.deadline} passed while ${a.status}; ask GET status`, a.transactionId),
          flags: ['deadline_passed'],
        };
      return judgement('ignored', 'deadline_moot', `${obs.reason} deadline ${obs.deadline} is no longer awaited`, a?.transactionId);
    }
  }
};

/** Records a judgement in the order's state. */
const record = (o: ReducerState | undefined, orderId: string | undefined, j: Judgement): ReducerState | undefined => {
  let s = o;
  if (s === undefined) {
    if (j.opens !== true || orderId === undefined) return undefined;
    s = { orderId, version: 0, requestedAmount: undefined, attempts: [], flags: [], reconciledAt: undefined };
  }
  const at = s.version;
  const flags = j.flags.length === 0 ? s.flags : [...s.flags, ...j.flags.map((flag) => ({ flag, at, reason: j.reason }))];
  if (j.outcome === 'rejected') return flags === s.flags ? s : { ...s, flags };
  let attempts = s.attempts;
  const next = j.attempt;
  if (next !== undefined) {
    const i = attempts.findIndex((x) => x.transactionId === next.transactionId);
    attempts = i < 0 ? [...attempts, next] : attempts.map((x, k) => (k === i ? next : x));
  }
  return {
    orderId: s.orderId,
    version: at + 1,
    // a charge request changes the requested amount; a status response reconciles the flags before it
    requestedAmount: j.requestedAmount ?? s.requestedAmount,
    attempts,
    flags,
    reconciledAt: j.reconciles === true ? at : s.reconciledAt,
  };
};

/** Classifies one observation against one order's state and applies it. Pure. */
export const reduce = (state: ReducerState | undefined, obs: Observation): Reduced => {
  const j = classify(state, obs);
  return { state: record(state, obs.orderId ?? state?.orderId, j), outcome: j.outcome, code: j.code, reason: j.reason, transactionId: j.tid };
};
