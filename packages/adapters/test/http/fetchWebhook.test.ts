/**
 * The Fetch API webhook: the status table of the `node:http` handler, answered to plain `Request`
 * objects and through Hono's `app.request`, over the fp-ts and the Promise API alike.
 */
import * as E from 'fp-ts/lib/Either.js';
import { Hono } from 'hono';
import { fetchWebhook, type FetchHandler } from '../../src/fetch';
import type { RequestLogEntry } from '../../src/http/index';
import { createPaystate, type Paystate } from '../../src/ingest/index';
import { cardOrder, chargeRequest, chargeResponse, notificationBody, notificationPayload, type CardOrder } from '../../src/midtrans/fixtures';
import { createPaystateAsync } from '../../src/plain/index';
import { getInMemoryEventStore } from '../../src/store/index';

const KEY = 'SB-Mid-server-FETCH-WEBHOOK-51d0e2';
const URL_ = 'http://paystate.test/notifications';

type Send = (init: RequestInit & { readonly method?: string }) => Promise<Response>;

/** The two ways a Fetch handler is reached: called with a Request, or mounted in Hono. */
const transports: readonly [string, (handle: FetchHandler) => Send][] = [
  ['a plain Request', (handle) => (init) => handle(new Request(URL_, init))],
  [
    "Hono's app.request",
    (handle) => {
      const app = new Hono();
      app.all('/notifications', (c) => handle(c.req.raw));
      return async (init) => app.request('/notifications', init);
    },
  ],
];

const apis: readonly [string, (p: Paystate) => Parameters<typeof fetchWebhook>[0]][] = [
  ['the fp-ts API', (p) => p],
  ['the Promise API', (p) => ({ fp: p })],
];

