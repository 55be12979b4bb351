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

export interface LeaseRequest {
  readonly subscriberId: string;
  /** 0-based, below `segments`. */
  readonly segment: number;
  /** How many segments the subscriber's work is split in (stored with a segment when first taken). */
  readonly segments: number;
  /** Unique per running process: a restarted process takes a new one. */
  readonly owner: string;
  /** How long the lease lasts from now, by the store's clock. */
  readonly leaseMs: number;
  /** Where a segment stored for the first time starts. */
  readonly startAfter?: number;
}

export interface Lease {
  readonly subscriberId: string;
  readonly segment: number;
  /** The segment count the subscriber's segments were stored with. */
  readonly segments: number;
  /** null once released. */
  readonly owner: string | null;
  /** The fencing token: checked by every checkpoint write. */
  readonly token: number;
  /** The segment's checkpoint: every event of the segment at or below it is handled. */
  readonly position: number;
  /** How long the lease still runs by the store's clock (0 when expired or released). */
  readonly remainingMs: number;
}

export type EffectClaim = 'claimed' | 'done' | 'started';

export interface UnfinishedEffect {
  readonly key: string;
  /** ISO 8601 UTC. */
  readonly claimedAt: string;
}

/** The part of a PostgreSQL client an effect's SQL needs (a pg PoolClient is one). */
export interface SqlClient {
  query(text: string, values?: readonly unknown[]): Promise<{ readonly rows: readonly unknown[]; readonly rowCount: number | null }>;
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
  /** A subscriber's durable checkpoint, 0 if none; once its work is split in leased segments, the lowest segment checkpoint (every event at or below it is handled). */
  getCheckpoint(subscriberId: string): TE.TaskEither<StoreError, number>;
  /** Stores a subscriber's checkpoint. */
  putCheckpoint(subscriberId: string, position: number): TE.TaskEither<StoreError, void>;
  /**
   * Takes, or renews, the lease on one segment of a subscriber's work for `owner`: when no one
   * holds it, its lease has expired (by the store's clock), or `owner` holds it already. The token
   * goes up by one each time the segment changes hands, never on a renewal. Answers the lease, or
   * undefined when another owner holds it. A segment stored for the first time starts after
   * `startAfter` (when given), else after the subscriber's checkpoint (getCheckpoint), else at 0.
   */
  acquireLease(request: LeaseRequest): TE.TaskEither<StoreError, Lease | undefined>;
  /**
   * Records `owner` as a live process of the subscriber for ttlMs (by the store's clock), forgets
   * the members whose time has run out, and answers the live members, sorted: each process takes
   * its share of the segments from this list.
   */
  joinSubscriber(subscriberId: string, owner: string, ttlMs: number): TE.TaskEither<StoreError, readonly string[]>;
  /** Removes `owner` from the subscriber's live members (a process that stops). */
  leaveSubscriber(subscriberId: string, owner: string): TE.TaskEither<StoreError, void>;
  /** Gives a lease up (only with its owner and token), so another process can take it at once. */
  releaseLease(subscriberId: string, segment: number, owner: string, token: number): TE.TaskEither<StoreError, void>;
  /**
   * Moves a segment's checkpoint to `position` in one statement that checks the token: true when
   * written; false when the token is no longer the segment's (another process took it over: this
   * one is fenced) or the position is behind the stored one (a checkpoint never goes backwards).
   */
  saveLeasedCheckpoint(subscriberId: string, segment: number, token: number, position: number): TE.TaskEither<StoreError, boolean>;
  /** A subscriber's segments as stored, in segment order (for sharing work out, and for monitoring). */
  readLeases(subscriberId: string): TE.TaskEither<StoreError, readonly Lease[]>;
  /**
   * Claims an effect for a subscriber, keyed (typically) by a change id: 'claimed' when this call
   * recorded it (run the effect, then completeEffect), 'done' when it was completed before,
   * 'started' when it was claimed before and never completed (that attempt crashed, or is still
   * running).
   */
  claimEffect(subscriberId: string, key: string): TE.TaskEither<StoreError, EffectClaim>;
  /** Removes a claim never completed (its effect failed and did not happen), so the next claim of the key gets 'claimed'. */
  abandonEffect(subscriberId: string, key: string): TE.TaskEither<StoreError, void>;
  /** Marks a claimed effect done. */
  completeEffect(subscriberId: string, key: string): TE.TaskEither<StoreError, void>;
  /** The effects claimed and never completed, oldest first (what monitoring should show someone). */
  readUnfinishedEffects(subscriberId: string): TE.TaskEither<StoreError, readonly UnfinishedEffect[]>;
  /**
   * PostgreSQL only: claims the effect and runs `work` with the claiming transaction's connection,
   * so the effect's own SQL commits with the claim or not at all. 'claimed' once committed; 'done'
   * (nothing run) when the effect was done before. A `work` that throws rolls the claim back.
   */
  readonly effectInTransaction?: (subscriberId: string, key: string, work: (sql: SqlClient) => Promise<unknown>) => TE.TaskEither<StoreError, EffectClaim>;
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
