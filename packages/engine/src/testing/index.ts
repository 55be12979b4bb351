/**
 * @paystate/engine/testing — helpers for the host's own tests: a given/when/then decider
 * specification, observation builders, and fast-check arbitraries of payment histories.
 */
export { given, foldAll } from './given';
export type { Expectation, Specified } from './given';
export { paymentFixture } from './fixtures';
export type { PaymentFixture, PaymentFixtureOptions, ReportExtras } from './fixtures';
export { arbAttemptHistory, arbNoisyDelivery, arbHistoryAndDelivery, arbLateRefundAnswers, arbWildObservation, harmlessNoise } from './arbitraries';
export type { AttemptHistory, HistoryOptions, HistoryState } from './arbitraries';

// The engine's own types these helpers take and give, so a test needs only this entry.
export type {
  ActionName,
  ActionRequest,
  Decision,
  Flag,
  FraudStatus,
  Money,
  Observation,
  OrderState,
  Outcome,
  Pair,
  RefundEntry,
  StatusReport,
  TransactionStatus,
} from '../index';
