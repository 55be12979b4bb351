/**
 * The webhook's answers, end to end over HTTP on 127.0.0.1 with an in-memory store: one status per
 * outcome, from the one table; the server key never leaves the process; rejected input never
 * reaches a payment stream.
 */
import express from 'express';
import Fastify from 'fastify';
import * as E from 'fp-ts/lib/Either.js';
import type { AddressInfo } from 'node:net';
import { createPaystate, type IngestResult, type Paystate } from '../../src/ingest/index';
import { expressWebhook, fastifyWebhook } from '../../src/http/frameworks';
import { httpAnswer, type RequestLogEntry } from '../../src/http/index';
import { cardOrder, chargeRequest, chargeResponse, notificationBody, notificationPayload, type CardOrder } from '../../src/midtrans/fixtures';
import { signNotification } from '../../src/midtrans/index';
import { getInMemoryEventStore, type EventStore } from '../../src/store/index';
import { json, paymentEvents, observationOf, send, startInProcess, type InProcess, type Reply } from './support/http';

const KEY = 'SB-Mid-server-WEBHOOK-TEST-7f3a9c';
const OTHER_KEY = 'SB-Mid-server-SOMEONE-ELSE';

let store: EventStore;
let paystate: Paystate;
let server: InProcess;
let n = 0;
/** Every reply this file received, to check that none carries the key. */
const replies: Reply[] = [];

const openOrder = async (): Promise<CardOrder> => {
  const o = cardOrder('webhook', ++n, KEY);
  const r = await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)();
  expect(E.isRight(r)).toBe(true);
  return o;
};

const post = async (body: string | Buffer, options: Parameters<typeof send>[1] = {}): Promise<Reply> => {
  const r = await send(server.port, { body, ...options });
  replies.push(r);
  return r;
};

beforeAll(async () => {
  store = getInMemoryEventStore();
  paystate = createPaystate({ store, serverKey: KEY });
  server = await startInProcess(paystate);
});

afterAll(async () => {
  await server.close();
  await paystate.close();
});

describe('200: the observation is durably recorded', () => {
  test('applied, then duplicate, with a small JSON body {outcome, reason, order_id}', async () => {
    const o = await openOrder();
    const first = await post(notificationBody(o, 'capture'));
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(json(first)).sort()).toEqual(['order_id', 'outcome', 'reason']);
    expect(json(first)).toMatchObject({ outcome: 'applied', order_id: o.orderId });
    const again = await post(notificationBody(o, 'capture'));
    expect(again.status).toBe(200);
    expect(json(again)).toMatchObject({ outcome: 'duplicate', order_id: o.orderId });
    const state = await paystate.payment(o.orderId)();
    expect(E.isRight(state) && state.right?.summary.transaction_status).toBe('capture');
  });

  test('stale and illegal observations are recorded and answered 200', async () => {
    const o = await openOrder();
    expect(json(await post(notificationBody(o, 'settlement')))).toMatchObject({ outcome: 'applied' });
    const late = await post(notificationBody(o, 'capture'));
    expect([late.status, json(late)['outcome']]).toEqual([200, 'stale']);

    const denied = await openOrder();
    expect(json(await post(notificationBody(denied, 'deny', { fraud_status: 'deny' })))).toMatchObject({ outcome: 'applied' });
    const illegal = await post(notificationBody(denied, 'capture'));
    expect([illegal.status, json(illegal)['outcome']]).toEqual([200, 'illegal']);
  });

  test('POST / is a notification path too', async () => {
    const o = await openOrder();
    const r = await post(notificationBody(o, 'capture'), { path: '/' });
    expect([r.status, json(r)['outcome']]).toEqual([200, 'applied']);
  });
});

