/**
 * The simulator's routes: a request (method, path, headers, body text) in, a response out, with
 * Midtrans' paths, Basic auth, JSON bodies and Midtrans-shaped errors for anything unsupported.
 * No node:http here; the server feeds it and the tests may call it directly.
 */
import { errorReply, type ApiReply, type Json } from './replies';
import type { ThreeDsView } from './requests';
import type { Simulation } from './simulation';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

export interface SimRequest {
  readonly method: string;
  /** Path and query, as received ("/v2/abc/status?x=1"). */
  readonly url: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

export interface SimResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The control endpoints' effects, provided by the server (they wait for notification deliveries). */
export interface SimControls {
  advance(to: number): Promise<void>;
  reset(): Promise<void>;
}

export interface RouteOptions {
  readonly serverKey: string;
}

// -------------------------------------------------------------------------------------------------
// responses
// -------------------------------------------------------------------------------------------------

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

const json = (status: number, body: unknown): SimResponse => ({ status, headers: JSON_HEADERS, body: JSON.stringify(body) });

const reply = (r: ApiReply): SimResponse => json(r.httpStatus, r.body);

const html = (status: number, body: string): SimResponse => ({ status, headers: { 'content-type': 'text/html; charset=utf-8' }, body });

/** The error for a path the simulator does not know. */
export const notFoundRoute = (): SimResponse => reply(errorReply('404', 'The requested resource is not found', 404));
const methodNotAllowed = (allowed: readonly string[]): SimResponse => ({
  ...reply(errorReply('405', 'HTTP method is not allowed', 405)),
  headers: { ...JSON_HEADERS, allow: allowed.join(', ') },
});
const notImplemented = (what: string): SimResponse =>
  reply(errorReply('501', `Feature is not yet available: the simulator does not implement ${what}`, 501));
/** The answer to a request body above the size limit. */
export const bodyTooLarge = (limit: number): SimResponse =>
  reply(errorReply('413', `The request body is larger than ${limit} bytes`, 413));
const malformed = (): SimResponse =>
  reply(errorReply('413', 'The request cannot be processed due to malformed syntax in the request body', 400));
const unauthorized = (): SimResponse =>
  reply(errorReply('401', 'Access denied due to unauthorized transaction, please check client or server key', 401));

// -------------------------------------------------------------------------------------------------
// request helpers
// -------------------------------------------------------------------------------------------------

const authorized = (header: string | undefined, serverKey: string): boolean => {
  if (header === undefined) return false;
  const m = /^Basic\s+(\S+)$/i.exec(header.trim());
  if (m === null) return false;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const user = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
  return serverKey.length > 0 && user === serverKey;
};

type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

/** A JSON body; an empty body (or `null`) reads as absent. */
const parseJson = (text: string): Parsed => {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    const v: unknown = JSON.parse(text);
    return { ok: true, value: v === null ? undefined : v };
  } catch {
    return { ok: false };
  }
};

const segment = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

// -------------------------------------------------------------------------------------------------
// the 3DS page
// -------------------------------------------------------------------------------------------------

const threeDsPage = (view: ThreeDsView, action: string): string => {
  const tx = view.transaction;
  const title = 'Midtrans simulator: 3D Secure';
  if (tx === undefined) return `<!doctype html><title>${title}</title><p>Unknown 3DS transaction.</p>`;
  const status = escapeHtml(tx.status);
  if (view.kind === 'closed')
    return `<!doctype html><title>${title}</title><main data-transaction-status="${status}"><p>Order ${escapeHtml(tx.orderId)}: transaction_status <b>${status}</b>${tx.fraud !== undefined ? ` (fraud_status ${escapeHtml(tx.fraud)})` : ''}.</p></main>`;
  return `<!doctype html><title>${title}</title><main data-transaction-status="${status}">
<p>Order ${escapeHtml(tx.orderId)}: enter the OTP sent to your phone (sandbox: 112233).</p>
<form method="post" action="${escapeHtml(action)}"><input name="otp" autocomplete="one-time-code" autofocus><button type="submit">Submit</button></form>
</main>`;
};

const otpOf = (req: SimRequest): string => {
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) {
    const p = parseJson(req.body);
    const v = p.ok && typeof p.value === 'object' && p.value !== null ? (p.value as Record<string, unknown>)['otp'] : undefined;
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
  }
  return new URLSearchParams(req.body).get('otp') ?? '';
};

const threeDsJson = (view: ThreeDsView): SimResponse => {
  const tx = view.transaction;
  return tx === undefined
    ? reply(errorReply('404', "Transaction doesn't exist.", 404))
    : json(200, {
        transaction_id: tx.transactionId,
        order_id: tx.orderId,
        transaction_status: tx.status,
        ...(tx.fraud !== undefined ? { fraud_status: tx.fraud } : {}),
      });
};

// -------------------------------------------------------------------------------------------------
// routing
// -------------------------------------------------------------------------------------------------

const ACTIONS = ['approve', 'deny', 'cancel', 'expire', 'refund'] as const;

/**
 * Midtrans endpoints the simulator knows of but does not implement, with the feature each belongs
 * to (docs/simulator-endpoints.md lists them with their sources).
 */
