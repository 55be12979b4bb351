/**
 * The one entry point an order system calls: record charges, ingest notifications, ask about a
 * payment, and subscribe to business changes.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { answersFor, summarizeOrder, type NotificationMode, type Observation, type OrderState, type OrderSummary, type PaymentAnswers } from '@paystate/engine';
import { createCoreApiClient, type CoreApiClient, type CoreApiCommonOptions } from '../coreApi/client';
import type { ConfirmError } from './confirm';
import { invalidJson } from '../midtrans/index';
import { loggerOf, noMetrics, type Logger, type PaystateMetrics } from '../observe/index';
import { formatStoreError, type EventStore, type StoreError } from '../store/index';
import { createIngestor, type IngestError, type IngestResult, type Ingestor, type RawObservation } from './ingest';
import { subscribe, type BusinessChange, type SubscribeOptions, type Subscription } from './subscription';

export interface Payment {
  readonly orderId: string;
  readonly state: OrderState;
  readonly summary: OrderSummary;
  readonly answers: PaymentAnswers;
}

export interface Paystate {
  /** Records the charge request you sent and, when you have it, Midtrans' answer. */
  recordCharge(request: unknown, response?: unknown): TE.TaskEither<IngestError, IngestResult>;
  /**
   * Records a notification body exactly as received (verifies its signature first). In confirm
   * mode a signed notification of a known order is recorded with the GET status answer fetched for
   * it; when GET status cannot be had, nothing is recorded (Left StatusUnavailable: answer 503).
   * `signal`: once aborted (a deadline passed), nothing more is written for this body (see IngestOptions).
   */
  ingestNotification(
    rawBody: string,
    options?: { readonly receivedAt?: string; readonly answers?: boolean; readonly signal?: AbortSignal },
  ): TE.TaskEither<ConfirmError, IngestResult>;
  /** Records any observation in the replay format. */
  ingest(line: RawObservation, options?: { readonly receivedAt?: string; readonly rawBody?: string }): TE.TaskEither<IngestError, IngestResult>;
  /** The payment's state and business answers, by order_id or transaction_id. */
  payment(id: string): TE.TaskEither<IngestError, Payment | undefined>;
  /** Hands each business change to the handler, in stream order per order, at least once; the processes of one subscriberId share the work (see SubscribeOptions). */
  subscribe(handler: (change: BusinessChange) => Promise<void>, options: SubscribeOptions): Subscription;
  readonly ingestor: Ingestor;
  readonly store: EventStore;
  /** How notifications are trusted: `confirm` (GET status decides, DOMAIN §6a) or `signature`. */
  readonly trust: NotificationMode;
  /** The Core API client over this paystate's ingestor, when a connection was given (its answers are recorded). */
  readonly coreApi: CoreApiClient | undefined;
  /** The logger given in the options (card numbers and the server key masked), silent by default; the webhook handlers log through it unless given their own. */
  readonly logger: Logger;
  /** The metrics given in the options (none by default); the webhook handlers report to them unless given their own. */
  readonly metrics: PaystateMetrics;
  close(): Promise<void>;
}

export interface PaystateOptions {
  readonly store: EventStore;
  readonly serverKey: string;
  readonly clock?: () => Date;
  /** A pino-style logger (silent by default); what is logged never holds the server key or a full card number. */
  readonly logger?: Logger;
  /** Metrics hooks, such as `createPaystateMetrics()` from `@paystate/adapters/metrics` (none by default). */
  readonly metrics?: PaystateMetrics;
  /**
   * Where Midtrans' Core API is (`{ environment: 'sandbox' }`, `{ baseUrl }`, with `fetch`,
   * timeouts, `confirmTimeoutMs`); the server key above authenticates. With it, notifications are
   * confirmed with GET status by default, and `coreApi` is a client that records its answers.
   */
  readonly coreApi?: CoreApiConnection;
  /**
   * `confirm` (the default with `coreApi`): a notification is a trigger, GET status is the truth.
   * `signature` (the default without): a validly signed notification is folded as it says; choose
   * it only where paystate cannot reach Midtrans (the signature does not cover the status).
   */
  readonly trust?: NotificationMode;
}

