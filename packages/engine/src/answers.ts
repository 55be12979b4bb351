/**
 * Business answers (DOMAIN §7): pure functions of the folded order, each with a reason.
 */
import type { ActionName } from './actions';
import { actionsAt } from './compiled';
import { planDeadlines, type Deadline } from './deadlines';
import { displayAmount, type Money } from './money';
import { latestAttempt, type AttemptState, type FlagRecord, type OrderState } from './state';

export interface Answer<A> {
  readonly value: A;
  readonly reason: string;
}

const answer = <A>(value: A, reason: string): Answer<A> => ({ value, reason });

const none = (o: OrderState | undefined): string =>
  o === undefined ? 'the order is unknown' : `order ${o.orderId} has no attempt yet`;

/** Paid: captured with fraud_status accept, or settled (a partial refund leaves it paid). */
export const isPaid = (o: OrderState | undefined): Answer<boolean> => {
  const a = latestAttempt(o);
  if (a === undefined) return answer(false, none(o));
  if (a.fraud === 'challenge') return answer(false, `${a.status} with fraud_status challenge: approve or deny it first`);
  if (a.status === 'capture' && a.fraud === 'accept') return answer(true, 'captured and accepted by FDS; settles the next day');
  if (a.status === 'capture') return answer(false, 'captured, but no FDS verdict has been seen');
  if (a.status === 'settlement') return answer(true, 'settled: funds received');
  if (a.status === 'partial_refund')
    return answer(true, `settled, ${displayAmount(a.refunded)} of ${displayAmount(a.grossAmount)} refunded`);
  return answer(false, `transaction_status is ${a.status}`);
};

/** The flags raised since the last reconciling status response. */
export const openFlags = (o: OrderState | undefined): readonly FlagRecord[] =>
  o === undefined ? [] : o.flags.filter((f) => o.reconciledAt === undefined || f.at > o.reconciledAt);

/** Needs reconciliation: an illegal or anomalous observation, or a passed deadline, not yet followed by a GET status. */
export const needsReconciliation = (o: OrderState | undefined): Answer<boolean> => {
  const open = openFlags(o);
  return open.length === 0
    ? answer(false, 'nothing anomalous since the last status check')
    : answer(true, open.map((f) => `${f.flag}: ${f.reason}`).join('; '));
};

/** Can ship: paid, and nothing asks for reconciliation. */
export const canShip = (o: OrderState | undefined): Answer<boolean> => {
  const paid = isPaid(o);
  if (!paid.value) return answer(false, paid.reason);
  const rec = needsReconciliation(o);
  return rec.value ? answer(false, `paid, but reconcile first (${rec.reason})`) : answer(true, paid.reason);
};

/** Needs review: FDS challenged the capture; approve or deny it. */
export const needsReview = (o: OrderState | undefined): Answer<boolean> => {
  const a = latestAttempt(o);
  if (a === undefined) return answer(false, none(o));
  return a.status === 'capture' && a.fraud === 'challenge'
    ? answer(true, 'fraud_status challenge: approve or deny before settlement, or it is cancelled')
    : answer(false, `${a.status}${a.fraud !== null ? `/${a.fraud}` : ''} needs no review`);
};

/** The actions the machine allows on this attempt now. */
export const attemptActions = (a: AttemptState): readonly ActionName[] => actionsAt(a.pair);

/** The actions the machine allows now, on the order's latest attempt. */
export const allowedActions = (o: OrderState | undefined): readonly ActionName[] => {
  const a = latestAttempt(o);
  return a === undefined ? [] : attemptActions(a);
};

/** Can be cancelled: pending, authorize or capture (never after settlement). */
export const canCancel = (o: OrderState | undefined): Answer<boolean> => {
  const a = latestAttempt(o);
  if (a === undefined) return answer(false, none(o));
  return allowedActions(o).includes('cancel')
    ? answer(true, `${a.status} can be cancelled`)
    : answer(false, `${a.status} cannot be cancelled${a.status === 'settlement' ? ': refund instead' : ''}`);
};

const remainingOf = (a: AttemptState): Money => a.grossAmount - a.refunded - a.chargedBack;

/** What remains refundable now. */
export const refundableRemaining = (o: OrderState | undefined): Answer<Money> => {
  const a = latestAttempt(o);
  if (a === undefined) return answer(0, none(o));
  if (!allowedActions(o).includes('refund')) return answer(0, `${a.status} cannot be refunded${a.status === 'capture' ? ' before settlement: cancel instead' : ''}`);
  const r = remainingOf(a);
  return answer(r, `${displayAmount(a.grossAmount)} settled, ${displayAmount(a.refunded)} refunded: ${displayAmount(r)} remains`);
};

/** Can this amount (minor units) be refunded now? */
export const canRefund = (o: OrderState | undefined, amount: Money): Answer<boolean> => {
  const rem = refundableRemaining(o);
  if (!Number.isSafeInteger(amount) || amount <= 0) return answer(false, 'the amount must be a positive whole number of minor units');
  if (rem.value === 0) return answer(false, rem.reason);
  return amount <= rem.value
    ? answer(true, `${displayAmount(amount)} of the remaining ${displayAmount(rem.value)} can be refunded`)
    : answer(false, `${displayAmount(amount)} exceeds the remaining ${displayAmount(rem.value)}`);
};

/** The deadlines the order's latest attempt awaits. */
export const nextDeadlines = (o: OrderState | undefined): readonly Deadline[] => {
  const a = latestAttempt(o);
  return a === undefined ? [] : planDeadlines(a);
};

export interface PaymentAnswers {
  readonly paid: Answer<boolean>;
  readonly canShip: Answer<boolean>;
  readonly needsReview: Answer<boolean>;
  readonly canCancel: Answer<boolean>;
  readonly refundableRemaining: Answer<Money>;
  readonly needsReconciliation: Answer<boolean>;
  readonly allowedActions: readonly ActionName[];
  readonly deadlines: readonly Deadline[];
}

/** Every business answer at once. */
export const answersFor = (o: OrderState | undefined): PaymentAnswers => ({
  paid: isPaid(o),
  canShip: canShip(o),
  needsReview: needsReview(o),
  canCancel: canCancel(o),
  refundableRemaining: refundableRemaining(o),
  needsReconciliation: needsReconciliation(o),
  allowedActions: allowedActions(o),
  deadlines: nextDeadlines(o),
});
