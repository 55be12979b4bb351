/**
 * A local Midtrans sandbox for card payments: the Core API subset paystate uses, the sandbox test
 * cards, a 3DS page, signed notifications with Midtrans' retry policy and seeded chaos, and a clock
 * that tests advance.
 */
export { startSimulator } from './server';
export type { RunningSimulator, StartSimulatorOptions } from './server';
export { createSimulation } from './simulation';
export type { Simulation, SimulationOptions } from './simulation';
export { errorReply } from './replies';
export type { ApiReply, Json } from './replies';
export { notificationStatusCode, statusAnswerCode } from './statement';
export type { SimTruth } from './statement';
export { settlementAfter } from './clock';
export { retriesAfter, RETRY_SCHEDULE_MS } from './deliveries';
export type { Delivery, DeliveryRecord, DeliveryResult, SimRefund, SimTransaction } from './state';
export type { ThreeDsView } from './requests';
export { cardToken, completeThreeDs, savedCardToken } from './customer';
export type { CardDetails } from './customer';
export { route } from './routes';
export type { SimControls, SimRequest, SimResponse } from './routes';
export { SANDBOX_OTP, TEST_CARDS, cardFor, luhnValid, maskCard, normalizeCardNumber } from './cards';
export type { CardBrand, CardOutcome, TestCard } from './cards';
export { CHAOS_KINDS, createRng, parseChaos } from './chaos';
export type { ChaosKind, Rng } from './chaos';
export { FRAUD_STATUSES, TRANSACTION_STATUSES } from './status';
export type { FraudStatus, TransactionStatus } from './status';
export type { Money } from './money';
export type { Either, Left, Right, TaskEither } from './either';
export type { RouteOptions } from './routes';
export type { CardInput } from './cards';
export type { SavedToken } from './state';
