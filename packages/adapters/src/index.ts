/**
 * @paystate/adapters — the edges of paystate: the embedding API (with Promises, or with fp-ts),
 * the Midtrans wire format and signatures, the event store contract and its in-memory store, the
 * webhook for `node:http`, the Core API client, reconciliation and replay.
 *
 * This entry loads no database driver and no web framework (a test requires it and checks). The
 * stores and framework handlers are entries of their own: `@paystate/adapters/sqlite`,
 * `/postgres`, `/express`, `/fastify`, `/fetch`; Prometheus metrics (prom-client) are `/metrics`;
 * test helpers are in `/testing`.
 *
 * Every export is listed by name: what is not here is not public API.
 */

// -------------------------------------------------------------------------------------------------
// The embedding API with Promises (no fp-ts needed): failures reject with a PaystateError
// -------------------------------------------------------------------------------------------------

export { createPaystateAsync } from './plain/index';
export type { PaystateAsync, PaystateApi } from './plain/index';
export { PaystateError } from './plain/index';
export type { PaystateErrorCode } from './plain/index';

// -------------------------------------------------------------------------------------------------
// The embedding API with fp-ts (TaskEither), and the ingestion service under both
// -------------------------------------------------------------------------------------------------

export {
  createPaystate,
  createIngestor,
  subscribe,
  createPaymentsProjection,
  rebuildPayments,
  fingerprintOf,
  foldStream,
  foldStreamEither,
  streamIdOf,
  orderIdOfStream,
  OBSERVATION_EVENT,
  EVENT_FORMAT_VERSION,
  UPCASTERS,
  UnreadableEventError,
  readObservation,
  recordedObservationOf,
  storedObservation,
  upcast,
  verifyStore,
  verifyEvents,
  confirmLine,
  formatConfirmError,
  isStatusUnavailable,
  statusUnavailable,
} from './ingest/index';
export type {
  Paystate,
  PaystateOptions,
  Payment,
  Ingestor,
  IngestorOptions,
  IngestOptions,
  IngestResult,
  IngestError,
  RawObservation,
  StoredObservation,
  RecordedObservation,
  Upcaster,
  DecisionFacts,
  VerifyDifference,
  VerifyReport,
  VerifyOptions,
  BusinessChange,
  SegmentChange,
  SubscribeOptions,
  Subscription,
  EffectsOnce,
  OnceOptions,
  OnceOutcome,
  PaymentsProjection,
  PaymentRow,
  CoreApiConnection,
  ConfirmError,
  StatusFetcher,
  StatusUnavailable,
} from './ingest/index';

// -------------------------------------------------------------------------------------------------
// Event stores: the contract, its errors, and the in-memory store (SQLite and PostgreSQL are entries of their own)
// -------------------------------------------------------------------------------------------------

export {
  getInMemoryEventStore,
  formatStoreError,
  invalidArgument,
  redact,
  LATEST_SCHEMA_VERSION,
  DEFAULT_REJECTION_LOG_MAX_AGE_SECONDS,
  DEFAULT_REJECTION_LOG_MAX_BYTES,
  inMemoryReconcileClaims,
} from './store/index';
export type {
  EventStore,
  StoredEvent,
  StoredRejection,
  NewEvent,
  StoreError,
  AppendOp,
  AppendResult,
  EffectClaim,
  ExpectedVersion,
  Lease,
  LeaseRequest,
  SqlClient,
  UnfinishedEffect,
  ReadAllOptions,
  ReadRejectionsOptions,
  Rejection,
  RejectedBody,
  RejectionLogLimits,
  RejectionLogStats,
  StreamRead,
  ReconcileClaim,
  ReconcileClaimRequest,
  ReconcileClaims,
  ReconcileRecord,
  ReconcileRelease,
} from './store/index';

// -------------------------------------------------------------------------------------------------
// The Midtrans wire format: signatures, replay lines to observations, decode errors
// -------------------------------------------------------------------------------------------------

export {
  signNotification,
  signatureKey,
  verifySignature,
  parseReplayLine,
  toObservation,
  renderDecodeError,
  renderDecodeErrors,
} from './midtrans/index';
export type { SignatureError, SignatureErrorCode, SignedFields, MappingOptions, DecodeError } from './midtrans/index';

// -------------------------------------------------------------------------------------------------
// The webhook on node:http (Express and Fastify are entries of their own) and the paystate server
// -------------------------------------------------------------------------------------------------

export {
  createWebhookHandler,
  createPaystateServer,
  listen,
  stopServer,
  httpAnswer,
  requestIdOf,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_DEADLINE_MS,
  createReadApi,
} from './http/index';
export type { WebhookOptions, RequestLogEntry, NodeHandler, HttpAnswer, WebhookEvent, ServerOptions, ServerRoute, ReadAnswer, ReadApiOptions, ReadRequest } from './http/index';

// -------------------------------------------------------------------------------------------------
// Reading orders back: one order with its timeline (as `paystate inspect` and the read API show it), the orders needing attention
// -------------------------------------------------------------------------------------------------

export { lookUpOrder, orderTimeline, orderDocument, createAttentionLists, ATTENTIONS, ATTENTION_LISTS, DEFAULT_FULFILMENT_SUBSCRIBER, maskCardNumbers, maskCardNumbersIn } from './read/index';
export type { OrderLookUp, TimelineEntry, OrderDocument, OrderTimelineEvent, Attention, AttentionItem, AttentionList, AttentionLists, AttentionListsOptions, AttentionPage, PageError } from './read/index';

// -------------------------------------------------------------------------------------------------
// The Core API client and reconciliation
// -------------------------------------------------------------------------------------------------

export { createCoreApiClient, renderCoreApiError, SANDBOX_BASE_URL, PRODUCTION_BASE_URL, DEFAULT_CONFIRM_TIMEOUT_MS } from './coreApi/index';
export type {
  CoreApiClient,
  CoreApiClientOptions,
  CoreApiCommonOptions,
  CoreApiError,
  CoreApiAnswer,
  CoreApiResult,
  CoreApiCall,
  CaptureOptions,
  RefundOptions,
  CardRegistration,
  RegisteredCard,
  UnrecordedAnswer,
  BadResponse,
  CoreApiStoreError,
  MidtransError,
  NetworkError,
  RefusedLocally,
  TimeoutError,
} from './coreApi/index';
export { createReconciler } from './reconcile/index';
export type { Reconciler, ReconcilerOptions, ReconcileReport, ReconcileCheck, ReconcileFailure } from './reconcile/index';

// -------------------------------------------------------------------------------------------------
// Observability: the logger paystate takes (pino's interface), the metrics hooks (implemented over
// prom-client by `@paystate/adapters/metrics`), OpenTelemetry spans (no-op without an SDK)
// -------------------------------------------------------------------------------------------------

export { silentLogger, maskingLogger, maskPans, noMetrics, TRACER_NAME } from './observe/index';
export type { Logger, LogFn, PaystateMetrics } from './observe/index';

// -------------------------------------------------------------------------------------------------
// Replay: a recorded history through the engine, as a table
// -------------------------------------------------------------------------------------------------

export { readReplayInput, replayLines, renderTable, eventEntry } from './replay/index';
export type { ReplayReport, ReplayEvent, ReplayInput, ReplayResult, InputLine } from './replay/index';
