/**
 * @paystate/adapters/sqlite — the embedded event store on one SQLite file. Needs the optional peer
 * dependency `better-sqlite3`; importing this entry without it fails with a line naming it.
 */
export { getSqliteEventStore, sqliteAppliedMigrations } from './store/sqliteEventStore';
export type { SqliteEventStoreOptions } from './store/sqliteEventStore';
