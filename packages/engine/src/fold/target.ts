/**
 * The state a report claims for an attempt, with its money merged into what the attempt already
 * knows: the `Target` the judge weighs against the attempt.
 */
import { pairOf, type Pair } from '../compiled';
import type { Money } from '../money';
import type { RefundEntry, StatusReport } from '../observation';
import type { AttemptState, OrderState } from '../state';
import { rejected, type Decision } from './decision';

/** A status report turned into the attempt state it claims, with money merged. */
export interface Target {
  readonly pair: Pair;
  readonly gross: Money;
  readonly refunded: Money;
  readonly refunds: Readonly<Record<string, Money>>;
  readonly chargedBack: Money;
  /** The report's own amounts, where it states them (a stale report states smaller ones). */
  readonly ownRefunded: Money | undefined;
  readonly ownChargedBack: Money | undefined;
  readonly times: Pick<AttemptState, 'transactionTime' | 'expiryTime' | 'settlementTime'>;
  /** Pairs the way to `pair` passes through, in order, where the observation proves them (a precondition). */
  readonly via?: readonly Pair[];
}

/** A value, or the decision that ends deciding. */
export type Check<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly decision: Decision };
const pass = <A>(value: A): Check<A> => ({ ok: true, value });
const fail = <A>(decision: Decision): Check<A> => ({ ok: false, decision });

const mergeRefunds = (known: Readonly<Record<string, Money>>, entries: readonly RefundEntry[] | undefined) => {
  if (entries === undefined || entries.length === 0) return known;
  let out: Record<string, Money> | undefined;
  for (const r of entries) {
    const key = r.key ?? (r.id !== undefined ? `#${r.id}` : undefined);
    if (key === undefined || known[key] !== undefined || out?.[key] !== undefined) continue;
    out ??= { ...known };
    out[key] = r.amount;
  }
  return out ?? known;
};

const sumOf = (r: Readonly<Record<string, Money>>): Money => {
  let s = 0;
  for (const k in r) s += r[k]!;
  return s;
};

/**
 * The amount a report must carry, whatever its status: the attempt's amount, which is the
 * authorized one until a partial capture makes it the captured one (a late pending included).
 */
export const expectedGross = (a: AttemptState): Money => a.grossAmount;

const NO_TIMES: Target['times'] = {};

/** The report's times where it states them, else the attempt's. */
export const timesOf = (a: Partial<AttemptState> | undefined, r: StatusReport): Target['times'] => {
  const t = r.transactionTime ?? a?.transactionTime;
  const x = r.expiryTime ?? a?.expiryTime;
  const s = r.settlementTime ?? a?.settlementTime;
  if (t === a?.transactionTime && x === a?.expiryTime && s === a?.settlementTime) return NO_TIMES;
  const out: { -readonly [K in keyof Target['times']]: Target['times'][K] } = {};
  if (t !== undefined) out.transactionTime = t;
  if (x !== undefined) out.expiryTime = x;
  if (s !== undefined) out.settlementTime = s;
  return out;
};

/** A report's claimed state with money merged (notifications, status and charge responses). */
export const reportTarget = (o: OrderState, a: AttemptState, r: StatusReport): Check<Target> => {
  const gross = a.grossAmount;
  const refund = r.refundAmount;
  if (refund !== undefined) {
    const bad =
      refund > gross
        ? 'refund_above_gross'
        : r.status === 'partial_refund' && refund >= gross
          ? 'partial_not_below_gross'
          : r.status === 'refund' && refund < gross
            ? 'full_below_gross'
            : undefined;
    if (bad !== undefined) return fail(rejected(o, o.orderId, a.transactionId, { code: 'inconsistent_amounts', case: bad, refund, gross }));
  }
  const refunds = mergeRefunds(a.refunds, r.refunds);
  const listed = sumOf(refunds);
  const ownRefunded =
    r.status === 'refund' ? gross : r.refundAmount ?? (r.refunds !== undefined ? r.refunds.reduce((s, e) => s + e.amount, 0) : undefined);
  const refunded = r.status === 'refund' ? gross : Math.max(a.refunded, ownRefunded ?? 0, listed);
  const ownChargedBack = r.chargebackAmount ?? (r.status === 'chargeback' ? gross - refunded : undefined);
  const chargedBack = Math.max(a.chargedBack, ownChargedBack ?? 0);
  // Partial refunds that add up to the whole amount are a refund.
  const status = r.status === 'partial_refund' && refunded > 0 && refunded === gross ? 'refund' : r.status;
  return pass({
    pair: pairOf(status, r.fraud ?? a.fraud),
    gross,
    refunded,
    refunds,
    chargedBack,
    ownRefunded,
    ownChargedBack,
    times: timesOf(a, r),
  });
};

/** The attempt's own state as a target (an answer that restates it). */
export const sameTarget = (a: AttemptState): Target => ({
  pair: a.pair,
  gross: a.grossAmount,
  refunded: a.refunded,
  refunds: a.refunds,
  chargedBack: a.chargedBack,
  ownRefunded: undefined,
  ownChargedBack: undefined,
  times: {},
});
