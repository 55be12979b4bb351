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
export type { SqliteEventStoreOptions } from './sqliteEventStore';
export { getSqliteEventStore, sqliteAppliedMigrations } from './sqliteEventStore';
export type { PostgresEventStoreOptions } from './postgresEventStore';
export { getPostgresEventStore, postgresAppliedMigrations } from './postgresEventStore';
export type { Migration } from './migrations';
export { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';
export type { StoreLocation } from './storeFromUrl';
export { ACCEPTED_STORE_URLS, openStore, parseStoreUrl } from './storeFromUrl';