describe('4xx: input that will never be accepted as sent', () => {
  test('400 names the field: not JSON, a number where Midtrans sends a string', async () => {
    const notJson = await post('{"order_id": "x", ');
    expect(notJson.status).toBe(400);
    expect(json(notJson)).toMatchObject({ outcome: 'rejected', error: 'invalid_notification', field: 'body' });

    const o = await openOrder();
    const numeric = await post(JSON.stringify({ ...notificationPayload(o, 'capture'), gross_amount: 145000 }));
    expect(numeric.status).toBe(400);
    expect(json(numeric)).toMatchObject({ field: 'gross_amount', order_id: o.orderId });
    expect(String(json(numeric)['reason'])).toMatch(/^gross_amount: /);
  });

  test('400 for signed but inconsistent input: amount and status_code mismatch', async () => {
    const o = await openOrder();
    // more than the order's amount (less would be a partial capture, learned from the notification)
    const amount = await post(notificationBody({ ...o, amount: 200_000 }, 'capture'));
    expect(amount.status).toBe(400);
    expect(json(amount)).toMatchObject({ outcome: 'rejected', field: 'gross_amount', order_id: o.orderId });

    const code = await post(JSON.stringify(signNotification({ ...notificationPayload(o, 'settlement'), status_code: '202' }, KEY)));
    expect(code.status).toBe(400);
    expect(json(code)).toMatchObject({ outcome: 'rejected', field: 'status_code' });
  });

  test('401 for a missing or wrong signature', async () => {
    const o = await openOrder();
    const { signature_key: _dropped, ...unsigned } = notificationPayload(o, 'capture');
    const missing = await post(JSON.stringify(unsigned));
    expect(missing.status).toBe(401);
    expect(json(missing)).toMatchObject({ error: 'invalid_signature', field: 'signature_key' });
    expect(String(json(missing)['reason'])).toMatch(/^signature_key:/);
    const forged = await post(notificationBody({ ...o, serverKey: OTHER_KEY }, 'capture'));
    expect(forged.status).toBe(401);
  });

  test('404 for an unknown order or transaction, so Midtrans retries later', async () => {
    const unknown = await post(notificationBody(cardOrder('never-opened', 1, KEY), 'capture'));
    expect(unknown.status).toBe(404);
    expect(json(unknown)).toMatchObject({ error: 'unknown_order', order_id: 'never-opened-1' });
    const o = await openOrder();
    const otherTx = await post(notificationBody({ ...o, transactionId: 'ffffffff-0000-4000-8000-000000000000' }, 'capture'));
    expect(otherTx.status).toBe(404);
    expect(json(otherTx)).toMatchObject({ error: 'unknown_transaction', order_id: o.orderId });
  });

  test('413 past 64 KiB, announced or streamed; 64 KiB exactly is read', async () => {
    const o = await openOrder();
    const padded = (size: number) => {
      const body = notificationBody(o, 'capture');
      return body.slice(0, -1) + ',"pad":"' + 'x'.repeat(size - body.length - 9) + '"}';
    };
    expect(Buffer.byteLength(padded(64 * 1024))).toBe(64 * 1024);
    const atLimit = await post(padded(64 * 1024));
    expect([atLimit.status, json(atLimit)['outcome']]).toEqual([200, 'applied']);
    const over = await post(padded(64 * 1024 + 1));
    expect(over.status).toBe(413);
    expect(json(over)).toMatchObject({ error: 'payload_too_large' });
    const chunked = await post(Buffer.alloc(1024 * 1024, 'a'), { chunked: true });
    expect(chunked.status).toBe(413);
  });

  test('405 for other methods on the notification path, 404 elsewhere', async () => {
    const get = await send(server.port, { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.headers['allow']).toBe('POST');
    expect((await send(server.port, { method: 'PUT', body: '{}' })).status).toBe(405);
    expect((await send(server.port, { method: 'GET', path: '/elsewhere' })).status).toBe(404);
  });
});

describe('the store', () => {
  test('GET /health answers 200 {"status":"ok"} while the store answers', async () => {
    const r = await send(server.port, { method: 'GET', path: '/health' });
    expect([r.status, json(r)]).toEqual([200, { status: 'ok' }]);
  });

  test('503 when the store is unavailable, for the webhook and the health check', async () => {
    const closed = getInMemoryEventStore();
    const down = createPaystate({ store: closed, serverKey: KEY });
    const o = cardOrder('down', 1, KEY);
    await down.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)();
    await closed.close();
    const s = await startInProcess(down);
    try {
      const r = await send(s.port, { body: notificationBody(o, 'capture') });
      replies.push(r);
      expect(r.status).toBe(503);
      expect(json(r)).toMatchObject({ error: 'store_unavailable' });
      expect(r.headers['retry-after']).toBeDefined();
      expect((await send(s.port, { method: 'GET', path: '/health' })).status).toBe(503);
      expect(s.logs.map((l) => [l.status, l.code])).toContainEqual([503, 'StoreUnavailable']);
    } finally {
      await s.close();
    }
  });
});

