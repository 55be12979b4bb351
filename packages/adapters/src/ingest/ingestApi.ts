/**
 * The ingestion service's contract: what it takes (a replay line and its options), what it
 * answers (the outcome, after it is durable), and how it is configured.
 */
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { Decision, Observation, OrderState, Outcome, PaymentAnswers } from '@paystate/engine';
import type { PaystateMetrics } from '../observe/index';
import type { EventStore, StoreError } from '../store/index';
import type { ConfirmError, StatusFetcher } from './confirm';
import type { RawObservation } from './storedObservation';

export interface IngestResult {
  readonly outcome: Outcome;
  readonly reason: string;
  readonly decision: Decision;
  readonly orderId: string | undefined;
  /** The order after the observation (undefined when it is unknown). */
  readonly state: OrderState | undefined;
  readonly answers: PaymentAnswers;
  /** The global position of the recorded event (undefined for rejected input). */
  readonly position?: number;
  /** Where a rejection was recorded. */
  readonly rejectionId?: number;
  /** Confirm mode: what was decided about the GET status answer recorded before the notification. */
  readonly confirmedBy?: Decision;
}

export type IngestError = StoreError;

export interface IngestOptions {
  readonly receivedAt?: string;
  /** The exact bytes received (a webhook body): fingerprinted and kept in the rejection log. */
  readonly rawBody?: string;
  /** The observation already mapped (for input that never became a replay line, such as a body that is not JSON). */
  readonly observation?: Observation;
  /**
   * `false`: the result's state and answers come from the stream alone, without reading the
   * rejection log (its rejected-input flags are then missing). A webhook that answers with the
   * outcome only uses this. Default true.
   */
  readonly answers?: boolean;
  /**
   * Once aborted (a webhook's deadline passed), nothing more is written for this observation:
   * each write checks it first and the ingest ends as StoreUnavailable. A write already under way
   * completes or fails whole.
   */
  readonly signal?: AbortSignal;
}

export interface Ingestor {
  /** Records one observation and answers with its outcome, after it is durable. */
  ingest(line: RawObservation, options?: IngestOptions): TE.TaskEither<IngestError, IngestResult>;
  /**
   * Records a notification in confirm mode (DOMAIN §6a): when it is validly signed and names a
   * known order, asks `fetchStatus` for the order's GET status answer, then appends that answer and
   * the notification (decided against it) in one append. GET status unavailable: nothing is
   * recorded (Left StatusUnavailable). Unauthenticated or unreadable input and unknown orders are
   * recorded as by `ingest`, without asking.
   */
  ingestConfirmed(line: RawObservation, fetchStatus: StatusFetcher, options?: IngestOptions): TE.TaskEither<ConfirmError, IngestResult>;
  /** The order's state, its flags from the rejection log included. */
  load(orderId: string): TE.TaskEither<IngestError, OrderState | undefined>;
  /** Resolves the order an id names: an order_id, or a transaction_id of one of its attempts. */
  resolveOrder(id: string): TE.TaskEither<IngestError, string | undefined>;
  readonly store: EventStore;
}

export interface IngestorOptions {
  readonly store: EventStore;
  readonly serverKey: string;
  readonly clock?: () => Date;
  /** How many times a version conflict is retried before giving up. */
  readonly maxRetries?: number;
  /** How many orders' folded states are kept in memory. */
  readonly cacheSize?: number;
  /** Counts observations by kind and outcome, rejections by code, and times store appends (nothing by default). */
  readonly metrics?: PaystateMetrics;
}
