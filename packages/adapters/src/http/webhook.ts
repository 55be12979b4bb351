/**
 * The Midtrans notification webhook on plain `node:http`: read the exact raw body (at most
 * 64 KiB), hand it to `paystate.ingestNotification`, answer from the one status table once the
 * outcome is durable, and report each request to a log hook that never sees the body.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as E from 'fp-ts/lib/Either.js';
import type { Paystate } from '../ingest/index';
import { isStatusUnavailable } from '../ingest/confirm';
import { loggerOf, noMetrics, secondsSince, type Logger, type PaystateMetrics } from '../observe/index';
import { fpApi, type PaystateApi } from '../plain/paystateAsync';
import { httpAnswer, type HttpAnswer, type WebhookEvent } from './answer';
import { deadlineMsOf, withinDeadline } from './deadline';
import { DEFAULT_MAX_BODY_BYTES, discardRest, readRawBody } from './rawBody';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/** One request as the log records it: no body, no headers, no key. */
export interface RequestLogEntry {
  /** The caller's `x-request-id` when it is a sane token, else a new UUID; also sent back in the answer's `x-request-id`. */
  readonly request_id: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly outcome: string | null;
  readonly code: string | null;
  readonly order_id: string | null;
  readonly ms: number;
}

export interface WebhookOptions {
  /** The largest body accepted, in bytes (default 64 KiB); a larger one is answered 413 unread. */
  readonly maxBodyBytes?: number;
  /** Called once per answered request. */
  readonly onRequest?: (entry: RequestLogEntry) => void;
  /**
   * Logs one line per request (info for 2xx/3xx, warn for 4xx, error with the cause for 5xx);
   * by default the logger given to `createPaystate`, else silent.
   */
  readonly logger?: Logger;
  /** Times each request by status; by default the metrics given to `createPaystate`, else none. */
  readonly metrics?: PaystateMetrics;
  /**
   * The budget of one notification once its body is read, in ms (default 5000): decoding,
   * verifying, every store call and any wait behind the same order's other notifications. Past it
   * the answer is 503 `deadline_exceeded` and nothing more is written for that body.
   */
  readonly deadlineMs?: number;
}

/** A `node:http` request handler; `preread` is the raw body when a framework already read it. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, preread?: Buffer) => Promise<void>;

export interface NotificationReceiver {
  /** Ingests one raw notification body and resolves to the answer, after the outcome is durable. */
  receive(rawBody: string): Promise<HttpAnswer>;
}

// -------------------------------------------------------------------------------------------------
// receiving
// -------------------------------------------------------------------------------------------------

/**
 * A receiver over the ingestion service, which decides one order's observations one after another
 * in this process (concurrent deliveries of one order never race each other into version
 * conflicts) while different orders proceed together and share commits.
 */
export const createNotificationReceiver = (paystate: PaystateApi<'ingestNotification'>, options: Pick<WebhookOptions, 'deadlineMs'> = {}): NotificationReceiver => {
  const fp = fpApi(paystate);
  const deadlineMs = deadlineMsOf(options.deadlineMs);
  const ingest = async (rawBody: string, signal: AbortSignal): Promise<WebhookEvent> => {
    // The answer needs the outcome only, not the business answers (so no rejection-log read).
    const result = await fp.ingestNotification(rawBody, { answers: false, signal })();
    if (E.isRight(result)) return { _tag: 'Ingested', result: result.right };
    return isStatusUnavailable(result.left) ? { _tag: 'StatusUnavailable', cause: result.left.cause } : { _tag: 'StoreFailed', error: result.left };
  };
  return {
    receive: (rawBody) =>
      withinDeadline(deadlineMs, async (signal) => {
        const event = await ingest(rawBody, signal).catch((e: unknown): WebhookEvent => ({ _tag: 'Internal', cause: e instanceof Error ? e.message : String(e) }));
        return httpAnswer(event);
      }),
  };
};

// -------------------------------------------------------------------------------------------------
// node:http
// -------------------------------------------------------------------------------------------------

/** The request's path without its query string. */
export const pathOf = (req: IncomingMessage): string => (req.url ?? '/').split('?')[0] ?? '/';

/** Writes an answer as JSON. */
export const writeAnswer = (res: ServerResponse, a: HttpAnswer): void => {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(a.body);
  res.writeHead(a.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...a.headers });
  res.end(body);
};

