/**
 * The read API of paystate's server, checked against docs/openapi.json: a store filled from the
 * corpus scenarios, every order read back and every attention list paged through, each answer
 * valid against the schema the document gives its status; the token's on/off/wrong cases; the
 * webhook and health answers against their schemas too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { parseMidtransTime } from '@paystate/engine';
import { createPaystateServer, listen, stopServer } from '../../src/http/index';
import { createPaystate, orderIdOfStream, type Paystate, type RawObservation } from '../../src/ingest/index';
import { cardOrder, chargeRequest, chargeResponse, notificationBody, notificationPayload } from '../../src/midtrans/fixtures';
import { getInMemoryEventStore, type EventStore } from '../../src/store/index';
import { openApiDocument, responseSchemaName, schemaValidators } from './support/openapi';
import { allEvents, json, send, type Reply } from './support/http';

const CORPUS = join(__dirname, '..', '..', '..', '..', 'corpus');
const KEY = 'SB-Mid-server-READ-API-2b7d41';
const TOKEN = 'read-api-token-7e0b5c91d3a84f26';
/** After every deadline the corpus plans. */
const NOW = new Date('2030-01-01T00:00:00Z');
const PAN = '4811111111111114';

const doc = openApiDocument();
const validator = schemaValidators(doc);

/** A capture FDS challenged (Midtrans sends it with status_code 201). */
const challengeBody = (o: ReturnType<typeof cardOrder>) => notificationBody(o, 'capture', { fraud_status: 'challenge', status_code: '201' });

type DocPath = '/orders/{order_id}' | '/orders' | '/notifications' | '/health';

/** The reply's body, after checking that the document gives its status and that the body is valid against that status's schema. */
const conforming = (r: Reply, path: DocPath, method: 'get' | 'post' = 'get'): Record<string, unknown> => {
  const name = responseSchemaName(doc, path, method, r.status);
  const validate = validator(name);
  const body = json(r);
  expect([r.status, name, validate(body) ? 'valid' : validate.errors]).toEqual([r.status, name, 'valid']);
  expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
  return body;
};

let store: EventStore;
let paystate: Paystate;
let port: number;
let closeServer: () => Promise<void>;
let orderIds: string[];

const get = (path: string, token: string | null = TOKEN) => send(port, { method: 'GET', path, headers: token === null ? {} : { authorization: `Bearer ${token}` } });

const answersOf = async (id: string) => {
  const p = await paystate.payment(id)();
  if (E.isLeft(p) || p.right === undefined) throw new Error(`order ${id} cannot be read`);
  return p.right.answers;
};

beforeAll(async () => {
  store = getInMemoryEventStore();
  for (const file of readdirSync(CORPUS).filter((f) => f.endsWith('.json'))) {
    const s = JSON.parse(readFileSync(join(CORPUS, file), 'utf8')) as { server_key: string; events: RawObservation[] };
    const ps = createPaystate({ store, serverKey: s.server_key });
    for (const line of s.events) expect(E.isRight(await ps.ingest(line)())).toBe(true);
  }
  paystate = createPaystate({ store, serverKey: KEY });
  // The corpus leaves no capture waiting for review: one that does.
  const challenged = cardOrder('challenged', 1, KEY);
  expect(E.isRight(await paystate.recordCharge(chargeRequest(challenged).payload, chargeResponse(challenged).payload)())).toBe(true);
  const held = await paystate.ingestNotification(challengeBody(challenged))();
  expect(E.isRight(held) && held.right.outcome).toBe('applied');
  orderIds = [...new Set((await allEvents(store)).map((e) => orderIdOfStream(e.streamId)).filter((id): id is string => id !== undefined))].sort();
  const server = createPaystateServer(paystate, { readToken: TOKEN, clock: () => NOW });
  const bound = await listen(server, 0, '127.0.0.1');
  if (E.isLeft(bound)) throw bound.left;
  port = bound.right;
  closeServer = () => stopServer(server, 2_000);
});

afterAll(async () => {
  await closeServer();
  await paystate.close();
});