describe.each(transports)('fetchWebhook through %s', (_transport, mount) => {
  describe.each(apis)('over %s', (_api, wrap) => {
    let paystate: Paystate;
    let send: Send;
    let logs: RequestLogEntry[];
    let n = 0;
    const openOrder = async (): Promise<CardOrder> => {
      const o = cardOrder('fetch', ++n, KEY);
      expect(E.isRight(await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)())).toBe(true);
      return o;
    };
    const post = (body: NonNullable<RequestInit['body']>, headers: Record<string, string> = {}) => send({ method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

    beforeEach(() => {
      paystate = createPaystate({ store: getInMemoryEventStore(), serverKey: KEY });
      logs = [];
      send = mount(fetchWebhook(wrap(paystate), { onRequest: (e) => logs.push(e) }));
    });

    test('200 after commit: applied, then duplicate, as JSON {outcome, reason, order_id}', async () => {
      const o = await openOrder();
      const first = await post(notificationBody(o, 'capture'));
      expect([first.status, first.headers.get('content-type')]).toEqual([200, 'application/json; charset=utf-8']);
      const body = (await first.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['order_id', 'outcome', 'reason']);
      expect(body).toMatchObject({ outcome: 'applied', order_id: o.orderId });
      expect(await (await post(notificationBody(o, 'capture'))).json()).toMatchObject({ outcome: 'duplicate' });
      const payment = await paystate.payment(o.orderId)();
      expect(E.isRight(payment) && payment.right?.summary.transaction_status).toBe('capture');
      expect(logs.map((l) => [l.method, l.path, l.status, l.outcome, l.order_id])).toEqual([
        ['POST', '/notifications', 200, 'applied', o.orderId],
        ['POST', '/notifications', 200, 'duplicate', o.orderId],
      ]);
    });

    test('400 names the field: not JSON (body), a signed amount that is not the order’s (gross_amount)', async () => {
      const notJson = await post('{"order_id": "x", ');
      expect([notJson.status, await notJson.json()]).toEqual([400, expect.objectContaining({ error: 'invalid_notification', field: 'body' })]);
      const o = await openOrder();
      // larger than the order's: a smaller signed amount would be a partial capture
      const amount = await post(notificationBody({ ...o, amount: 200_000 }, 'capture'));
      expect([amount.status, await amount.json()]).toEqual([400, expect.objectContaining({ field: 'gross_amount', order_id: o.orderId })]);
    });

    test('401 for a wrong or missing signature; nothing changes', async () => {
      const o = await openOrder();
      const forged = await post(notificationBody({ ...o, serverKey: 'SB-Mid-server-SOMEONE-ELSE' }, 'capture'));
      expect([forged.status, await forged.json()]).toEqual([401, expect.objectContaining({ error: 'invalid_signature', field: 'signature_key' })]);
      const { signature_key: _dropped, ...unsigned } = notificationPayload(o, 'capture');
      expect((await post(JSON.stringify(unsigned))).status).toBe(401);
      const payment = await paystate.payment(o.orderId)();
      expect(E.isRight(payment) && payment.right?.summary.transaction_status).toBe('pending');
    });

    test('404 for an order not known yet, so Midtrans retries', async () => {
      const r = await post(notificationBody(cardOrder('never-opened', 1, KEY), 'capture'));
      expect([r.status, await r.json()]).toEqual([404, expect.objectContaining({ error: 'unknown_order', order_id: 'never-opened-1' })]);
    });

    test('413 past the limit, announced or streamed without a length; the limit itself is read', async () => {
      const o = await openOrder();
      const body = notificationBody(o, 'capture');
      const small = mount(fetchWebhook(wrap(paystate), { maxBodyBytes: Buffer.byteLength(body) }));
      expect((await small({ method: 'POST', body })).status).toBe(200);
      const over = await small({ method: 'POST', body: body + ' ' });
      expect([over.status, await over.json()]).toEqual([413, expect.objectContaining({ error: 'payload_too_large' })]);
      const stream = new ReadableStream<Uint8Array>({
        pull: (c) => c.enqueue(new Uint8Array(16 * 1024).fill(97)),
      });
      const streamed = await send({ method: 'POST', body: stream, duplex: 'half' } as RequestInit);
      expect(streamed.status).toBe(413);
    });

    test('405 with Allow: POST for other methods', async () => {
      const r = await send({ method: 'GET' });
      expect([r.status, r.headers.get('allow')]).toEqual([405, 'POST']);
    });

    test('503 with Retry-After when the store is down; nothing recorded', async () => {
      const o = await openOrder();
      await paystate.store.close();
      const r = await post(notificationBody(o, 'capture'));
      expect([r.status, r.headers.get('retry-after'), await r.json()]).toEqual([503, '5', expect.objectContaining({ error: 'store_unavailable' })]);
      expect(logs.map((l) => [l.status, l.code])).toEqual([[503, 'StoreUnavailable']]);
    });
  });
});

describe('fetchWebhook with plain Request objects', () => {
  const paystate = createPaystateAsync({ store: getInMemoryEventStore(), serverKey: KEY });
  const handle = fetchWebhook(paystate);

  test('a body another middleware already read is a 500: the signed bytes are gone, nothing recorded', async () => {
    const request = new Request(URL_, { method: 'POST', body: '{}' });
    await request.text();
    const r = await handle(request);
    expect([r.status, await r.json()]).toEqual([500, expect.objectContaining({ error: 'internal_error' })]);
  });

  test('the body is read as the exact bytes signed: a leading BOM is kept (and so the JSON is refused, as node:http does)', async () => {
    const o = cardOrder('bom', 1, KEY);
    await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload);
    const r = await handle(new Request(URL_, { method: 'POST', body: '\uFEFF' + notificationBody(o, 'capture') }));
    expect([r.status, await r.json()]).toEqual([400, expect.objectContaining({ field: 'body' })]);
    const ok = await handle(new Request(URL_, { method: 'POST', body: new TextEncoder().encode(notificationBody(o, 'capture')) }));
    expect([ok.status, await ok.json()]).toEqual([200, expect.objectContaining({ outcome: 'applied' })]);
  });

  test('no answer carries the server key', async () => {
    const o = cardOrder('key', 1, KEY);
    const answers = await Promise.all(
      [notificationBody(o, 'capture'), notificationBody({ ...o, serverKey: 'x' }, 'capture'), '{'].map(async (body) => (await handle(new Request(URL_, { method: 'POST', body }))).text()),
    );
    for (const a of answers) expect(a).not.toContain(KEY);
  });
});