const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The request's id: its `x-request-id` header when that is a short token, else a new UUID. */
export const requestIdOf = (req: IncomingMessage): string => saneRequestId(req.headers['x-request-id']);

/** The request id a caller sent, when it is a short token; a new one otherwise. */
export const saneRequestId = (given: unknown): string => (typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID());

/** The log entry of an answered request. */
export const logEntry = (req: IncomingMessage, a: HttpAnswer, startedAt: bigint, requestId: string = requestIdOf(req)): RequestLogEntry => ({
  request_id: requestId,
  method: req.method ?? '',
  path: pathOf(req),
  status: a.status,
  outcome: a.outcome,
  code: a.code,
  order_id: a.orderId,
  ms: Math.round(Number(process.hrtime.bigint() - startedAt) / 1e4) / 100,
});

/** Logs an answered request at the level its status calls for; a 5xx carries its cause. */
export const logRequest = (logger: Logger, entry: RequestLogEntry, cause: string | undefined): void => {
  const message = `${entry.method} ${entry.path} ${entry.status}`;
  if (entry.status >= 500) logger.error(cause === undefined ? entry : { ...entry, cause }, message);
  else if (entry.status >= 400) logger.warn(entry, message);
  else logger.info(entry, message);
};

/** The logger and metrics a handler reports to: its options', else the ones the paystate API was created with. */
export const observersOf = (paystate: PaystateApi<'ingestNotification'>, options: WebhookOptions): { readonly logger: Logger; readonly metrics: PaystateMetrics } => {
  const fp = fpApi(paystate) as Partial<Pick<Paystate, 'logger' | 'metrics'>>;
  return { logger: options.logger !== undefined ? loggerOf(options.logger) : (fp.logger ?? loggerOf(undefined)), metrics: options.metrics ?? fp.metrics ?? noMetrics };
};

/** Answers, then reports the request: to `onRequest`, the logger and the metrics. */
export const answerAndReport =
  (options: WebhookOptions, observers: { readonly logger: Logger; readonly metrics: PaystateMetrics }) =>
  (req: IncomingMessage, res: ServerResponse, a: HttpAnswer, startedAt: bigint, requestId: string): void => {
    writeAnswer(res, { ...a, headers: { ...a.headers, 'x-request-id': requestId } });
    const entry = logEntry(req, a, startedAt, requestId);
    options.onRequest?.(entry);
    observers.metrics.webhookRequest(a.status, secondsSince(startedAt));
    logRequest(observers.logger, entry, a.cause);
  };

/**
 * A `(req, res)` handler for the notification path, over the fp-ts or the Promise API: POST only,
 * the body read raw up to the limit (or taken as given when a framework already read it raw), one
 * answer, one log entry.
 */
export const createWebhookHandler = (paystate: PaystateApi<'ingestNotification'>, options: WebhookOptions = {}): NodeHandler => {
  const receiver = createNotificationReceiver(paystate, options);
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const observers = observersOf(paystate, options);
  const report = answerAndReport(options, observers);
  return async (req, res, preread) => {
    const startedAt = process.hrtime.bigint();
    const requestId = requestIdOf(req);
    const finish = (req: IncomingMessage, res: ServerResponse, a: HttpAnswer, startedAt: bigint) => report(req, res, a, startedAt, requestId);
    if (req.method !== 'POST') return finish(req, res, httpAnswer({ _tag: 'MethodNotAllowed', method: req.method ?? '' }), startedAt);
    if (preread === undefined && req.readableEnded)
      // Another middleware consumed the body: the exact bytes Midtrans signed are gone.
      return finish(req, res, httpAnswer({ _tag: 'Internal', cause: 'the body was already read by another middleware' }), startedAt);
    const body = preread !== undefined ? (preread.length > limit ? E.left({ _tag: 'TooLarge' as const, limit }) : E.right(preread)) : await readRawBody(req, limit);
    if (E.isLeft(body)) {
      if (body.left._tag === 'TooLarge') {
        finish(req, res, httpAnswer(body.left), startedAt);
        discardRest(req);
        return;
      }
      // Nobody is left to answer; nothing was recorded.
      const aborted: RequestLogEntry = { request_id: requestId, method: req.method ?? '', path: pathOf(req), status: 499, outcome: null, code: 'aborted', order_id: null, ms: 0 };
      options.onRequest?.(aborted);
      observers.logger.warn(aborted, 'the client went away before its body arrived');
      return;
    }
    finish(req, res, await receiver.receive(body.right.toString('utf8')), startedAt);
  };
};
