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

// The engine's types (and the two tables some of them are read from), so a test needs only this entry.
export type * from '../index';
export { FLAGS, OUTCOMES } from '../index';