const UNSUPPORTED: readonly (readonly [RegExp, string])[] = [
  [/^\/v2\/[^/]+\/status\/b2b$/, 'B2B transaction status (GET /v2/{id}/status/b2b)'],
  [/^\/v2\/card\/register$/, 'card registration other than GET /v2/card/register'],
  [/^\/v1\/bins\/[^/]+$/, 'BIN lookup (GET /v1/bins/{bin})'],
  [/^\/v2\/pay\/account/, 'pay account linking (/v2/pay/account)'],
  [/^\/v1\/subscriptions/, 'subscriptions (/v1/subscriptions)'],
  [/^\/v1\/payment-methods/, 'payment methods (/v1/payment-methods)'],
  [/^\/v2\/bca\/tokens/, 'BCA tokens (/v2/bca/tokens)'],
  [/^\/snap\//, 'Snap (/snap/...)'],
];

/** Answers one request; never throws for any input (the server still guards the edge). */
export const route = async (sim: Simulation, controls: SimControls, options: RouteOptions, req: SimRequest): Promise<SimResponse> => {
  const url = new URL(req.url, 'http://simulator.local');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = req.method.toUpperCase();
  const parts = path.split('/').slice(1);
  const only = (allowed: readonly string[], handle: () => SimResponse | Promise<SimResponse>): SimResponse | Promise<SimResponse> =>
    allowed.includes(method) ? handle() : methodNotAllowed(allowed);

  // --- simulator controls (no auth: a local test tool) ---------------------------------------------
  if (parts[0] === '_sim') {
    if (path === '/_sim/clock')
      return only(['GET', 'POST'], async () => {
        if (method === 'GET') return json(200, { now: new Date(sim.now()).toISOString() });
        const p = parseJson(req.body);
        if (!p.ok) return malformed();
        const b = (p.value ?? {}) as Record<string, unknown>;
        const advance = b['advance_ms'];
        const to = b['to'];
        let target: number;
        if (typeof advance === 'number' && Number.isFinite(advance) && advance >= 0) target = sim.now() + advance;
        else if (typeof to === 'string' && !Number.isNaN(Date.parse(to))) target = Date.parse(to);
        else return reply(errorReply('400', 'expected {"advance_ms": N} or {"to": ISO time}', 400));
        if (target < sim.now()) return reply(errorReply('400', 'the clock never goes back', 400));
        await controls.advance(target);
        return json(200, { now: new Date(sim.now()).toISOString() });
      });
    if (path === '/_sim/reset')
      return only(['POST'], async () => {
        await controls.reset();
        return json(200, { now: new Date(sim.now()).toISOString() });
      });
    if (path === '/_sim/notifications') return only(['GET'], () => json(200, { deliveries: sim.deliveryLog() }));
    if (parts[1] === 'transactions' && parts.length === 3)
      return only(['GET'], () => {
        const t = sim.truth(segment(parts[2]!));
        return t === undefined ? reply(errorReply('404', "Transaction doesn't exist.", 404)) : json(200, t);
      });
    return notFoundRoute();
  }

  // --- the 3DS page (the customer's browser: no server key) ----------------------------------------
  if (parts.length === 5 && path.startsWith('/v2/token/rba/redirect/')) {
    const tid = segment(parts[4]!);
    return only(['GET', 'POST'], () => {
      const wantsJson = (req.headers['content-type'] ?? '').includes('application/json') || (req.headers['accept'] ?? '').startsWith('application/json');
      const view = method === 'GET' ? sim.threeDs(tid) : sim.completeThreeDs(tid, otpOf(req));
      if (wantsJson) return threeDsJson(view);
      return html(view.kind === 'unknown' ? 404 : 200, threeDsPage(view, path));
    });
  }

  // --- card tokenization (client key in the query, no server key) ----------------------------------
  const query = (): Record<string, string> => Object.fromEntries(url.searchParams.entries());
  if (path === '/v2/token') return only(['GET'], () => reply(sim.token(query())));
  // Card registration: the client key in the query, like tokenization (clients may send the server key too).
  if (path === '/v2/card/register' && method === 'GET') return reply(sim.registerCard(query()));

  // --- Core API ------------------------------------------------------------------------------------
  const unsupported = UNSUPPORTED.find(([r]) => r.test(path));
  if (unsupported !== undefined) return notImplemented(`${unsupported[1]}: ${method} ${path}`);
  if (parts.length === 3 && parts[0] === 'v2' && parts[1] === 'point_inquiry')
    return only(['GET'], () =>
      authorized(req.headers['authorization'], options.serverKey) ? reply(sim.pointInquiry(segment(parts[2]!), query())) : unauthorized(),
    );
  const known =
    path === '/v2/charge' ||
    path === '/v2/capture' ||
    (parts.length === 3 && parts[0] === 'v2' && (parts[2] === 'status' || (ACTIONS as readonly string[]).includes(parts[2]!))) ||
    (parts.length === 5 && parts[0] === 'v2' && parts[2] === 'refund' && parts[3] === 'online' && parts[4] === 'direct');
  if (!known) return notFoundRoute();
  const isStatus = parts[2] === 'status' && parts.length === 3;
  const allowed = isStatus ? ['GET'] : ['POST'];
  if (!allowed.includes(method)) return methodNotAllowed(allowed);
  if (!authorized(req.headers['authorization'], options.serverKey)) return unauthorized();
  if (isStatus) return reply(sim.status(segment(parts[1]!)));

  const body = parseJson(req.body);
  if (!body.ok) return malformed();
  const key = req.headers['idempotency-key'];
  const run = (compute: () => ApiReply): SimResponse => reply(sim.idempotent(key, compute));
  if (path === '/v2/charge') return run(() => sim.charge(body.value));
  if (path === '/v2/capture') return run(() => sim.capture(body.value));
  const id = segment(parts[1]!);
  if (parts.length === 5) return run(() => sim.refund(id, body.value, true));
  switch (parts[2] as (typeof ACTIONS)[number]) {
    case 'approve':
      return run(() => sim.approve(id));
    case 'deny':
      return run(() => sim.deny(id));
    case 'cancel':
      return run(() => sim.cancel(id));
    case 'expire':
      return run(() => sim.expire(id));
    case 'refund':
      return run(() => sim.refund(id, body.value, false));
  }
};

export type { Json };