describe('GET /orders/{order_id}', () => {
  test('every order of the corpus: 200, valid against Order, with the answers paystate.payment gives and a timeline of the stream', async () => {
    expect(orderIds.length).toBeGreaterThanOrEqual(30);
    for (const id of orderIds) {
      const r = await get(`/orders/${encodeURIComponent(id)}`);
      const body = conforming(r, '/orders/{order_id}');
      const answers = await answersOf(id);
      expect([id, body['order_id'], (body['answers'] as Record<string, { value: unknown }>)['paid']]).toEqual([id, id, answers.paid]);
      expect((body['answers'] as Record<string, unknown>)['needs_reconciliation']).toEqual(answers.needsReconciliation);
      const timeline = body['timeline'] as { source: { stream?: number } }[];
      expect(timeline.filter((t) => t.source.stream !== undefined).length).toBe(body['version']);
      expect(r.headers['cache-control']).toBe('no-store');
    }
  });

  test('by transaction_id too; an id percent-encoded in the path is decoded', async () => {
    const o = { ...cardOrder('read', 2, KEY), orderId: 'read~1.ü' };
    expect(E.isRight(await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)())).toBe(true);
    const byOrder = conforming(await get(`/orders/${encodeURIComponent(o.orderId)}`), '/orders/{order_id}');
    expect([byOrder['order_id'], byOrder['transaction_status']]).toEqual([o.orderId, 'pending']);
    const byTx = conforming(await get(`/orders/${o.transactionId}`), '/orders/{order_id}');
    expect(byTx['order_id']).toBe(o.orderId);
  });

  test('an unknown order is 404 unknown_order, counting the rejected observations that named it', async () => {
    const body = conforming(await get('/orders/no-such-order'), '/orders/{order_id}');
    expect(body).toMatchObject({ error: 'unknown_order', order_id: 'no-such-order', rejected_observations: 0 });
    expect(String(body['reason'])).toContain('no-such-order');
  });

  test('400 names the cause: bad percent-encoding, an id over 128 characters; extra path segments are 404', async () => {
    expect(conforming(await get('/orders/%E0%A4%A'), '/orders/{order_id}')).toMatchObject({ error: 'invalid_order_id', field: 'order_id' });
    expect(conforming(await get(`/orders/${'x'.repeat(129)}`), '/orders/{order_id}')).toMatchObject({ error: 'invalid_order_id', reason: expect.stringContaining('128') });
    expect(conforming(await get(`/orders/${'x'.repeat(128)}`), '/orders/{order_id}')).toMatchObject({ error: 'unknown_order' });
    expect((await get('/orders/a/b')).status).toBe(404);
  });

  test('a full card number in recorded input is masked in the answer', async () => {
    const o = cardOrder('pan', 3, KEY);
    // The charge answer the host's own client received (authenticated input, kept against the
    // order) carries a card number as its gross_amount: rejected, and its reason quotes the value.
    const recorded = await paystate.recordCharge(chargeRequest(o).payload, { ...(chargeResponse(o).payload as Record<string, unknown>), gross_amount: PAN })();
    expect(E.isRight(recorded) && recorded.right.outcome).toBe('rejected');
    const text = (await get(`/orders/${o.orderId}`)).text;
    expect(text).not.toContain(PAN);
    expect(text).toContain('481111******1114');
  });

  test('identifiers are never masked: a numeric order id that passes the Luhn check is answered as it is', async () => {
    const o = { ...cardOrder('numeric', 8, KEY), orderId: '1715656520121' };
    expect(E.isRight(await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)())).toBe(true);
    const body = conforming(await get(`/orders/${o.orderId}`), '/orders/{order_id}');
    expect(body['order_id']).toBe(o.orderId);
    expect((body['timeline'] as { order_id: string }[]).map((t) => t.order_id)).toEqual([o.orderId, o.orderId]);
  });
});

