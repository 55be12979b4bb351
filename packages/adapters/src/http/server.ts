/**
 * The paystate HTTP server: POST notifications on `/notifications` (and `/`), `GET /health`,
 * `GET /metrics` when its metrics can render themselves, the read API on `/orders` when a read
 * token is configured, a log entry per request (not per scrape), and a graceful stop that
 * finishes the requests in flight.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import { fpApi, type PaystateApi } from '../plain/paystateAsync';
import { noMetrics } from '../observe/index';
import type { EventStore } from '../store/index';
import { httpAnswer, type HttpAnswer } from './answer';
import { capConnections } from './connectionCap';
import { probeStore } from './storeHealth';
import { createReadHandler, isReadPath } from './readApi';
import { answerAndReport, createWebhookHandler, logRequest, observersOf, pathOf, requestIdOf, type WebhookOptions } from './webhook';

export const NOTIFICATION_PATHS: readonly string[] = ['/notifications', '/'];

/** 200 `{"status":"ok"}` when the store answers a read and a write in time, 503 with the cause otherwise. */
export const healthAnswer = async (store: Pick<EventStore, 'getCheckpoint' | 'putCheckpoint'>, timeoutMs?: number): Promise<HttpAnswer> => {
  const probed = await probeStore(store, timeoutMs).catch((e: unknown) => E.left(String(e)));
  const ok = E.isRight(probed);
  return {
    status: ok ? 200 : 503,
    body: ok ? { status: 'ok' } : { status: 'unavailable', reason: probed.left },
    headers: {},
    outcome: null,
    code: ok ? 'health_ok' : 'health_unavailable',
    orderId: null,
  };
};

/** More paths served by the same server (the payment console): `prefix` and everything under it. */
export interface ServerRoute {
  /** A path such as `/console`: it answers that path and the paths under `/console/`. */
  readonly prefix: string;
  /** Answers the request (and logs it itself). */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface ServerOptions extends WebhookOptions {
  /** More paths the server answers, checked after the webhook, health, read API and metrics paths. */
  readonly routes?: readonly ServerRoute[];
  /** The bearer token of the read API; without one the read paths answer 404. */
  readonly readToken?: string;
  /** Decides which deadlines have passed in the read API (default: the system clock). */
  readonly clock?: () => Date;
  /** How long a client may take to send a request's headers, in ms (default 5000, at most requestTimeoutMs); then the connection is dropped (408). */
  readonly headersTimeoutMs?: number;
  /** How long a client may take to send a whole request, headers and body, in ms (default 10000). */
  readonly requestTimeoutMs?: number;
  /** How long a connection may stay silent, between or inside requests, in ms (default 15000). */
  readonly idleTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept for the next request, in ms (default 5000). */
  readonly keepAliveTimeoutMs?: number;
  /**
   * The most connections held at once (default 1000). Past it the connection that has waited
   * longest without a request in progress (a slow client still sending its headers, an idle
   * keep-alive one) is closed to make room; when every held connection has a request in progress,
   * the new one is closed.
   */
  readonly maxConnections?: number;
}

/** The slow-client bounds unless told otherwise: a notification is a few KiB sent at once. */
export const SERVER_LIMIT_DEFAULTS = {
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  idleTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_000,
} as const;

/** A `node:http` server for paystate's webhook, health check and read API (not listening yet), over the fp-ts or the Promise API. */
export const createPaystateServer = (paystate: PaystateApi<'ingestNotification' | 'store'>, options: ServerOptions = {}): Server => {
  const fp = fpApi(paystate);
  const webhook = createWebhookHandler(paystate, options);
  const observers = observersOf(paystate, options);
  // Only the webhook is timed: the health check, the read API and scrapes would blur its latency histogram.
  const report = answerAndReport(options, { ...observers, metrics: noMetrics });
  const answer = (req: IncomingMessage, res: ServerResponse, a: HttpAnswer, startedAt: bigint) => report(req, res, a, startedAt, requestIdOf(req));
  // The read API's requests are logged like the webhook's.
  // Counted and timed as read requests, apart from the webhook's.
  const read = createReadHandler(fp.store, {
    ...options,
    metrics: observers.metrics,
    ...(options.readToken !== undefined ? { token: options.readToken } : {}),
    onRequest: (entry) => {
      options.onRequest?.(entry);
      logRequest(observers.logger, entry, undefined);
    },
  });
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const startedAt = process.hrtime.bigint();
    const path = pathOf(req);
    if (NOTIFICATION_PATHS.includes(path)) {
      void webhook(req, res);
      return;
    }
    if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      void healthAnswer(fp.store).then((a) => answer(req, res, a, startedAt));
      return;
    }
    if (isReadPath(path)) {
      void read(req, res);
      return;
    }
    const exposition = observers.metrics.exposition;
    if (path === '/metrics' && exposition !== undefined && req.method === 'GET') {
      void exposition.call(observers.metrics).then(
        (m) => res.writeHead(200, { 'content-type': m.contentType, 'content-length': Buffer.byteLength(m.body) }).end(m.body),
        (e: unknown) => answer(req, res, httpAnswer({ _tag: 'Internal', cause: `metrics: ${e instanceof Error ? e.message : String(e)}` }), startedAt),
      );
      return;
    }
    const route = options.routes?.find((r) => path === r.prefix || path.startsWith(`${r.prefix}/`));
    if (route !== undefined) {
      route.handle(req, res);
      return;
    }
    answer(req, res, httpAnswer(path === '/health' ? { _tag: 'MethodNotAllowed', method: req.method ?? '' } : { _tag: 'NotFound', path }), startedAt);
  };
  const limits = { ...SERVER_LIMIT_DEFAULTS, ...definedOnly(options) };
  // node checks the header and request timeouts only this often (30 s unless told): a tenth of the header timeout, at least 250 ms.
  const checkEveryMs = Math.max(250, Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 10);
  const server = createServer(
    {
      connectionsCheckingInterval: checkEveryMs,
      requestTimeout: limits.requestTimeoutMs,
      // node refuses a header timeout longer than the whole request's.
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      keepAliveTimeout: limits.keepAliveTimeoutMs,
    },
    handle,
  );
  // Bound slow clients and floods: a notification is small and arrives at once.
  server.setTimeout(limits.idleTimeoutMs, (socket) => socket.destroy());
  capConnections(server, limits.maxConnections);
  return server;
};

const definedOnly = (o: ServerOptions): Partial<Record<keyof typeof SERVER_LIMIT_DEFAULTS, number>> => {
  const out: Partial<Record<keyof typeof SERVER_LIMIT_DEFAULTS, number>> = {};
  for (const k of Object.keys(SERVER_LIMIT_DEFAULTS) as (keyof typeof SERVER_LIMIT_DEFAULTS)[]) {
    const v = o[k];
    if (v !== undefined) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${k} must be a positive integer, got ${String(v)}`);
      out[k] = v;
    }
  }
  return out;
};

/** Starts listening; resolves to the bound port (0 picks a free one), or the listen error. */
export const listen = (server: Server, port: number, host: string): Promise<E.Either<Error, number>> =>
  new Promise((resolve) => {
    const onError = (e: Error) => resolve(E.left(e));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(E.right((server.address() as AddressInfo).port));
    });
  });

/** Stops accepting connections, lets requests in flight finish (closing idle keep-alive connections), and after `graceMs` closes what is left. */
export const stopServer = (server: Server, graceMs = 10_000): Promise<void> =>
  new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const idle = setInterval(() => server.closeIdleConnections(), 25);
    const hard = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(hard);
      resolve();
    });
    server.closeIdleConnections();
  });
