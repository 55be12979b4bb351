/**
 * @paystate/engine — the pure heart of paystate: the Midtrans status machines, the classifying
 * fold, business answers and changes, the payment summary and the deadline planner. No I/O, no
 * clock.
 */

// vocabulary
export {
  TRANSACTION_STATUSES,
  FRAUD_STATUSES,
  OPENING_STATUSES,
  RETRYABLE_ENDINGS,
  START,
  isTransactionStatus,
  isFraudStatus,
  notificationStatusCodes,
} from './status';
export type { TransactionStatus, FraudStatus, Start } from './status';
export { ACTION_NAMES, isActionName } from './actions';
export type { ActionName } from './actions';
export { parseAmount, amountMinor, NOT_AN_AMOUNT, AMOUNT_TOO_LARGE, fromUnits, formatAmount, displayAmount, MINOR_PER_UNIT } from './money';
export type { Money } from './money';

// machines and their compiled form
export { transactionStatusMachine, fraudStatusMachine } from './machines';
export type { TransactionEvent, FraudEvent, StateMeta, StateActions } from './machines';
export { TRANSACTION_EDGES, FRAUD_EDGES, SOURCES } from './transitionTable';
export type { TransactionEdge, FraudEdge, SourceId, TransactionGuard, FraudGuard } from './transitionTable';

// observations, state and the fold
export { NOTIFICATION_MODES, OBSERVATION_KINDS, reportOf, errorOf, transactionIdOf } from './observation';
export type {
  ObservationKind,
  Observation,
  StatusReport,
  ApiError,
  Reply,
  RefundEntry,
  ChargeRequest,
  ChargeResponse,
  Notification,
  NotificationMode,
  StatusResponse,
  ActionRequest,
  ActionResponse,
  Callback3ds,
  DeadlinePassed,
  Invalid,
  ObservationBase,
} from './observation';
export { OUTCOMES, FLAGS, latestAttempt, orderView, hasFlag } from './state';
export type { Outcome, Flag, FlagRecord, StatusPair, AttemptState, OrderState } from './state';
/** The in-memory encoding of an attempt's (transaction_status, fraud_status) pair; never stored. */
export type { Pair } from './compiled';
export { decide, evolve, inStream, step, replay } from './fold';
export type { Decision, DecidedObservation, Effect, ReasonCode } from './fold';
export { encodeDecision, decodeDecision } from './storedDecision';
export type { StoredDecision, StoredEffect, StoredAttempt } from './storedDecision';
export { createLedger } from './ledger';
export type { Ledger, LedgerEntry } from './ledger';

// answers and time
export {
  isPaid,
  canShip,
  needsReview,
  canCancel,
  canRefund,
  refundableRemaining,
  needsReconciliation,
  allowedActions,
  attemptActions,
  nextDeadlines,
  openFlags,
  answersFor,
} from './answers';
export type { Answer, PaymentAnswers } from './answers';
export { businessChanges, BUSINESS_CHANGES } from './businessChanges';
export type { BusinessChangeKind } from './businessChanges';
export { summarizeOrder } from './orderSummary';
export type { OrderSummary, AttemptSummary } from './orderSummary';
export { planDeadlines, parseMidtransTime, formatMidtransTime, DEADLINE_KINDS } from './deadlines';
export type { Deadline, DeadlineKind } from './deadlines';

// diagrams
export { DIAGRAM_MACHINES, machineEdges, toMermaid, toDot, transitionTableMarkdown, statesTableMarkdown } from './diagram';
export type { DotHighlight, DotOptions } from './diagram';
export type { DiagramEdge, CitedEdge, DiagramMachine } from './diagram';
