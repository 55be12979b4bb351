/**
 * The folded state of one order (a stream) and its attempts (one per Midtrans transaction_id).
 */
import type { Pair } from './compiled';
import type { Money } from './money';
import type { FraudStatus, TransactionStatus } from './status';

export const OUTCOMES = ['applied', 'duplicate', 'ignored', 'stale', 'illegal', 'rejected'] as const;
/** Every observation gets exactly one (DOMAIN §4). */
export type Outcome = (typeof OUTCOMES)[number];

export const FLAGS = ['illegal_observation', 'reversal', 'rejected_input', 'action_refused', 'deadline_passed'] as const;
/** A flag asks for reconciliation; it never changes money state. */
export type Flag = (typeof FLAGS)[number];

export interface FlagRecord {
  readonly flag: Flag;
  /** The stream position (0-based) of the observation that raised it. */
  readonly at: number;
  readonly reason: string;
}

export interface StatusPair {
  readonly transaction_status: TransactionStatus;
  readonly fraud_status: FraudStatus | null;
}

export interface AttemptState {
  readonly transactionId: string;
  readonly status: TransactionStatus;
  readonly fraud: FraudStatus | null;
  readonly pair: Pair;
  /** Where stale history starts: the first observed pair, or the start when the path to it was inferred. */
  readonly origin: Pair;
  /** The set of pairs on the attempt's path (observed or inferred), as bits of an integer below 2^52. */
  readonly visited: number;
  /** The amount charged or authorized. */
  readonly authorizedAmount: Money;
  /** The amount that counts now: after a partial capture, the captured amount. */
  readonly grossAmount: Money;
  /** Cumulative refunded. */
  readonly refunded: Money;
  /** Known refunds by refund_key (or Midtrans refund id). */
  readonly refunds: Readonly<Record<string, Money>>;
  /** Cumulative charged back. */
  readonly chargedBack: Money;
  readonly transactionTime?: string;
  readonly expiryTime?: string;
  readonly settlementTime?: string;
}

export interface OrderState {
  readonly orderId: string;
  /** How many observations the stream holds. */
  readonly version: number;
  /** The amount of the latest charge request, which the next opening charge must match. */
  readonly requestedAmount?: Money;
  /** Oldest first; the order's view is the latest. */
  readonly attempts: readonly AttemptState[];
  readonly flags: readonly FlagRecord[];
  /** Stream position of the latest status response that was folded without objection: flags raised before it are reconciled. */
  readonly reconciledAt?: number;
}

export const latestAttempt = (o: OrderState | undefined): AttemptState | undefined =>
  o === undefined ? undefined : o.attempts[o.attempts.length - 1];

/** The order-level view: the latest attempt's pair, or nulls. */
export const orderView = (o: OrderState | undefined): { transaction_status: TransactionStatus | null; fraud_status: FraudStatus | null } => {
  const a = latestAttempt(o);
  return { transaction_status: a?.status ?? null, fraud_status: a?.fraud ?? null };
};

export const hasFlag = (o: OrderState, f: Flag): boolean => o.flags.some((r) => r.flag === f);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Builds an order with a fixed property order (one object shape on the hot path). */
export const makeOrder = (
  orderId: string,
  version: number,
  attempts: readonly AttemptState[],
  flags: readonly FlagRecord[],
  requestedAmount: Money | undefined,
  reconciledAt: number | undefined,
): OrderState => {
  const o: Mutable<OrderState> = { orderId, version, attempts, flags };
  if (requestedAmount !== undefined) o.requestedAmount = requestedAmount;
  if (reconciledAt !== undefined) o.reconciledAt = reconciledAt;
  return o;
};

/** An attempt with its fields replaced where given; built with a fixed property order. */
export const withAttempt = (
  a: AttemptState,
  x: Pick<AttemptState, 'status' | 'fraud' | 'pair' | 'visited' | 'grossAmount' | 'refunded' | 'refunds' | 'chargedBack'>,
  times: Partial<Pick<AttemptState, 'transactionTime' | 'expiryTime' | 'settlementTime'>>,
): AttemptState => {
  const out: Mutable<AttemptState> = {
    transactionId: a.transactionId,
    status: x.status,
    fraud: x.fraud,
    pair: x.pair,
    origin: a.origin,
    visited: x.visited,
    authorizedAmount: a.authorizedAmount,
    grossAmount: x.grossAmount,
    refunded: x.refunded,
    refunds: x.refunds,
    chargedBack: x.chargedBack,
  };
  const t = times.transactionTime ?? a.transactionTime;
  const e = times.expiryTime ?? a.expiryTime;
  const s = times.settlementTime ?? a.settlementTime;
  if (t !== undefined) out.transactionTime = t;
  if (e !== undefined) out.expiryTime = e;
  if (s !== undefined) out.settlementTime = s;
  return out;
};
