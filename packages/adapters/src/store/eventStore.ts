/**
 * The event store: append-only streams (one per merchant order_id), a global gap-free log,
 * stream aliases, a rejection log and subscriber checkpoints.
 */
import type * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { ReconcileClaims } from './reconcileClaims';

export interface NewEvent {
  readonly type: string;
  /** JSON-serialisable. */
  readonly data: unknown;
  /** Unique per stream: an event whose key is already in the stream is not appended again. */
  readonly idempotencyKey?: string;
}

export interface StoredEvent {
  readonly streamId: string;
  /** 1-based position in its stream. */
  readonly version: number;
  /** Global, 1-based, gap-free in commit order. */
  readonly position: number;
  readonly type: string;
  readonly data: unknown;
  readonly idempotencyKey: string | null;
  /** ISO 8601 UTC. */
  readonly recordedAt: string;
}

/** A stream version the append requires (0 = the stream must not exist), or 'any'. */
export type ExpectedVersion = number | 'any';

export interface AppendResult {
  readonly streamId: string;
  /** The stream's version after the append (pass it as the next expected version). */
  readonly nextVersion: number;
  /** The events this append stored. */
  readonly events: readonly StoredEvent[];
  /** Stored events whose idempotency key the append carried again; they were not appended twice. */
  readonly alreadyRecorded: readonly StoredEvent[];
}

export interface AppendOp {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expectedVersion: ExpectedVersion;
}

export interface StreamRead {
  /** The stream's current version, 0 if it has no events. */
  readonly version: number;
  readonly events: readonly StoredEvent[];
}

export interface Rejection {
  readonly receivedAt: string;
  readonly kind: string;
  readonly orderId: string | null;
  readonly reason: string;
  /** The body as received, or (when `body` is set) only its first bytes. */
  readonly rawBody: string;
  /** The whole body, when rawBody holds only its beginning: its SHA-256 (hex) and size in UTF-8 bytes. */
  readonly body?: RejectedBody;
}

export interface RejectedBody {
  readonly sha256: string;
  readonly bytes: number;
}

/** The rejection log's rows under no order: what they take, and what the caps have dropped (ever). */
export interface RejectionLogStats {
  /** What the rows under no order count against the size cap now. */
  readonly unfiledBytes: number;
  readonly droppedRows: number;
  readonly droppedBytes: number;
}

export interface StoredRejection extends Rejection {
  readonly id: number;
}

export interface ReadRejectionsOptions {
  readonly orderId?: string;
  /** Exclusive: rejections with id > fromId. */
  readonly fromId?: number;
  readonly limit?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events with position > fromPosition. */
  readonly fromPosition?: number;
  /** At most this many events; all of them when absent. */
  readonly limit?: number;
}

export type StoreError =
  | {
      readonly _tag: 'VersionConflict';
      readonly streamId: string;
      readonly expected: ExpectedVersion;
      readonly actual: number;
    }
  /** Transient: connection refused or lost, database closed or busy, disk I/O. Retrying later may succeed. */
  | { readonly _tag: 'StoreUnavailable'; readonly cause: string }
  /** The request itself is malformed (empty stream id, data that is not JSON, bad URL...). */
  | { readonly _tag: 'InvalidArgument'; readonly reason: string }
  | { readonly _tag: 'StoreFailed'; readonly cause: string };

export interface EventStore {
  /** Appends events to one stream if its version equals the expected version. */
  appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: { readonly expectedVersion: ExpectedVersion },
  ): TE.TaskEither<StoreError, AppendResult>;
  /** Several appends committed together (one durable commit), each with its own expected version; returns one Either per op, in order. A conflicting op does not stop the others. */
  appendMany(ops: readonly AppendOp[]): TE.TaskEither<StoreError, readonly E.Either<StoreError, AppendResult>[]>;
  /** Reads a stream from a version (inclusive, default 1). */
  readStream(streamId: string, options?: { readonly fromVersion?: number }): TE.TaskEither<StoreError, StreamRead>;
  /** Reads the global log in position order. */
  readAll(options: ReadAllOptions): TE.TaskEither<StoreError, readonly StoredEvent[]>;
  /** Catches a subscriber up from a position: reads in batches and calls handler for each event in order, stopping at the first Left (which it returns); resolves to the last position handled. */
  catchUp(
    fromPosition: number,
    handler: (e: StoredEvent) => TE.TaskEither<StoreError, void>,
    options?: { readonly batchSize?: number },
  ): TE.TaskEither<StoreError, number>;
  /** Maps a lookup key (e.g. a Midtrans transaction_id) to a stream; idempotent, and the first writer wins. */
  putAlias(alias: string, streamId: string): TE.TaskEither<StoreError, void>;
  /** The stream an alias maps to, if any. */
  getAlias(alias: string): TE.TaskEither<StoreError, string | undefined>;
  /**
   * Appends to a separate log for rejected input (never a payment stream). Rows under no order
   * are capped in total size and age (the store's rejectionLog option): the oldest are dropped,
   * and counted (rejectionLogStats). Rows under an order are kept.
   */
  recordRejection(r: Rejection): TE.TaskEither<StoreError, { readonly id: number }>;
  /** What the rejection log's rows under no order take, and how many rows and bytes the caps have dropped since the store was created. */
  rejectionLogStats(): TE.TaskEither<StoreError, RejectionLogStats>;
  /** Reads the rejection log in id order. */
  readRejections(options?: ReadRejectionsOptions): TE.TaskEither<StoreError, readonly StoredRejection[]>;
  /** A subscriber's durable checkpoint, 0 if none. */
  getCheckpoint(subscriberId: string): TE.TaskEither<StoreError, number>;
  /** Stores a subscriber's checkpoint. */
  putCheckpoint(subscriberId: string, position: number): TE.TaskEither<StoreError, void>;
  /** Releases the store's resources; later operations resolve to StoreUnavailable. */
  close(): Promise<void>;
  /**
   * How many appendMany calls are worth having on their way at once (default 1). A store that
   * commits concurrent calls together by itself (SQLite with its writer thread) takes more, so a
   * caller grouping appends need not wait for one commit before it sends the next group.
   */
  readonly concurrentAppends?: number;
  /**
   * Reconciliation claims kept in the store (the SQL stores from migration 7), so reconciliation
   * workers in several processes share one record of who checks which order and when next. A
   * store without them gets claims in the reconciler's memory: one reconciler per store.
   */
  readonly reconcileClaims?: ReconcileClaims;
}

export const versionConflict = (streamId: string, expected: ExpectedVersion, actual: number): StoreError => ({
  _tag: 'VersionConflict',
  streamId,
  expected,
  actual,
});

export const storeUnavailable = (cause: string): StoreError => ({ _tag: 'StoreUnavailable', cause });

export const storeFailed = (cause: string): StoreError => ({ _tag: 'StoreFailed', cause });

export const invalidArgument = (reason: string): StoreError => ({ _tag: 'InvalidArgument', reason });

/** One line describing a store error. */
export const formatStoreError = (e: StoreError): string => {
  switch (e._tag) {
    case 'VersionConflict':
      return `version conflict on stream ${JSON.stringify(e.streamId)}: expected ${String(e.expected)}, actual ${e.actual}`;
    case 'StoreUnavailable':
      return `store unavailable: ${e.cause}`;
    case 'InvalidArgument':
      return `invalid argument: ${e.reason}`;
    case 'StoreFailed':
      return `store failed: ${e.cause}`;
  }
};
