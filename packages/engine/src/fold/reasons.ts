/**
 * Why a decision was taken, as data: a reason code and the details its text is rendered from
 * (`render.ts`). The deciders build these; they never write text.
 */
import type { ActionName } from '../actions';
import type { Pair } from '../compiled';
import type { Money } from '../money';
import type { ApiError, ObservationKind } from '../observation';
import type { FraudStatus, TransactionStatus } from '../status';

/** What stated the state being judged, as reasons name it. */
export type Subject =
  | { readonly kind: 'notification' | 'status_response' | 'charge_response' }
  /** A charge response that opens a new attempt after a retryable ending. */
  | { readonly kind: 'retry'; readonly after: TransactionStatus }
  /** An action's answer; `refundAgain` names a refund_key already known. */
  | { readonly kind: 'action_response'; readonly action: ActionName; readonly refundAgain: string | undefined };

/** Where an attempt is, with its money. */
export interface Place {
  readonly pair: Pair;
  readonly refunded: Money;
  readonly chargedBack: Money;
}

/** The money a claimed state carries. */
export interface Amounts {
  readonly refunded: Money;
  readonly chargedBack: Money;
}

/** The status code Midtrans answered with, where an action was refused; undefined otherwise. */
type Answered = string | undefined;

export type Reason =
  | { readonly code: 'invalid_input'; readonly text: string }
  | { readonly code: 'stream_opened'; readonly orderId: string; readonly amount: Money }
  | { readonly code: 'same_state'; readonly case: 'charge_request'; readonly amount: Money }
  | { readonly code: 'same_state'; readonly case: 'report'; readonly subject: Subject; readonly at: Place }
  | { readonly code: 'transition'; readonly case: 'requested_amount'; readonly amount: Money }
  | { readonly code: 'transition'; readonly case: 'retry_request'; readonly after: TransactionStatus; readonly amount: Money }
  /** `steps`: the pairs after `from`, the last one reached. */
  | { readonly code: 'transition'; readonly case: 'move'; readonly from: Pair; readonly steps: readonly Pair[]; readonly money: Amounts; readonly inferred: readonly Pair[] }
  | {
      readonly code: 'transition';
      readonly case: 'history_money';
      readonly subject: Subject;
      readonly stated: Pair;
      readonly from: Pair;
      readonly to: Pair;
      readonly money: Amounts;
      readonly inferred: readonly Pair[];
    }
  | { readonly code: 'attempt_opened' | 'retry_opened'; readonly subject: Subject; readonly transactionId: string; readonly at: Pair; readonly inferred: readonly Pair[] }
  | { readonly code: 'behind_current'; readonly case: 'older_amount'; readonly subject: Subject; readonly at: Place }
  | { readonly code: 'behind_current'; readonly case: 'history'; readonly subject: Subject; readonly stated: Pair; readonly at: Place }
  | {
      readonly code: 'no_legal_path';
      readonly case: 'unreachable';
      readonly subject: Subject;
      readonly stated: Pair;
      readonly money: Amounts;
      readonly at: Place;
      readonly origin: Pair;
    }
  | { readonly code: 'no_legal_path'; readonly case: 'cannot_open'; readonly subject: Subject; readonly stated: Pair }
  /** fraud_status deny with a transaction_status other than deny: not a Midtrans state. */
  | { readonly code: 'no_legal_path'; readonly case: 'fraud_deny'; readonly subject: Subject; readonly stated: Pair }
  | { readonly code: 'not_authoritative'; readonly status: TransactionStatus | undefined }
  | { readonly code: 'charge_refused' | 'status_error'; readonly error: ApiError }
  | { readonly code: 'action_refused'; readonly action: ActionName; readonly error: ApiError }
  | { readonly code: 'action_declined'; readonly action: ActionName; readonly status: TransactionStatus }
  | { readonly code: 'action_not_allowed'; readonly case: 'no_attempt'; readonly action: ActionName; readonly orderId: string }
  /** `visited`: the attempt's path as a pair set. */
  | { readonly code: 'action_not_allowed'; readonly case: 'never_allowed'; readonly action: ActionName; readonly visited: number; readonly answered: Answered }
  | {
      readonly code: 'unexpected_action_result';
      readonly action: ActionName;
      readonly statusCode: string;
      readonly status: TransactionStatus;
      readonly fraud: FraudStatus | undefined;
      readonly documented: readonly TransactionStatus[];
    }
  | { readonly code: 'refund_key_reused'; readonly key: string; readonly usedFor: Money; readonly amount: Money; readonly answered: Answered }
  | { readonly code: 'refund_exceeds_remaining'; readonly case: 'ever_refundable'; readonly amount: Money; readonly gross: Money; readonly answered: string }
  | { readonly code: 'refund_exceeds_remaining'; readonly case: 'remaining'; readonly amount: Money; readonly remaining: Money }
  /** A refund answered late that the refunds known by key leave no room for, at any point. */
  | { readonly code: 'refund_exceeds_remaining'; readonly case: 'never_fits'; readonly amount: Money; readonly refundable: Money }
  | { readonly code: 'capture_exceeds_authorized'; readonly amount: Money; readonly authorized: Money; readonly answered: Answered }
  | { readonly code: 'inconsistent_amounts'; readonly case: 'refund_above_gross' | 'partial_not_below_gross' | 'full_below_gross'; readonly refund: Money; readonly gross: Money }
  | { readonly code: 'inconsistent_amounts'; readonly case: 'opening_overdrawn'; readonly subject: Subject; readonly gross: Money }
  | { readonly code: 'inconsistent_amounts'; readonly case: 'partial_refund_in_full'; readonly subject: Subject; readonly refunded: Money; readonly gross: Money }
  | { readonly code: 'active_attempt'; readonly case: 'charge_request'; readonly activeId: string; readonly status: TransactionStatus }
  | { readonly code: 'active_attempt'; readonly case: 'new_transaction'; readonly transactionId: string; readonly activeId: string; readonly status: TransactionStatus }
  | { readonly code: 'deadline_passed'; readonly deadline: string; readonly why: string; readonly status: TransactionStatus }
  | { readonly code: 'deadline_moot'; readonly deadline: string; readonly why: string }
  | { readonly code: 'unknown_order'; readonly orderId: string }
  | { readonly code: 'no_order'; readonly case: 'charge_response' }
  | { readonly code: 'no_order'; readonly case: 'unknown'; readonly kind: ObservationKind }
  | { readonly code: 'unknown_transaction'; readonly transactionId: string; readonly orderId: string }
  | { readonly code: 'amount_mismatch'; readonly case: 'charge_request'; readonly stated: Money; readonly requested: Money }
  | { readonly code: 'amount_mismatch'; readonly case: 'attempt'; readonly stated: Money; readonly expected: Money }
  | { readonly code: 'amount_mismatch'; readonly case: 'capture_answer'; readonly stated: Money }
  /** Confirm mode: the notification claims a state the GET status answer folded just before it does not confirm. */
  | { readonly code: 'contradicted_by_status'; readonly stated: Pair; readonly money: Amounts; readonly at: Place | undefined }
  | {
      readonly code: 'status_code_mismatch';
      readonly statusCode: string;
      readonly status: TransactionStatus;
      readonly fraud: FraudStatus | null;
      readonly expected: readonly string[];
    };

/** Machine-readable reason of a decision; `reason` says the same for people. */
export type ReasonCode =
  | 'stream_opened'
  | 'attempt_opened'
  | 'retry_opened'
  | 'transition'
  | 'same_state'
  | 'behind_current'
  | 'no_legal_path'
  | 'not_authoritative'
  | 'charge_refused'
  | 'status_error'
  | 'action_refused'
  | 'action_declined'
  | 'action_not_allowed'
  | 'unexpected_action_result'
  | 'refund_key_reused'
  | 'refund_exceeds_remaining'
  | 'capture_exceeds_authorized'
  | 'inconsistent_amounts'
  | 'active_attempt'
  | 'deadline_passed'
  | 'deadline_moot'
  | 'invalid_input'
  | 'unknown_order'
  | 'no_order'
  | 'unknown_transaction'
  | 'amount_mismatch'
  | 'status_code_mismatch'
  | 'contradicted_by_status';

// Every code has the details of at least one reason, and no reason has a code not listed above.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type EveryCodeHasDetails = Holds<Same<ReasonCode, Reason['code']>>;
