/**
 * A local Midtrans sandbox for card payments: the Core API subset paystate uses, the sandbox test
 * cards, a 3DS page, signed notifications with Midtrans' retry policy and seeded chaos, and a clock
 * that tests advance.
 */
export { startSimulator } from './server';
export type { RunningSimulator, StartSimulatorOptions } from './server';
export {
  createSimulation,
  errorReply,
  notificationStatusCode,
  retriesAfter,
  settlementAfter,
  statusAnswerCode,
  RETRY_SCHEDULE_MS,
} from './model';
export type {
  ApiReply,
  Delivery,
  DeliveryRecord,
  DeliveryResult,
  SimRefund,
  SimTransaction,
  SimTruth,
  Simulation,
  SimulationOptions,
  ThreeDsView,
} from './model';
export { cardToken, completeThreeDs } from './customer';
export type { CardDetails } from './customer';
export { route } from './routes';
export type { SimControls, SimRequest, SimResponse } from './routes';
export { SANDBOX_OTP, TEST_CARDS, cardFor, luhnValid, maskCard, normalizeCardNumber } from './cards';
export type { CardBrand, CardOutcome, TestCard } from './cards';
export { CHAOS_KINDS, createRng, parseChaos } from './chaos';
export type { ChaosKind, Rng } from './chaos';
