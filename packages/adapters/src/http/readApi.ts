/**
 * The read API of paystate's server: `GET /orders/{order_id}` (the order, its answers and its
 * timeline) and `GET /orders?attention=review|reconciliation|deadline` (paged). Off unless a
 * bearer token is configured: without one every read path answers 404, as if it did not exist;
 * with one, a missing or wrong token answers 401 with `WWW-Authenticate: Bearer`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as E from 'fp-ts/lib/Either.js';
import { formatStoreError } from '../store/eventStore';
import type { EventStore } from '../store/index';
import { ATTENTIONS, createAttentionLists, MAX_PAGE_SIZE, type Attention } from '../read/attentionLists';
import { lookUpOrder } from '../read/lookUpOrder';
import { maskCardNumbersIn } from '../read/maskCardNumbers';
import { orderDocument } from '../read/orderDocument';
import type { PaystateMetrics } from '../observe/index';
import { requestIdOf, type RequestLogEntry } from './webhook';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

export interface ReadApiOptions {
  /** The bearer token read requests must carry; absent or empty turns the read API off. */
  readonly token?: string;
  /** Decides which deadlines have passed (default: the system clock). */
  readonly clock?: () => Date;
  /** Counts and times each answered request (`readRequest`); none by default. */
  readonly metrics?: PaystateMetrics;
}

/** A read request, whatever server received it. */
export interface ReadRequest {
  readonly method: string;
  /** The path and query string, as received (percent-encoded). */
  readonly url: string;
  readonly authorization: string | undefined;
}

export interface ReadAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
  /** Short, safe to log. */
  readonly code: string;
  readonly orderId: string | null;
}

/** The longest order id or transaction id accepted in a path (Midtrans allows 50 characters). */
export const MAX_ORDER_ID_LENGTH = 128;

/** True for the paths the read API answers (when it is on). */
export const isReadPath = (path: string): boolean => path === '/orders' || path.startsWith('/orders/');

// -------------------------------------------------------------------------------------------------
// answers
// -------------------------------------------------------------------------------------------------

const NO_STORE = { 'cache-control': 'no-store' };

const answer = (status: number, code: string, body: unknown, headers: Record<string, string> = {}, orderId: string | null = null): ReadAnswer => ({
  status,
  body,
  headers: { ...NO_STORE, ...headers },
  code,
  orderId,
});

const error = (status: number, code: string, reason: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): ReadAnswer =>
  answer(status, code, { error: code, reason, ...extra }, headers);

const unavailable = (cause: string): ReadAnswer =>
  error(503, 'store_unavailable', `the event store is unavailable (${cause}); retry later`, {}, { 'retry-after': '5' });

/** Compares two tokens in time independent of where they differ (hashing first evens out the lengths). */
const sameToken = (given: string, expected: string): boolean =>
  timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());

const BEARER = /^Bearer[ ]+([^ ]+)[ ]*$/i;

// -------------------------------------------------------------------------------------------------
// the handler
// -------------------------------------------------------------------------------------------------

