/**
 * The one entry point an order system calls: record charges, ingest notifications, ask about a
 * payment, and subscribe to business changes.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { answersFor, summarizeOrder, type Observation, type OrderState, type OrderSummary, type PaymentAnswers } from '@paystate/engine';
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
  /** Records a notification body exactly as received (verifies its signature first). */
  ingestNotification(rawBody: string, options?: { readonly receivedAt?: string; readonly answers?: boolean }): TE.TaskEither<IngestError, IngestResult>;
  /** Records any observation in the replay format. */
  ingest(line: RawObservation, options?: { readonly receivedAt?: string; readonly rawBody?: string }): TE.TaskEither<IngestError, IngestResult>;
  /** The payment's state and business answers, by order_id or transaction_id. */
  payment(id: string): TE.TaskEither<IngestError, Payment | undefined>;
  /** Hands each business change to the handler, in stream order per order, at least once; the processes of one subscriberId share the work (see SubscribeOptions). */
  subscribe(handler: (change: BusinessChange) => Promise<void>, options: SubscribeOptions): Subscription;
  readonly ingestor: Ingestor;
  readonly store: EventStore;
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
}

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
    recordCharge: (request, response) =>
      TE.chain((first: IngestResult) =>
        response === undefined || first.outcome === 'rejected' ? TE.right(first) : ingestor.ingest({ kind: 'charge_response', payload: response, request: { method: 'POST', path: '/v2/charge', body: request } }),
      )(ingestor.ingest({ kind: 'charge_request', payload: request })),
    ingestNotification: (rawBody, opts = {}) => {
      const parsed = E.tryCatch(() => JSON.parse(rawBody) as unknown, (e) => e);
      const line: RawObservation = { kind: 'notification', payload: E.isRight(parsed) ? parsed.right : rawBody };
      return ingestor.ingest(line, {
        rawBody,
        ...(opts.receivedAt !== undefined ? { receivedAt: opts.receivedAt } : {}),
        ...(opts.answers !== undefined ? { answers: opts.answers } : {}),
        ...(E.isLeft(parsed) ? { observation: notJson(rawBody, parsed.left) } : {}),
      });
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