/** How to reach the Core API: a base URL or an environment, and the client's options but the key, store, logger and metrics, which come from paystate's. */
export type CoreApiConnection = Omit<CoreApiCommonOptions, 'serverKey' | 'ingestor' | 'logger' | 'metrics'> &
  ({ readonly baseUrl: string; readonly environment?: never } | { readonly environment: 'sandbox' | 'production'; readonly baseUrl?: never });

/** The trust the options ask for; confirm mode without a Core API is a configuration error (thrown, at creation). */
export const trustOf = (options: Pick<PaystateOptions, 'coreApi' | 'trust'>): NotificationMode => {
  const trust = options.trust ?? (options.coreApi !== undefined ? 'confirm' : 'signature');
  if (trust === 'confirm' && options.coreApi === undefined) throw new Error('trust "confirm" needs a Core API connection (the coreApi option): GET status confirms each notification');
  if (trust !== 'confirm' && trust !== 'signature') throw new Error(`trust must be "confirm" or "signature", got ${JSON.stringify(trust)}`);
  return trust;
};

const notJson = (rawBody: string, cause: unknown): Observation => ({
  kind: 'invalid',
  received: 'notification',
  reason: invalidJson(cause, rawBody).message,
});

export const createPaystate = (options: PaystateOptions): Paystate => {
  const ingestor = createIngestor(options);
  const { store } = options;
  const logger = loggerOf(options.logger, options.serverKey);
  const metrics = options.metrics ?? noMetrics;
  const trust = trustOf(options);
  const coreApi =
    options.coreApi === undefined
      ? undefined
      : createCoreApiClient({ ...options.coreApi, serverKey: options.serverKey, ingestor, logger, ...(options.metrics !== undefined ? { metrics: options.metrics } : {}) } as Parameters<typeof createCoreApiClient>[0]);
  const fetchStatus = coreApi?.fetchStatus;
  const payment = (id: string): TE.TaskEither<IngestError, Payment | undefined> =>
    TE.chain((orderId: string | undefined) =>
      orderId === undefined
        ? TE.right(undefined)
        : TE.map((state: OrderState | undefined) =>
            state === undefined ? undefined : { orderId, state, summary: summarizeOrder(state), answers: answersFor(state) },
          )(ingestor.load(orderId)),
    )(ingestor.resolveOrder(id));
  return {
    ingestor,
    store,
    logger,
    metrics,
    trust,
    coreApi,
    recordCharge: (request, response) =>
      TE.chain((first: IngestResult) =>
        response === undefined || first.outcome === 'rejected' ? TE.right(first) : ingestor.ingest({ kind: 'charge_response', payload: response, request: { method: 'POST', path: '/v2/charge', body: request } }),
      )(ingestor.ingest({ kind: 'charge_request', payload: request })),
    ingestNotification: (rawBody, opts = {}) => {
      const parsed = E.tryCatch(() => JSON.parse(rawBody) as unknown, (e) => e);
      const line: RawObservation = { kind: 'notification', payload: E.isRight(parsed) ? parsed.right : rawBody };
      const ingestOptions = {
        rawBody,
        ...(opts.receivedAt !== undefined ? { receivedAt: opts.receivedAt } : {}),
        ...(opts.answers !== undefined ? { answers: opts.answers } : {}),
        ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
        ...(E.isLeft(parsed) ? { observation: notJson(rawBody, parsed.left) } : {}),
      };
      return trust === 'confirm' && fetchStatus !== undefined ? ingestor.ingestConfirmed(line, fetchStatus, ingestOptions) : ingestor.ingest(line, ingestOptions);
    },
    ingest: (line, opts) => ingestor.ingest(line, opts),
    payment,
    subscribe: (handler, opts) =>
      subscribe(store, handler, {
        metrics,
        ...opts,
        onError: opts.onError ?? ((e) => logger.error({ subscriber: opts.subscriberId, cause: e instanceof Error ? e.message : formatStoreError(e) }, 'subscription failed; retrying')),
        // A segment lost or fenced off means this process stalled past its lease: worth a warning.
        onSegmentChange:
          opts.onSegmentChange ??
          ((e) => {
            const fields = { subscriber: opts.subscriberId, segment: e.segment, token: e.token };
            if (e.change === 'lost' || e.change === 'fenced') logger.warn(fields, `subscription segment ${e.change}`);
            else logger.info(fields, `subscription segment ${e.change}`);
          }),
      }),
    close: () => store.close(),
  };
};

