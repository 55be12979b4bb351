/**
 * The payment console over HTTP, in process (no browser): who may look, the headers on every
 * answer, that it never changes anything, what a page may never show, search and redirects, and
 * the event stream of an order page.
 */
import type { AddressInfo } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import { createPaystate, createPaystateServer, getInMemoryEventStore, listen, stopServer, type Paystate } from '@paystate/adapters';
import { cardOrder, chargeRequest, chargeResponse, notificationBody } from '@paystate/adapters/testing';
import { CONTENT_SECURITY_POLICY } from '../../src/console/layout';
import { createPaymentConsole, type PaymentConsole } from '../../src/console/paymentConsole';
import type { Server } from 'node:http';

const KEY = 'SB-Mid-server-console-test-key';
const TOKEN = 'console-read-token-0123456789';
const CARD = '4811111111111114';

let paystate: Paystate;
let consoleApp: PaymentConsole;
let server: Server;
let base: string;
const order = cardOrder('console', 1, KEY);
const other = cardOrder('console', 2, KEY);

const ok = async <A>(t: () => Promise<E.Either<unknown, A>>): Promise<A> => {
  const r = await t();
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
  return r.right;
};

beforeAll(async () => {
  const store = getInMemoryEventStore();
  paystate = createPaystate({ store, serverKey: KEY });
  for (const o of [order, other]) {
    await ok(paystate.ingest(chargeRequest(o)));
    await ok(paystate.ingest(chargeResponse(o)));
  }
  // A custom field quoting the server key and a card number, as hostile input might.
  await ok(paystate.ingestNotification(notificationBody(order, 'capture', { custom_field1: `${KEY} ${CARD}` })));
  consoleApp = createPaymentConsole({ store, token: TOKEN, secrets: [KEY], pollMs: 50, heartbeatMs: 1000, pageSize: 1 });
  server = createPaystateServer(paystate, { readToken: TOKEN, routes: [{ prefix: consoleApp.prefix, handle: consoleApp.handle }] });
  const port = await listen(server, 0, '127.0.0.1');
  if (E.isLeft(port)) throw port.left;
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  consoleApp.close();
  await stopServer(server, 1000);
  await paystate.close();
});

const bearer = { authorization: `Bearer ${TOKEN}` };
const get = (path: string, headers: Record<string, string> = bearer) => fetch(`${base}${path}`, { headers, redirect: 'manual' });