/** The read API over a store: a request in, an answer out (no I/O of its own beyond the store). */
export const createReadApi = (store: EventStore, options: ReadApiOptions = {}): ((request: ReadRequest) => Promise<ReadAnswer>) => {
  const token = options.token === undefined || options.token === '' ? undefined : options.token;
  const lists = createAttentionLists(store, options.clock);

  const order = async (segment: string): Promise<ReadAnswer> => {
    const decoded = E.tryCatch(() => decodeURIComponent(segment), () => undefined);
    if (E.isLeft(decoded)) return error(400, 'invalid_order_id', 'the order id in the path is not valid percent-encoding', { field: 'order_id' });
    const id = decoded.right;
    if (id === '') return error(400, 'invalid_order_id', 'the order id in the path is empty', { field: 'order_id' });
    if (id.length > MAX_ORDER_ID_LENGTH)
      return error(400, 'invalid_order_id', `the order id in the path is longer than ${MAX_ORDER_ID_LENGTH} characters`, { field: 'order_id' });
    const found = await lookUpOrder(store, id);
    if (E.isLeft(found)) return unavailable(formatStoreError(found.left));
    if (found.right._tag === 'Unknown') {
      const n = found.right.rejections;
      return error(404, 'unknown_order', `no order or transaction ${JSON.stringify(id)} is recorded${n > 0 ? ` (${n} rejected observation${n === 1 ? '' : 's'} named it)` : ''}`, {
        order_id: id,
        rejected_observations: n,
      });
    }
    const doc = orderDocument(found.right.state, found.right.timeline);
    return answer(200, 'order', doc, {}, doc.order_id);
  };

  const list = async (query: URLSearchParams): Promise<ReadAnswer> => {
    const attention = query.get('attention');
    if (attention === null || !(ATTENTIONS as readonly string[]).includes(attention))
      return error(400, 'invalid_query', `attention must be one of ${ATTENTIONS.join(', ')}${attention === null ? '' : `, got ${JSON.stringify(attention)}`}`, { field: 'attention' });
    const limitText = query.get('limit');
    const limit = limitText === null ? undefined : Number(limitText);
    if (limit !== undefined && !(limitText !== null && /^\d+$/.test(limitText) && limit >= 1 && limit <= MAX_PAGE_SIZE))
      return error(400, 'invalid_query', `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${JSON.stringify(limitText)}`, { field: 'limit' });
    const cursor = query.get('cursor') ?? undefined;
    const page = await lists.page(attention as Attention, { ...(limit !== undefined ? { limit } : {}), ...(cursor !== undefined ? { cursor } : {}) });
    if (E.isLeft(page)) return page.left._tag === 'InvalidCursor' ? error(400, 'invalid_query', page.left.reason, { field: 'cursor' }) : unavailable(formatStoreError(page.left.error));
    return answer(200, 'orders', page.right);
  };

  const answerTo = async (request: ReadRequest): Promise<ReadAnswer> => {
    const [path = '/', search = ''] = request.url.split('?', 2) as [string?, string?];
    if (token === undefined) return error(404, 'not_found', 'no such path: the read API is off (no read token is configured)');
    const presented = BEARER.exec(request.authorization ?? '')?.[1];
    if (presented === undefined)
      return error(401, 'unauthorized', 'the read API needs a bearer token: Authorization: Bearer TOKEN', {}, { 'www-authenticate': 'Bearer realm="paystate"' });
    if (!sameToken(presented, token))
      return error(401, 'invalid_token', 'the bearer token is not the configured read token', {}, { 'www-authenticate': 'Bearer realm="paystate", error="invalid_token"' });
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return error(405, 'method_not_allowed', `${request.method} is not allowed here: the read API answers GET`, {}, { allow: 'GET, HEAD' });
    if (path === '/orders') return list(new URLSearchParams(search));
    const segment = path.slice('/orders/'.length);
    if (segment.includes('/')) return error(404, 'not_found', 'no such path: GET /orders/{order_id} or /orders?attention=...');
    return order(segment);
  };

  const metrics = options.metrics;
  if (metrics?.readRequest === undefined) return answerTo;
  return async (request) => {
    const startedAt = performance.now();
    const a = await answerTo(request).catch((): ReadAnswer => error(500, 'internal_error', 'the read failed unexpectedly'));
    metrics.readRequest?.(a.status, a.code, (performance.now() - startedAt) / 1000);
    return a;
  };
};

// -------------------------------------------------------------------------------------------------
// node:http
// -------------------------------------------------------------------------------------------------

/** A `node:http` handler for the read paths: one answer, one log entry (never the token). */
export const createReadHandler = (
  store: EventStore,
  options: ReadApiOptions & { readonly onRequest?: (entry: RequestLogEntry) => void } = {},
): ((req: IncomingMessage, res: ServerResponse) => Promise<void>) => {
  const read = createReadApi(store, options);
  return async (req, res) => {
    const startedAt = process.hrtime.bigint();
    const requestId = requestIdOf(req);
    const a = await read({ method: req.method ?? '', url: req.url ?? '/', authorization: req.headers.authorization }).catch(
      (): ReadAnswer => error(500, 'internal_error', 'the read failed unexpectedly'),
    );
    if (!res.headersSent && !res.destroyed) {
      const body = JSON.stringify(a.body);
      res.writeHead(a.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-request-id': requestId, ...a.headers });
      res.end(body);
    }
    options.onRequest?.({
      request_id: requestId,
      method: req.method ?? '',
      path: maskCardNumbersIn((req.url ?? '/').split('?')[0] ?? '/'),
      status: a.status,
      outcome: null,
      code: a.code,
      order_id: a.orderId,
      ms: Math.round(Number(process.hrtime.bigint() - startedAt) / 1e4) / 100,
    });
  };
};
