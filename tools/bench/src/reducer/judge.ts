/** Judging a claimed state of a known attempt (DOMAIN §4): applied, duplicate, stale or illegal. */
import type { Money, Outcome, TransactionStatus } from '@paystate/engine';
import type { Claim } from './claimOf';
import { describe, judgement, money, nameOf, NO_FLAGS, pairName, REVERSAL_FLAGS, type Judgement } from './judgement';
import { pairCode, reducerRoute, repeats, routeThrough, txAt, type Route } from './reducerRoute';
import type { ReducerAttempt } from './reducerState';

/** Moves the attempt to the claimed state along `route`. */
const advance = (a: ReducerAttempt, c: Claim, route: Route, what: string, reconciles: boolean): Judgement => {
  const from = a.status;
  let note = '';
  if (route.steps.length > 1) {
    const skipped: string[] = [];
    for (let i = 0; i < route.steps.length - 1; i++) {
      const p = route.steps[i]!;
      const tx = txAt(p);
      if (tx !== from && tx !== c.status) skipped.push(pairName(p));
    }
    if (skipped.length > 0) note = `, by way of ${skipped.join(', ')} (inferred)`;
  }
  const reversal = c.status === 'deny' && (from === 'settlement' || route.viaSettlement);
  const r = c.report;
  const attempt: ReducerAttempt = {
    ...a,
    status: c.status,
    fraud: c.fraud,
    seen: a.seen | route.seen,
    challengeSeen: a.challengeSeen || route.challenged,
    grossAmount: c.gross,
    refunded: c.refunded,
    refunds: c.refunds,
    chargedBack: c.chargedBack,
    transactionTime: r?.transactionTime ?? a.transactionTime,
    expiryTime: r?.expiryTime ?? a.expiryTime,
    settlementTime: r?.settlementTime ?? a.settlementTime,
  };
  return {
    outcome: 'applied',
    code: 'transition',
    reason: `${what}: ${describe(a)} moves to ${nameOf(c.status, c.fraud)}${money(c.refunded, c.chargedBack)}${note}`,
    tid: a.transactionId,
    flags: reversal ? REVERSAL_FLAGS : NO_FLAGS,
    attempt,
    reconciles,
  };
};

/**
 * Code of an observation whose state lies behind the attempt's but whose money is new to it: the
 * reducer merges the money into the current state (DOMAIN §4 convergence); the engine drops it.
 * The differential test leaves these orders out from there on (see the test).
 */
export const LATE_MONEY = 'late_money_merged';

export const lateMoney = (
  a: ReducerAttempt,
  refunded: Money,
  refunds: Readonly<Record<string, Money>>,
  chargedBack: Money,
  why: string,
  reconciles: boolean,
): Judgement => ({
  outcome: 'applied',
  code: LATE_MONEY,
  reason: `${why}, but its money is new: now${money(refunded, chargedBack)}`,
  tid: a.transactionId,
  flags: NO_FLAGS,
  attempt: { ...a, refunded, refunds, chargedBack },
  reconciles,
});

/** fraud_status deny comes with transaction_status deny only (DOMAIN §3). */
export const denyOutsideDeny = (status: TransactionStatus, what: string, tid: string): Judgement =>
  judgement('illegal', 'fraud_deny', `${what} says ${status}/deny, which Midtrans never reports: deny comes only with deny`, tid);

/** DOMAIN §4: applied, duplicate, stale or illegal, for a claimed state of a known attempt. */
export const judge = (a: ReducerAttempt, c: Claim, what: string, reconciles: boolean): Judgement => {
  const here = pairCode(a.status, a.fraud);
  const there = pairCode(c.status, c.fraud);
  const sameMoney = c.refunded === a.refunded && c.chargedBack === a.chargedBack && c.gross === a.grossAmount;
  // refunds and chargebacks together never exceed the gross amount: such a state is never reached
  const overdrawn = c.refunded + c.chargedBack > c.gross;
  const keep = (outcome: Outcome, code: string, reason: string): Judgement => ({
    outcome,
    code,
    reason,
    tid: a.transactionId,
    flags: NO_FLAGS,
    reconciles,
  });
  if (c.fraud === 'deny' && c.status !== 'deny') return denyOutsideDeny(c.status, what, a.transactionId);
  if (overdrawn) {
    // only history (stale) or illegal
  } else if (there === here) {
    if (sameMoney) {
      const older = (c.ownRefunded ?? a.refunded) < a.refunded || (c.ownChargedBack ?? a.chargedBack) < a.chargedBack;
      return older
        ? keep('stale', 'older_amounts', `${what} gives smaller amounts than the attempt's ${describe(a)}: an earlier statement`)
        : keep('duplicate', 'seen_before', `${what} repeats what is known: ${describe(a)}`);
    }
    if (repeats(a.status) && c.refunded >= a.refunded && c.chargedBack >= a.chargedBack)
      return advance(a, c, { steps: [there], seen: 0, challenged: false, viaSettlement: false }, what, reconciles);
  } else {
    const way = (c.via !== undefined ? routeThrough(here, c.via, there) : null) ?? reducerRoute(here, there);
    if (way !== null) return advance(a, c, way, what, reconciles);
  }
  const origin = pairCode(a.originStatus, a.originFraud);
  if (reducerRoute(origin, there) !== null && reducerRoute(there, here) !== null) {
    if (sameMoney) return keep('stale', 'history', `${what} (${nameOf(c.status, c.fraud)}) is already behind the attempt, now ${describe(a)}`);
    // History that carries money the attempt has not seen (a refund made before the verdict
    // changed, reported late): DOMAIN §4 convergence wants the same amounts whatever the delivery
    // order, and the current state may take larger amounts by its own self-loop.
    if (!overdrawn && repeats(a.status) && c.gross === a.grossAmount && c.refunded >= a.refunded && c.chargedBack >= a.chargedBack)
      return lateMoney(a, c.refunded, c.refunds, c.chargedBack, `${what} (${nameOf(c.status, c.fraud)}) is behind the attempt, now ${describe(a)}`, reconciles);
  }
  return judgement(
    'illegal',
    'unreachable',
    `${what} (${nameOf(c.status, c.fraud)}${money(c.refunded, c.chargedBack)}) cannot follow ${describe(a)}, nor lie between ${nameOf(a.originStatus, a.originFraud)} and it`,
    a.transactionId,
  );
};
