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

// the webhook
export { createWebhookHandler, expressWebhook, fastifyWebhook, createPaystateServer, httpAnswer, DEFAULT_MAX_BODY_BYTES } from './http/index';

// the Core API client, the sandbox simulator and reconciliation
export { createCoreApiClient, renderCoreApiError, SANDBOX_BASE_URL, PRODUCTION_BASE_URL } from './coreApi/index';
export type { CoreApiClient, CoreApiClientOptions, CoreApiError, CoreApiAnswer } from './coreApi/index';
export { startSimulator, cardToken, completeThreeDs, TEST_CARDS } from './simulator/index';
export type { RunningSimulator, StartSimulatorOptions } from './simulator/index';
export { createReconciler } from './reconcile/index';
export type { Reconciler, ReconcilerOptions, ReconcileReport } from './reconcile/index';
