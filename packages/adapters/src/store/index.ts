export type {
  AppendOp,
  AppendResult,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadRejectionsOptions,
  Rejection,
  StoredEvent,
  StoredRejection,
  StoreError,
  StreamRead,
} from './eventStore';
export { formatStoreError, invalidArgument, storeFailed, storeUnavailable, versionConflict } from './eventStore';
export { getInMemoryEventStore } from './inMemoryEventStore';
export type { Migration } from './migrations';
export { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';
export { redact } from './shared/redact';
