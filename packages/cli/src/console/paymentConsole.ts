/**
 * The payment console: server-rendered, read-only pages under a path of `paystate serve`
 * (`/console`): the orders that need someone, and one order's answers, timeline and machines,
 * kept live by server-sent events. Every answer carries a strict Content-Security-Policy; every
 * page needs the read token (the sign-in form's cookie, or a bearer header). Only GET and HEAD,
 * plus the sign-in and sign-out posts, which touch nothing but the cookie.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as E from 'fp-ts/lib/Either.js';
import { createAttentionLists, lookUpOrder, maskCardNumbersIn, requestIdOf, type EventStore, type RequestLogEntry } from '@paystate/adapters';
import { machineSvgs } from '../orderPicture';
import { CONSOLE_CSS, LIVE_JS } from './assets';
import { attentionBody, isList } from './attentionPage';
import { clearedCookie, isAuthorised, safeNext, sameOrigin, sameSecret, sessionCookie } from './auth';
import { createChangeFeed } from './changeFeed';
import { html, pathSegment, type Html } from './html';
import { page, SECURITY_HEADERS } from './layout';
import { loginBody } from './loginPage';
import { orderBody } from './orderPage';

export interface ConsoleOptions {
  readonly store: EventStore;
  /** The read token: the only key to the console. */
  readonly token: string;
  /** Where the console lives (default `/console`). */
  readonly prefix?: string;
  /** Decides which deadlines have passed (default: the system clock). */
  readonly clock?: () => Date;
  /** Orders per page of a list (default 25). */
  readonly pageSize?: number;
  /** The subscriber whose checkpoint marks the paid orders handed to fulfilment (default `fulfilment`). */
  readonly fulfilmentSubscriber?: string;
  /** How often open order pages look for new observations, in ms (default 1000). */
  readonly pollMs?: number;
  /** How often an event stream sends a keep-alive comment, in ms (default 5000). */
  readonly heartbeatMs?: number;
  /** The most event streams open at once (default 100); more are answered 503. */
  readonly maxStreams?: number;
  /** Strings that must never reach a page (the server key): replaced should one ever be about to. */
  readonly secrets?: readonly string[];
  /** One entry per request (the path without its query, card numbers masked; never the token). */
  readonly onRequest?: (entry: RequestLogEntry) => void;
}

export interface PaymentConsole {
  readonly prefix: string;
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** Ends the open event streams (before the server stops, so it need not wait for them). */
  readonly close: () => void;
}

const MAX_LOGIN_BYTES = 4096;
const MAX_ID_LENGTH = 128;

interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly code: string;
  readonly orderId?: string;
}

const readForm = (req: IncomingMessage): Promise<URLSearchParams | undefined> =>
  new Promise((resolve) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_LOGIN_BYTES) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', () => resolve(undefined));
  });

