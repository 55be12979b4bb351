/** The reducer's state of one order: its attempts, flags and money, and what one step returns. */
import type { Flag, FraudStatus, Money, Outcome, TransactionStatus } from '@paystate/engine';

export type Tx = TransactionStatus | 'start';
export type Verdict = FraudStatus | null;

export interface ReducerAttempt {
  readonly transactionId: string;
  readonly status: TransactionStatus;
  readonly fraud: Verdict;
  /** Where stale history starts: the first observed pair, or `start` when the way to it was inferred. */
  readonly originStatus: Tx;
  readonly originFraud: Verdict;
  /** The transaction statuses on the attempt's path (observed or inferred), one bit each. */
  readonly seen: number;
  /** capture/challenge lay on the path (approve and deny were allowed). */
  readonly challengeSeen: boolean;
  readonly authorizedAmount: Money;
  /** After a partial capture: the captured amount. */
  readonly grossAmount: Money;
  readonly refunded: Money;
  /** Known refunds by refund_key (or `#` + Midtrans refund id). */
  readonly refunds: Readonly<Record<string, Money>>;
  readonly chargedBack: Money;
  /** Payload times as sent (GMT+7), the latest known. */
  readonly transactionTime: string | undefined;
  readonly expiryTime: string | undefined;
  readonly settlementTime: string | undefined;
}

export interface ReducerFlag {
  readonly flag: Flag;
  readonly at: number;
  readonly reason: string;
}

export interface ReducerState {
  readonly orderId: string;
  /** Observations held by the stream (rejected ones are not). */
  readonly version: number;
  /** The amount of the latest charge request, which the next opening charge must match. */
  readonly requestedAmount: Money | undefined;
  readonly attempts: readonly ReducerAttempt[];
  readonly flags: readonly ReducerFlag[];
  /** Stream position of the latest status response folded without objection. */
  readonly reconciledAt: number | undefined;
}

export interface Reduced {
  readonly state: ReducerState | undefined;
  readonly outcome: Outcome;
  readonly code: string;
  readonly reason: string;
  /** The attempt the observation concerned, when one was found or opened. */
  readonly transactionId: string | undefined;
}