describe('access', () => {
  test('without the token a page sends the browser to sign in (and back after); a wrong bearer and an event stream get 401', async () => {
    const r = await get('/console/orders/x?a=1', {});
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/console/login?next=%2Fconsole%2Forders%2Fx%3Fa%3D1');
    expect((await get('/console/', { authorization: 'Bearer wrong-token-wrong-token' })).status).toBe(401);
    expect((await get(`/console/orders/${order.orderId}/events`, {})).status).toBe(401);
  });

  test('the sign-in form sets an HttpOnly SameSite=Strict cookie that is not the token, which then opens pages; it goes back only to console paths', async () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${base}/console/login`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, redirect: 'manual' });
    expect((await post(`token=wrong&next=%2Fconsole%2F`)).status).toBe(401);
    const signed = await post(`token=${TOKEN}&next=${encodeURIComponent('/console/orders/x')}`);
    expect(signed.status).toBe(303);
    expect(signed.headers.get('location')).toBe('/console/orders/x');
    const cookie = signed.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^paystate_console=[A-Za-z0-9_-]+; Path=\/console; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain(TOKEN);
    expect((await get('/console/', { cookie: cookie.split(';')[0]! })).status).toBe(200);
    expect((await get('/console/', { cookie: 'paystate_console=forged' })).status).toBe(303);
    for (const next of ['//evil.example/', 'https://evil.example/', '/notifications', '/console\\@evil', '/console/../notifications', '/console/%2e%2e/orders']) {
      const r = await post(`token=${TOKEN}&next=${encodeURIComponent(next)}`);
      expect([next, r.headers.get('location')]).toEqual([next, '/console/']);
    }
    expect((await post(`token=${TOKEN}`, { origin: 'https://evil.example' })).status).toBe(403);
  });

  test('the console never changes state: any other method is 405, and signing out only clears the cookie', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const r = await fetch(`${base}/console/orders/${order.orderId}`, { method, headers: bearer, body: '{}' });
      expect([method, r.status, r.headers.get('allow')]).toEqual([method, 405, 'GET, HEAD']);
    }
    const out = await fetch(`${base}/console/logout`, { method: 'POST', redirect: 'manual' });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
  });
});

describe('pages', () => {
  test('every answer carries the strict CSP and the security headers', async () => {
    for (const path of ['/console/', '/console/login', '/console/static/console.css', '/console/static/live.js', `/console/orders/${order.orderId}`, '/console/orders/nobody', '/console/nowhere']) {
      const r = await get(path);
      expect([path, r.headers.get('content-security-policy')]).toEqual([path, CONTENT_SECURITY_POLICY]);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('cache-control')).toBe('no-store');
    }
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    );
  });

  test('no page holds the server key or a full card number, even when recorded input quotes them; no inline script or style', async () => {
    const page = await (await get(`/console/orders/${order.orderId}`)).text();
    expect(page).toContain('custom_field1');
    expect(page).not.toContain(KEY);
    expect(page).toContain('[redacted]');
    expect(page).not.toContain(CARD);
    expect(page).toContain('481111******1114');
    for (const p of [page, await (await get('/console/')).text()]) {
      expect(p).not.toMatch(/<script(?![^>]*\ssrc=)/);
      expect(p).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i);
    }
  });

  test('search: an order id or a transaction id leads to the order page; an unknown one says so; a transaction id path redirects to its order', async () => {
    for (const q of [order.orderId, order.transactionId]) {
      const r = await get(`/console/?q=${encodeURIComponent(q)}`);
      expect([q, r.status, r.headers.get('location')]).toEqual([q, 303, `/console/orders/${order.orderId}`]);
    }
    const unknown = await get('/console/?q=no-such-order');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('No order or transaction &quot;no-such-order&quot; is recorded');
    const byTx = await get(`/console/orders/${order.transactionId}`);
    expect([byTx.status, byTx.headers.get('location')]).toEqual([303, `/console/orders/${order.orderId}`]);
    expect((await get('/console/?list=urgent')).status).toBe(400);
    expect((await get('/console/?list=review&cursor=bogus')).status).toBe(400);
  });
});

test('a list is paged: each page links to the next, in order id order, and the count covers them all', async () => {
  const ids: string[] = [];
  let path: string | undefined = '/console/?list=deadline';
  let pages = 0;
  while (path !== undefined && pages < 5) {
    const page: string = await (await get(path)).text();
    pages += 1;
    expect(page).toMatch(/data-list="deadline" aria-current="page"><span class="n">2<\/span>/);
    ids.push(...[...page.matchAll(/<td class="id"><a href="\/console\/orders\/([^"]+)">/g)].map((m) => decodeURIComponent(m[1]!)));
    const next: string | undefined = /<a href="([^"]+)" rel="next">Next page<\/a>/.exec(page)?.[1];
    path = next?.replace(/&amp;/g, '&');
  }
  expect(ids).toEqual([order.orderId, other.orderId]);
  expect(pages).toBe(2);
});

describe('live', () => {
  /** Reads an event stream until `until` matches what arrived (or the time runs out). */
  const readStream = async (path: string, until: RegExp, during: () => Promise<void> = async () => undefined): Promise<string> => {
    const controller = new AbortController();
    const r = await fetch(`${base}${path}`, { headers: bearer, signal: controller.signal });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = r.body!.getReader();
    let text = '';
    const timer = setTimeout(() => controller.abort(), 5000);
    let started = false;
    try {
      while (!until.test(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString('utf8');
        if (!started) {
          started = true;
          await during();
        }
      }
    } catch {
      // aborted: the test's expectation says what was missing
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    return text;
  };

  test('a new observation of the order reaches its open stream; another order\'s does not', async () => {
    // The page was drawn with the order's two observations (charge request and response).
    const since = 2;
    const text = await readStream(`/console/orders/${other.orderId}/events?since=${since}`, /event: change/, async () => {
      // After the stream is open: first another order, then this one.
      await new Promise((r) => setTimeout(r, 200));
      await ok(paystate.ingestNotification(notificationBody(order, 'settlement')));
      await new Promise((r) => setTimeout(r, 200));
      await ok(paystate.ingestNotification(notificationBody(other, 'capture')));
    });
    expect(text).toContain(`event: change\ndata: {"order_id":"${other.orderId}"}`);
    expect(text.match(/event: change/g)).toHaveLength(1);
  });

  test('a page drawn before an observation it missed is told at once when its stream opens', async () => {
    const text = await readStream(`/console/orders/${order.orderId}/events?since=1`, /event: change/);
    expect(text).toContain('event: change');
  });
});
