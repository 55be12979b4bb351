/** A refund or direct refund answer: its refund_key, its amount and the room left for it. */
import { displayAmount, type ActionResponse, type StatusReport, type TransactionStatus } from '@paystate/engine';
import { sameClaim, total } from './claimOf';
import { judge, lateMoney } from './judge';
import { describe, judgement, nameOf, type Judgement } from './judgement';
import { pairCode, reducerRoute } from './reducerRoute';
import type { ReducerAttempt } from './reducerState';

export const onRefund = (a: ReducerAttempt, obs: ActionResponse, r: StatusReport, what: string, via: readonly number[]): Judgement => {
  const tid = a.transactionId;
  const key = r.refundKey ?? obs.request.refundKey;
  const remaining = a.grossAmount - a.refunded - a.chargedBack;
  const amount = r.refundAmount ?? obs.request.amount ?? remaining;
  const fraud = r.fraud ?? a.fraud;
  if (key !== undefined) {
    const before = a.refunds[key];
    if (before !== undefined) {
      if (before !== amount)
        return judgement(
          'illegal',
          'refund_key_reused',
          `refund_key ${key} already names a refund of ${displayAmount(before)}; it cannot name one of ${displayAmount(amount)}`,
          tid,
        );
      // the same refund again: judged against what it already did
      return judge(a, sameClaim(a, r.status, fraud, r.status === 'refund' ? a.grossAmount : undefined), `${what} for refund ${key} again`, false);
    }
  }
  // DOMAIN §6b.4: the refunds known by key (and chargebacks) leave no room for this one, ever
  const room = a.grossAmount - total(a.refunds) - a.chargedBack;
  if (amount > room)
    return judgement('illegal', 'refund_never_fits', `a refund of ${displayAmount(amount)} never fitted: the known refunds leave ${displayAmount(room)}`, tid);
  // partial refunds that add up to the whole amount are a refund
  const status: TransactionStatus = r.status === 'partial_refund' && a.refunded + amount === a.grossAmount ? 'refund' : r.status;
  const here = pairCode(a.status, a.fraud);
  const there = pairCode(status, fraud);
  if (there !== here && reducerRoute(here, there) === null && reducerRoute(there, here) !== null) {
    // An earlier refund answered after a later one moved the attempt on. When its key is new and
    // every known refund is keyed (so it is not counted yet), its amount still counts (DOMAIN §4
    // convergence), by the current partial_refund's self-loop.
    const refunded = a.refunded + amount;
    if (
      key !== undefined &&
      a.status === 'partial_refund' &&
      amount > 0 &&
      refunded < a.grossAmount - a.chargedBack &&
      total(a.refunds) === a.refunded &&
      reducerRoute(pairCode(a.originStatus, a.originFraud), there) !== null
    )
      return lateMoney(a, refunded, { ...a.refunds, [key]: amount }, a.chargedBack, `${what} (${nameOf(r.status, fraud)}) is behind the attempt, now ${describe(a)}`, false);
    return judge(a, sameClaim(a, status, fraud), what, false);
  }
  if (amount <= 0 || amount > remaining)
    return judgement('illegal', 'refund_exceeds_remaining', `a refund of ${displayAmount(amount)} is more than the ${displayAmount(remaining)} left to refund`, tid);
  const refunded = status === 'refund' ? a.grossAmount : a.refunded + amount;
  return judge(
    a,
    {
      via,
      status,
      fraud,
      gross: a.grossAmount,
      refunded,
      refunds: key !== undefined ? { ...a.refunds, [key]: amount } : a.refunds,
      chargedBack: a.chargedBack,
      ownRefunded: refunded,
      ownChargedBack: undefined,
      report: r,
    },
    what,
    false,
  );
};
