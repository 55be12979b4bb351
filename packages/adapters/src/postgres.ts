/**
 * @paystate/adapters/postgres — the event store on PostgreSQL, for several app instances sharing
 * one database. Needs the optional peer dependency `pg`; importing this entry without it fails
 * with a line naming it.
 */
import type { EventStore } from './store/eventStore';
import { getPostgresEventStore, type PostgresEventStoreOptions } from './store/postgresEventStore';
import { settle } from './plain/paystateError';

export { getPostgresEventStore, postgresAppliedMigrations, DEFAULT_POSTGRES_SCHEMA } from './store/postgresEventStore';
export type { MigrateMode } from './store/migrations';
export type { PostgresEventStoreOptions } from './store/postgresEventStore';

/** Connects (creating and migrating the schema if needed), or rejects with a PaystateError; `getPostgresEventStore` returns a TaskEither instead. */
export const openPostgresEventStore = (options: PostgresEventStoreOptions): Promise<EventStore> => settle(getPostgresEventStore(options));
// The store contract's types, so code written against this entry needs nothing else.
export type * from './store/eventStore';
export type { RejectionLogLimits } from './store/shared/rejectionLogLimits';
