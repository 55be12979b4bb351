/**
 * @paystate/adapters — the edges of paystate: the Midtrans wire format and signatures, the event
 * store contract and its in-memory store, the ingestion service and embedding API, the webhook
 * for `node:http`, the Core API client, reconciliation and replay.
 *
 * This entry loads no database driver and no web framework. The stores and framework handlers
 * are entries of their own: `@paystate/adapters/sqlite`, `/postgres`, `/express`, `/fastify`;
 * test helpers are in `/testing`.
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
export { getInMemoryEventStore, formatStoreError, invalidArgument, redact, LATEST_SCHEMA_VERSION } from './store/index';
export type {
  EventStore,
  StoredEvent,
  StoredRejection,
  NewEvent,
  StoreError,
  AppendOp,
  AppendResult,
  ExpectedVersion,
} from './store/index';

// ingestion and the embedding API
export {
  createPaystate,
  createIngestor,
  subscribe,
  createPaymentsProjection,
  rebuildPayments,
  fingerprintOf,
  foldStream,
  streamIdOf,
  OBSERVATION_EVENT,
} from './ingest/index';
export type {
  Paystate,
  PaystateOptions,
  Payment,
  Ingestor,
  IngestResult,
  IngestError,
  RawObservation,
  StoredObservation,
  BusinessChange,
  SubscribeOptions,
  Subscription,
  PaymentsProjection,
  PaymentRow,
} from './ingest/index';

// replay
export { readReplayInput, replayLines, renderTable, eventEntry } from './replay/index';
export type { ReplayReport, ReplayEvent } from './replay/index';

// the webhook on node:http
export {
  createWebhookHandler,
  createPaystateServer,
  listen,
  stopServer,
  httpAnswer,
  DEFAULT_MAX_BODY_BYTES,
} from './http/index';
export type { WebhookOptions, RequestLogEntry } from './http/index';

// the Core API client and reconciliation
export { createCoreApiClient, renderCoreApiError, SANDBOX_BASE_URL, PRODUCTION_BASE_URL } from './coreApi/index';
export type { CoreApiClient, CoreApiClientOptions, CoreApiError, CoreApiAnswer, CoreApiResult } from './coreApi/index';
export { createReconciler } from './reconcile/index';
export type { Reconciler, ReconcilerOptions, ReconcileReport } from './reconcile/index';