export const createPaymentConsole = (options: ConsoleOptions): PaymentConsole => {
  const prefix = options.prefix ?? '/console';
  const { store, token } = options;
  const lists = createAttentionLists(store, options.clock, options.fulfilmentSubscriber === undefined ? {} : { fulfilmentSubscriber: options.fulfilmentSubscriber });
  const feed = createChangeFeed(store, { pollMs: options.pollMs ?? 1000 });
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const maxStreams = options.maxStreams ?? 100;
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  const streams = new Set<ServerResponse>();

  const scrub = (text: string): string => secrets.reduce((t, s) => t.split(s).join('[redacted]'), text);
  const htmlReply = (status: number, code: string, title: string, body: Html, extra: { signedIn?: boolean; query?: string; live?: string; orderId?: string } = {}): Reply => ({
    status,
    code,
    ...(extra.orderId !== undefined ? { orderId: extra.orderId } : {}),
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: scrub(
      page({ prefix, title, body, signedIn: extra.signedIn ?? true, ...(extra.query !== undefined ? { query: extra.query } : {}), ...(extra.live !== undefined ? { live: extra.live } : {}) }).__html,
    ),
  });
  const message = (status: number, code: string, title: string, text: string): Reply => htmlReply(status, code, title, html`<h1>${title}</h1><p>${text}</p>`);
  const redirect = (to: string, code: string, headers: Record<string, string> = {}): Reply => ({ status: 303, code, headers: { location: to, ...headers } });
  const unavailable = (cause: string): Reply => ({
    ...message(503, 'store_unavailable', 'The store is unavailable', `The event store did not answer (${cause}). Reload in a few seconds.`),
    headers: { 'content-type': 'text/html; charset=utf-8', 'retry-after': '5' },
  });

  const home = async (query: URLSearchParams): Promise<Reply> => {
    const q = (query.get('q') ?? '').trim();
    let note: string | undefined;
    if (q !== '') {
      if (q.length > MAX_ID_LENGTH) note = `An order id or transaction id has at most ${MAX_ID_LENGTH} characters.`;
      else {
        const found = await lookUpOrder(store, q);
        if (E.isLeft(found)) return unavailable(found.left._tag);
        if (found.right._tag === 'Found') return redirect(`${prefix}/orders/${pathSegment(found.right.state.orderId)}`, 'search_found');
        const n = found.right.rejections;
        note = `No order or transaction "${maskCardNumbersIn(q)}" is recorded${n > 0 ? ` (${n} rejected observation${n === 1 ? '' : 's'} named it)` : ''}.`;
      }
    }
    const listName = query.get('list') ?? 'review';
    if (!isList(listName)) return message(400, 'invalid_query', 'No such list', 'The list must be review, reconciliation, deadline or fulfilment.');
    const cursor = query.get('cursor') ?? undefined;
    const listed = await lists.page(listName, { limit: options.pageSize ?? 25, ...(cursor !== undefined ? { cursor } : {}) });
    if (E.isLeft(listed)) return listed.left._tag === 'InvalidCursor' ? message(400, 'invalid_query', 'Not a page of this list', listed.left.reason) : unavailable(listed.left.error._tag);
    const counts = await lists.counts();
    if (E.isLeft(counts)) return unavailable(counts.left._tag);
    const body = attentionBody({ prefix, counts: counts.right, page: listed.right, paged: cursor !== undefined, ...(note !== undefined ? { note } : {}) });
    return htmlReply(note === undefined ? 200 : 404, 'attention', 'Attention', body, { query: maskCardNumbersIn(q) });
  };

  const idOf = (segment: string): E.Either<Reply, string> => {
    const decoded = E.tryCatch(() => decodeURIComponent(segment), () => undefined);
    if (E.isLeft(decoded) || decoded.right === '' || decoded.right.length > MAX_ID_LENGTH)
      return E.left(message(400, 'invalid_order_id', 'Not an order id', `An order id or transaction id is 1 to ${MAX_ID_LENGTH} characters, percent-encoded in the path.`));
    return E.right(decoded.right);
  };

  const order = async (segment: string): Promise<Reply> => {
    const id = idOf(segment);
    if (E.isLeft(id)) return id.left;
    const found = await lookUpOrder(store, id.right);
    if (E.isLeft(found)) return unavailable(found.left._tag);
    if (found.right._tag === 'Unknown') {
      const n = found.right.rejections;
      return message(404, 'unknown_order', 'Unknown order', `No order or transaction "${maskCardNumbersIn(id.right)}" is recorded${n > 0 ? ` (${n} rejected observation${n === 1 ? '' : 's'} named it)` : ''}.`);
    }
    const { state, timeline } = found.right;
    if (state.orderId !== id.right) return redirect(`${prefix}/orders/${pathSegment(state.orderId)}`, 'order_by_transaction');
    const machines = await machineSvgs(state, timeline);
    const body = orderBody(state, timeline, E.isLeft(machines) ? machines.left : machines.right);
    return htmlReply(200, 'order', `Order ${state.orderId}`, body, {
      live: `${prefix}/orders/${pathSegment(state.orderId)}/events?since=${timeline.length}`,
      orderId: state.orderId,
    });
  };

  /** The order's event stream: `change` whenever it has a new observation. */
  const events = async (req: IncomingMessage, res: ServerResponse, segment: string, since: number): Promise<Reply | undefined> => {
    const id = idOf(segment);
    if (E.isLeft(id)) return id.left;
    if (streams.size >= maxStreams) return { status: 503, code: 'too_many_streams', headers: { 'retry-after': '10', 'content-type': 'text/plain; charset=utf-8' }, body: 'too many live pages open\n' };
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    streams.add(res);
    const send = () => void (res.writableEnded || res.destroyed ? undefined : res.write(`event: change\ndata: ${JSON.stringify({ order_id: id.right })}\n\n`));
    const watching = feed.watch(id.right, send);
    const beat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
    const end = () => {
      clearInterval(beat);
      watching.stop();
      streams.delete(res);
    };
    req.on('close', end);
    res.on('close', end);
    await watching.ready;
    // What was recorded between the page and this stream.
    const now = await lookUpOrder(store, id.right);
    if (E.isRight(now) && now.right._tag === 'Found' && now.right.timeline.length !== since) send();
    return undefined;
  };

  const login = async (req: IncomingMessage): Promise<Reply> => {
    if (!sameOrigin(req)) return message(403, 'cross_origin', 'Refused', 'The sign-in form must be posted from this console.');
    const form = await readForm(req);
    if (form === undefined) return message(413, 'too_large', 'Refused', `The sign-in form is at most ${MAX_LOGIN_BYTES} bytes.`);
    const next = safeNext(form.get('next'), prefix);
    const given = form.get('token') ?? '';
    if (given === '' || !sameSecret(given, token)) return { ...htmlReply(401, 'invalid_token', 'Sign in', loginBody(prefix, next, true), { signedIn: false }) };
    const secure = req.headers['x-forwarded-proto'] === 'https' || (req.socket as { encrypted?: boolean }).encrypted === true;
    return redirect(next, 'signed_in', { 'set-cookie': sessionCookie(token, prefix, secure) });
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<Reply | undefined> => {
    const [path = '/', search = ''] = (req.url ?? '/').split('?', 2) as [string?, string?];
    const query = new URLSearchParams(search);
    const sub = path.slice(prefix.length);
    const method = req.method ?? '';
    const reading = method === 'GET' || method === 'HEAD';
    if (sub === '/static/console.css' && reading) return { status: 200, code: 'static', headers: { 'content-type': 'text/css; charset=utf-8' }, body: CONSOLE_CSS };
    if (sub === '/static/live.js' && reading) return { status: 200, code: 'static', headers: { 'content-type': 'text/javascript; charset=utf-8' }, body: LIVE_JS };
    if (sub === '/login' && method === 'POST') return login(req);
    if (sub === '/login' && reading) return htmlReply(200, 'login', 'Sign in', loginBody(prefix, safeNext(query.get('next'), prefix), false), { signedIn: false });
    if (sub === '/logout' && method === 'POST') return redirect(`${prefix}/login`, 'signed_out', { 'set-cookie': clearedCookie(prefix) });
    if (!reading) return { ...message(405, 'method_not_allowed', 'Read-only', 'The console only reads: GET pages.'), headers: { 'content-type': 'text/html; charset=utf-8', allow: 'GET, HEAD' } };
    if (!isAuthorised(req, token)) {
      if (req.headers.authorization !== undefined || sub.endsWith('/events'))
        return { status: 401, code: 'unauthorized', headers: { 'www-authenticate': 'Bearer realm="paystate console"', 'content-type': 'text/plain; charset=utf-8' }, body: 'the console needs the read token\n' };
      return redirect(`${prefix}/login?next=${encodeURIComponent(path + (search === '' ? '' : `?${search}`))}`, 'sign_in');
    }
    if (sub === '') return redirect(`${prefix}/${search === '' ? '' : `?${search}`}`, 'home');
    if (sub === '/') return home(query);
    const m = /^\/orders\/([^/]+)(\/events)?$/.exec(sub);
    if (m === null) return message(404, 'not_found', 'Not found', 'The console has no such page.');
    if (m[2] === undefined) return order(m[1]!);
    if (method !== 'GET') return { status: 405, code: 'method_not_allowed', headers: { allow: 'GET', 'content-type': 'text/plain; charset=utf-8' }, body: 'an event stream is read with GET\n' };
    const since = Number(query.get('since') ?? '-1');
    return events(req, res, m[1]!, Number.isInteger(since) ? since : -1);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const startedAt = process.hrtime.bigint();
    const requestId = requestIdOf(req);
    const log = (status: number, code: string, orderId: string | null) =>
      options.onRequest?.({
        request_id: requestId,
        method: req.method ?? '',
        path: maskCardNumbersIn((req.url ?? '/').split('?')[0] ?? '/'),
        status,
        outcome: null,
        code,
        order_id: orderId,
        ms: Math.round(Number(process.hrtime.bigint() - startedAt) / 1e4) / 100,
      });
    void route(req, res)
      .catch((): Reply => message(500, 'internal_error', 'Something went wrong', 'The page could not be drawn; the error is in the server log.'))
      .then((r) => {
        if (r === undefined) return log(200, 'events', null);
        if (!res.headersSent && !res.destroyed) {
          const body = r.body ?? '';
          res.writeHead(r.status, { ...SECURITY_HEADERS, 'x-request-id': requestId, 'content-length': String(Buffer.byteLength(body)), ...r.headers });
          res.end(body);
        }
        log(r.status, r.code, r.orderId ?? null);
      });
  };

  return {
    prefix,
    handle,
    close: () => {
      for (const res of streams) res.end();
      streams.clear();
      feed.close();
    },
  };
};
