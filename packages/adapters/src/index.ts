/**
 * @paystate/adapters — the edges of paystate: Midtrans wire format and signatures, event stores,
 * the ingestion service and embedding API, replay.
 */

// Midtrans wire format
export {
  signNotification,
  signatureKey,
  verifySignature,
  parseReplayLine,
  toObservation,
  renderDecodeError,
  renderDecodeErrors,
} from './midtrans/index';
export type { SignatureError, SignedFields, MappingOptions, DecodeError } from './midtrans/index';

// event stores
export {
  getInMemoryEventStore,
  getSqliteEventStore,
  getPostgresEventStore,
  openStore,
  parseStoreUrl,
  formatStoreError,
  ACCEPTED_STORE_URLS,
  LATEST_SCHEMA_VERSION,
} from './store/index';
export type { EventStore, StoredEvent, NewEvent, StoreError, AppendResult, ExpectedVersion } from './store/index';

// ingestion and the embedding API
export {
  createPaystate,
  openPaystate,
  createIngestor,
  subscribe,
  businessChanges,
  BUSINESS_CHANGES,
  createPaymentsProjection,
  rebuildPayments,
  fingerprintOf,
} from './ingest/index';
export type {
  Paystate,
  PaystateOptions,
  Payment,
  Ingestor,
  IngestResult,
  IngestError,
  RawObservation,
  BusinessChange,
  BusinessChangeKind,
  SubscribeOptions,
  Subscription,
  PaymentsProjection,
  PaymentRow,
} from './ingest/index';

// replay
export { readReplayInput, replayLines, renderTable, summarizeOrder } from './replay/index';
export type { ReplayReport, ReplayEvent, OrderSummary } from './replay/index';
