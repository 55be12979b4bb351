/**
 * @paystate/adapters/testing — for the host's own tests: the event store contract suite (run it
 * against your own EventStore under jest or vitest with globals), and Midtrans card payloads
 * signed with the same code that verifies them.
 */
export { describeEventStoreContract } from './store/eventStore.contract';
export {
  cardOrder,
  chargeRequest,
  chargeResponse,
  notificationPayload,
  notificationBody,
  LEGAL_HISTORY,
} from './midtrans/fixtures';
export type { CardOrder, NotifiedStatus } from './midtrans/fixtures';
export type { NotificationPayload } from './midtrans/fixtures';
export type { ContractOptions, StoreUnderTest } from './store/eventStore.contract';
export type { RawObservation } from './ingest/index';
// The store contract's types, which the suite's options name.
export type * from './store/eventStore';
export type { OlderSchemaHarness } from './store/eventStore.contract';
export type { SignedStrings } from './midtrans/fixtures';
export type { RejectionLogLimits } from './store/shared/rejectionLogLimits';
