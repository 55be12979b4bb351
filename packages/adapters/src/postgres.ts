/**
 * @paystate/adapters/postgres — the event store on PostgreSQL, for several app instances sharing
 * one database. Needs the optional peer dependency `pg`; importing this entry without it fails
 * with a line naming it.
 */
export { getPostgresEventStore, postgresAppliedMigrations } from './store/postgresEventStore';
export type { PostgresEventStoreOptions } from './store/postgresEventStore';
