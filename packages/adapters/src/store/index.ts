export type {
  AppendOp,
  AppendResult,
  EffectClaim,
  Lease,
  LeaseRequest,
  SqlClient,
  UnfinishedEffect,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadRejectionsOptions,
  Rejection,
  RejectedBody,
  RejectionLogStats,
  StoredEvent,
  StoredRejection,
  StoreError,
  StreamRead,
} from './eventStore';
export { formatStoreError, invalidArgument, storeFailed, storeUnavailable, versionConflict } from './eventStore';
export { getInMemoryEventStore } from './inMemoryEventStore';
export type { ReconcileClaim, ReconcileClaimRequest, ReconcileClaims, ReconcileRecord, ReconcileRelease } from './reconcileClaims';
export { inMemoryReconcileClaims } from './reconcileClaims';
export type { Migration } from './migrations';
export { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';
export { redact } from './shared/redact';
export type { RejectionLogLimits } from './shared/rejectionLogLimits';
export { DEFAULT_REJECTION_LOG_MAX_AGE_SECONDS, DEFAULT_REJECTION_LOG_MAX_BYTES } from './shared/rejectionLogLimits';