describe('the status table', () => {
  const result = (outcome: IngestResult['outcome'], code: string, reason: string): IngestResult =>
    ({ outcome, reason, orderId: 'o', decision: { outcome, code, reason, orderId: 'o', transactionId: undefined, inferred: [], flags: [] } }) as unknown as IngestResult;

  test.each([
    ['applied', 'transition', 'x', 200],
    ['duplicate', 'same_state', 'x', 200],
    ['ignored', 'not_authoritative', 'x', 200],
    ['stale', 'behind_current', 'x', 200],
    ['illegal', 'no_legal_path', 'x', 200],
    ['rejected', 'invalid_input', 'signature_key: does not match', 401],
    ['rejected', 'invalid_input', 'transaction_status: missing', 400],
    ['rejected', 'amount_mismatch', 'gross_amount 1.00 is not 2.00', 400],
    ['rejected', 'status_code_mismatch', 'status_code "201" ...', 400],
    ['rejected', 'unknown_order', 'order o is unknown', 404],
    ['rejected', 'no_order', 'names no order', 404],
    ['rejected', 'unknown_transaction', 'not an attempt', 404],
  ] as const)('%s (%s, %s) → %d', (outcome, code, reason, status) => {
    expect(httpAnswer({ _tag: 'Ingested', result: result(outcome, code, reason) }).status).toBe(status);
  });

  test.each([
    [{ _tag: 'StoreUnavailable', cause: 'x' }, 503],
    [{ _tag: 'StoreFailed', cause: 'x' }, 503],
    [{ _tag: 'VersionConflict', streamId: 's', expected: 1, actual: 2 }, 503],
    [{ _tag: 'InvalidArgument', reason: 'orderId must not contain NUL characters' }, 400],
  ] as const)('store error %o → %d', (error, status) => {
    expect(httpAnswer({ _tag: 'StoreFailed', error }).status).toBe(status);
  });

  test('too large 413, wrong method 405, defect 500', () => {
    expect(httpAnswer({ _tag: 'TooLarge', limit: 1 }).status).toBe(413);
    expect(httpAnswer({ _tag: 'MethodNotAllowed', method: 'GET' }).status).toBe(405);
    expect(httpAnswer({ _tag: 'Internal', cause: 'x' }).status).toBe(500);
  });
});

describe('Express and Fastify adapters answer the same', () => {
  const exercise = async (port: number, logs: RequestLogEntry[]) => {
    const o = await openOrder();
    const ok = await send(port, { body: notificationBody(o, 'capture') });
    const forged = await send(port, { body: notificationBody({ ...o, serverKey: OTHER_KEY }, 'settlement') });
    const big = await send(port, { body: Buffer.alloc(70_000, ' ') });
    const get = await send(port, { method: 'GET' });
    replies.push(ok, forged, big, get);
    expect([ok.status, json(ok)['outcome']]).toEqual([200, 'applied']);
    expect([forged.status, big.status, get.status]).toEqual([401, 413, 405]);
    expect(logs.map((l) => l.status)).toEqual([200, 401, 413, 405]);
  };

  test('express: mounted with app.all, and behind express.raw()', async () => {
    const logs: RequestLogEntry[] = [];
    const app = express();
    app.all('/notifications', expressWebhook(paystate, { onRequest: (l) => logs.push(l) }));
    app.post('/raw', express.raw({ type: '*/*', limit: '1mb' }), expressWebhook(paystate));
    const listening = app.listen(0, '127.0.0.1');
    await new Promise((r) => listening.once('listening', r));
    const port = (listening.address() as AddressInfo).port;
    try {
      await exercise(port, logs);
      const o = await openOrder();
      const viaRaw = await send(port, { path: '/raw', body: notificationBody(o, 'capture') });
      expect([viaRaw.status, json(viaRaw)['outcome']]).toEqual([200, 'applied']);
      expect((await send(port, { path: '/raw', body: Buffer.alloc(70_000, ' ') })).status).toBe(413);
    } finally {
      listening.closeAllConnections();
      await new Promise((r) => listening.close(r));
    }
  });

  test('fastify: registered as a plugin', async () => {
    const logs: RequestLogEntry[] = [];
    const app = Fastify();
    await app.register(fastifyWebhook, { paystate, path: '/notifications', onRequest: (l) => logs.push(l) });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      await exercise((app.server.address() as AddressInfo).port, logs);
    } finally {
      await app.close();
    }
  });
});

describe('what never leaks and never lands', () => {
  test('the server key is in no answer and no log entry', () => {
    expect(replies.length).toBeGreaterThan(20);
    for (const r of replies) expect(r.text).not.toContain(KEY);
    expect(JSON.stringify(server.logs)).not.toContain(KEY);
    expect(server.logs.length).toBeGreaterThan(15);
  });

  test('rejected input left no record in any payment stream, only in the rejection log', async () => {
    const events = await paymentEvents(store);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(observationOf(e)?.decision.outcome).not.toBe('rejected');
    const rejections = await store.readRejections({})();
    expect(E.isRight(rejections) && rejections.right.length).toBeGreaterThanOrEqual(8);
  });
});