describe('GET /orders?attention=...', () => {
  const pageThrough = async (attention: string, limit: number): Promise<{ ids: string[]; pages: number }> => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `/orders?attention=${attention}&limit=${limit}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
      const body = conforming(await get(q), '/orders');
      const items = body['items'] as { order_id: string }[];
      expect(items.length).toBeLessThanOrEqual(limit);
      ids.push(...items.map((i) => i.order_id));
      cursor = body['next_cursor'] as string | null;
      pages++;
    } while (cursor !== null && pages < 100);
    return { ids, pages };
  };

  test.each([
    ['review', (a: Awaited<ReturnType<typeof answersOf>>) => a.needsReview.value],
    ['reconciliation', (a: Awaited<ReturnType<typeof answersOf>>) => a.needsReconciliation.value],
    ['deadline', (a: Awaited<ReturnType<typeof answersOf>>) => a.deadlines[0] !== undefined && parseMidtransTime(a.deadlines[0].at)! <= NOW.getTime()],
  ] as const)('%s: paged 2 at a time, the orders whose answers say so, each once, in order_id order', async (attention, needs) => {
    const all = [...new Set((await allEvents(store)).map((e) => orderIdOfStream(e.streamId)).filter((id): id is string => id !== undefined))];
    const expected: string[] = [];
    for (const id of all) if (needs(await answersOf(id))) expected.push(id);
    expected.sort();
    expect(expected.length).toBeGreaterThan(0);
    const { ids, pages } = await pageThrough(attention, 2);
    expect(ids).toEqual(expected);
    expect(pages).toBe(Math.max(1, Math.ceil(expected.length / 2)));
    const one = conforming(await get(`/orders?attention=${attention}`), '/orders');
    expect((one['items'] as unknown[]).length).toBe(Math.min(50, expected.length));
  });

  test('an order challenged by FDS appears in the review list once its capture is recorded', async () => {
    const o = cardOrder('review', 4, KEY);
    expect(E.isRight(await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)())).toBe(true);
    expect((await pageThrough('review', 100)).ids).not.toContain(o.orderId);
    expect((await send(port, { body: challengeBody(o) })).status).toBe(200);
    const page = conforming(await get('/orders?attention=review&limit=100'), '/orders');
    expect((page['items'] as { order_id: string; why: string }[]).find((i) => i.order_id === o.orderId)?.why).toMatch(/challenge/);
  });

  test('400 names the parameter: attention missing or unknown, limit outside 1..100, a cursor not given by the server or for another list', async () => {
    const cases: [string, string][] = [
      ['/orders', 'attention'],
      ['/orders?attention=urgent', 'attention'],
      ['/orders?attention=review&limit=0', 'limit'],
      ['/orders?attention=review&limit=101', 'limit'],
      ['/orders?attention=review&limit=ten', 'limit'],
      ['/orders?attention=review&cursor=not-a-cursor', 'cursor'],
    ];
    for (const [path, field] of cases) expect([path, conforming(await get(path), '/orders')]).toEqual([path, expect.objectContaining({ error: 'invalid_query', field })]);
    const first = conforming(await get('/orders?attention=reconciliation&limit=1'), '/orders');
    expect(first['next_cursor']).not.toBeNull();
    const other = conforming(await get(`/orders?attention=review&cursor=${encodeURIComponent(String(first['next_cursor']))}`), '/orders');
    expect(other).toMatchObject({ field: 'cursor', reason: expect.stringContaining('attention=reconciliation') });
  });
});

describe('the bearer token', () => {
  test('missing: 401 with WWW-Authenticate: Bearer; wrong: 401 invalid_token; for both read paths', async () => {
    for (const [path, docPath] of [
      [`/orders/${orderIds[0]}`, '/orders/{order_id}'],
      ['/orders?attention=review', '/orders'],
    ] as const) {
      const missing = await get(path, null);
      expect([conforming(missing, docPath)['error'], missing.headers['www-authenticate']]).toEqual(['unauthorized', 'Bearer realm="paystate"']);
      const wrong = await get(path, `${TOKEN}x`);
      expect([conforming(wrong, docPath)['error'], wrong.headers['www-authenticate']]).toEqual(['invalid_token', 'Bearer realm="paystate", error="invalid_token"']);
      const basic = await send(port, { method: 'GET', path, headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` } });
      expect(basic.status).toBe(401);
    }
  });

  test('only GET and HEAD: 405 with Allow', async () => {
    const r = await send(port, { method: 'POST', path: '/orders?attention=review', body: '{}', headers: { authorization: `Bearer ${TOKEN}` } });
    expect([r.status, r.headers['allow']]).toEqual([405, 'GET, HEAD']);
  });

  test('no token configured: the read paths are 404 whatever the token; the webhook and the health check still answer', async () => {
    const server = createPaystateServer(paystate, {});
    const bound = await listen(server, 0, '127.0.0.1');
    if (E.isLeft(bound)) throw bound.left;
    try {
      for (const path of [`/orders/${orderIds[0]}`, '/orders?attention=review']) {
        const r = await send(bound.right, { method: 'GET', path, headers: { authorization: `Bearer ${TOKEN}` } });
        expect([r.status, conforming(r, '/orders')['error']]).toEqual([404, 'not_found']);
      }
      const o = cardOrder('off', 5, KEY);
      expect(E.isRight(await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)())).toBe(true);
      expect(conforming(await send(bound.right, { body: notificationBody(o, 'capture') }), '/notifications', 'post')['outcome']).toBe('applied');
      expect(conforming(await send(bound.right, { method: 'GET', path: '/health' }), '/health')).toEqual({ status: 'ok' });
    } finally {
      await stopServer(server, 2_000);
    }
  });
});

describe('the webhook and the health check against the document', () => {
  test('200, 400, 401, 404, 405, 413 and the health check are valid against their schemas', async () => {
    const o = cardOrder('doc', 6, KEY);
    expect(E.isRight(await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)())).toBe(true);
    const post = (body: string | Buffer, path = '/notifications') => send(port, { body, path });
    const seen = new Set<number>();
    for (const r of [
      await post(notificationBody(o, 'capture')),
      await post(notificationBody(o, 'capture'), '/'),
      await post('{"order_id": '),
      await post(notificationBody({ ...o, serverKey: 'SB-Mid-server-OTHER' }, 'settlement')),
      await post(notificationBody(cardOrder('never', 7, KEY), 'capture')),
      await send(port, { method: 'GET', path: '/notifications' }),
      await post(Buffer.alloc(70 * 1024, 'a')),
    ]) {
      conforming(r, '/notifications', 'post');
      seen.add(r.status);
    }
    expect([...seen].sort()).toEqual([200, 400, 401, 404, 405, 413]);
    conforming(await send(port, { method: 'GET', path: '/health' }), '/health');
  });
});
