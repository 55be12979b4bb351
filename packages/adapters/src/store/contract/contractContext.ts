/** What the contract suite is given for one implementation, and what each of its parts is handed. */
import type * as E from 'fp-ts/lib/Either.js';
import type { EventStore, StoreError } from '../eventStore';
import type { RejectionLogLimits } from '../shared/rejectionLogLimits';

export interface StoreUnderTest {
  readonly store: EventStore;
  /** Closes the store (if still open) and removes its data. */
  readonly cleanup: () => Promise<void>;
  /** Opens another store on the same database, as a second app instance would (required with multiInstance). */
  readonly openAnother?: () => Promise<EventStore>;
}

export interface OlderSchemaHarness {
  /** Opens the harness's database with the current store, or as a release that knew migrations up to schemaVersion. */
  readonly open: (schemaVersion?: number) => Promise<EventStore>;
  readonly appliedMigrations: () => Promise<readonly number[]>;
  readonly cleanup: () => Promise<void>;
}

export interface ContractOptions {
  /** When set, the suite is registered as skipped and the reason printed. */
  readonly skipReason?: string;
  /** The factory's openAnother opens further instances on the same database; races then span instances. */
  readonly multiInstance?: boolean;
  /** SQL stores: a fresh, empty database for the migration tests. */
  readonly olderSchema?: () => Promise<OlderSchemaHarness>;
  /** Opens a store whose database cannot be reached. */
  readonly openUnreachable?: () => Promise<E.Either<StoreError, EventStore>>;
  /** Opens a fresh, empty store with these rejection log caps and clock (the caps tests are skipped without it). */
  readonly openWithCaps?: (caps: RejectionLogLimits, clock: () => Date) => Promise<EventStore>;
}

/** What each part of the suite works with; the store and the instances are fresh for every test. */
export interface ContractContext {
  readonly options: ContractOptions;
  /** The store under test. */
  readonly store: () => EventStore;
  /** Another instance on the same database (the factory's openAnother). */
  readonly openAnother: () => Promise<EventStore>;
  /** The store plus, with multiInstance, a second instance on the same database. */
  readonly instances: () => Promise<readonly EventStore[]>;
  /** Closes a store the test opened, after the test. */
  readonly track: (other: EventStore) => void;
}
