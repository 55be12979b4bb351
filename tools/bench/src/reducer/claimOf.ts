/** What a statement claims about an attempt, its money checked and merged (DOMAIN §5, §7). */
import { displayAmount, type Money, type RefundEntry, type StatusReport, type TransactionStatus } from '@paystate/engine';
import { rejectedIn, type Judgement } from './judgement';
import type { ReducerAttempt, ReducerState, Verdict } from './reducerState';

/** What a statement claims about the attempt, money merged. */
export interface Claim {
  readonly status: TransactionStatus;
  readonly fraud: Verdict;
  readonly gross: Money;
  readonly refunded: Money;
  readonly refunds: Readonly<Record<string, Money>>;
  readonly chargedBack: Money;
  /** The amounts the statement itself gives, where it gives them. */
  readonly ownRefunded: Money | undefined;
  readonly ownChargedBack: Money | undefined;
  /** Payload times, when the claim carries any. */
  readonly report: StatusReport | undefined;
  /** Pairs the answer proves were passed on the way (a precondition, a partial capture). */
  readonly via?: readonly number[];
}

export const sameClaim = (a: ReducerAttempt, status: TransactionStatus, fraud: Verdict, ownRefunded?: Money): Claim => ({
  status,
  fraud,
  gross: a.grossAmount,
  refunded: a.refunded,
  refunds: a.refunds,
  chargedBack: a.chargedBack,
  ownRefunded,
  ownChargedBack: undefined,
  report: undefined,
});

const withRefunds = (known: Readonly<Record<string, Money>>, list: readonly RefundEntry[] | undefined): Readonly<Record<string, Money>> => {
  if (list === undefined) return known;
  let merged: Record<string, Money> | undefined;
  for (const e of list) {
    const key = e.key !== undefined ? e.key : e.id !== undefined ? `#${e.id}` : undefined;
    if (key === undefined || known[key] !== undefined || (merged !== undefined && merged[key] !== undefined)) continue;
    merged = { ...(merged ?? known), [key]: e.amount };
  }
  return merged ?? known;
};

export const total = (r: Readonly<Record<string, Money>>): Money => {
  let sum = 0;
  for (const k in r) sum += r[k]!;
  return sum;
};

/** DOMAIN §5, §7: a report's statement with the attempt's money merged in, or why it is inconsistent. */
export const claimOf = (o: ReducerState | undefined, a: ReducerAttempt, r: StatusReport): Claim | Judgement => {
  const gross = a.grossAmount;
  const bad = (reason: string) => rejectedIn(o, a.transactionId, 'inconsistent_amounts', reason);
  const stated = r.refundAmount;
  switch (r.status) {
    case 'refund':
      if (stated !== undefined && stated !== gross)
        return bad(`refund states refund_amount ${displayAmount(stated)}, but a full refund is ${displayAmount(gross)}`);
      break;
    case 'partial_refund':
      if (stated !== undefined && stated >= gross)
        return bad(`partial_refund states refund_amount ${displayAmount(stated)}, not below gross_amount ${displayAmount(gross)}`);
      break;
    default:
      if (stated !== undefined && stated > gross)
        return bad(`refund_amount ${displayAmount(stated)} is more than gross_amount ${displayAmount(gross)}`);
  }
  const refunds = withRefunds(a.refunds, r.refunds);
  let ownRefunded: Money | undefined;
  let refunded: Money;
  if (r.status === 'refund') {
    ownRefunded = gross;
    refunded = gross;
  } else {
    ownRefunded = stated;
    if (ownRefunded === undefined && r.refunds !== undefined) {
      ownRefunded = 0;
      for (const e of r.refunds) ownRefunded += e.amount;
    }
    // the known refunds never add up to more than `a.refunded`, so only new entries need a sum
    refunded = Math.max(a.refunded, ownRefunded ?? 0, refunds === a.refunds ? 0 : total(refunds));
  }
  const ownChargedBack = r.chargebackAmount !== undefined ? r.chargebackAmount : r.status === 'chargeback' ? gross - refunded : undefined;
  const chargedBack = Math.max(a.chargedBack, ownChargedBack ?? 0);
  return {
    // partial refunds that add up to the whole amount are a refund
    status: r.status === 'partial_refund' && refunded > 0 && refunded === gross ? 'refund' : r.status,
    fraud: r.fraud ?? a.fraud,
    gross,
    refunded,
    refunds,
    chargedBack,
    ownRefunded,
    ownChargedBack,
    report: r,
  };
};
