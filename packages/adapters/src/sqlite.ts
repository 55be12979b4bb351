/**
 * @paystate/adapters/sqlite — the embedded event store on one SQLite file. Needs the optional peer
 * dependency `better-sqlite3`; importing this entry without it fails with a line naming it.
 */
import type { EventStore } from './store/eventStore';
import { getSqliteEventStore, type SqliteEventStoreOptions } from './store/sqliteEventStore';
import { rightOrThrow } from './plain/paystateError';

export { getSqliteEventStore, sqliteAppliedMigrations } from './store/sqliteEventStore';
export type { SqliteEventStoreOptions } from './store/sqliteEventStore';
export type { MigrateMode } from './store/migrations';

/** Opens (creating and migrating if needed) the store, or throws a PaystateError; `getSqliteEventStore` returns an Either instead. */
export const openSqliteEventStore = (options: SqliteEventStoreOptions): EventStore => rightOrThrow(getSqliteEventStore(options));
// The store contract's types, so code written against this entry needs nothing else.
export type * from './store/eventStore';
export type { RejectionLogLimits } from './store/shared/rejectionLogLimits';
