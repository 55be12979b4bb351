/**
 * Confirm mode in the embedding API and the ingestor: on by default with a Core API connection,
 * `trust: 'signature'` to choose otherwise; the status answer and the notification land in one
 * append; GET status unavailable is a value (StatusUnavailable, a PaystateError in the Promise
 * API, 503 at every webhook) and records nothing; concurrent deliveries over two replicas of one
 * store lose nothing; replaying the stored lines decides them again the same way.
 */
import Ajv from 'ajv';
import express from 'express';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Fastify from 'fastify';
import * as E from 'fp-ts/lib/Either.js';
import { createLedger } from '@paystate/engine';
import { expressWebhook, fastifyWebhook } from '../../src/http/frameworks';
import { fetchWebhook } from '../../src/fetch';
import { createPaystate } from '../../src/ingest/index';
import { statusUnavailable, type StatusFetcher } from '../../src/ingest/confirm';
import { cardOrder, chargeRequest, chargeResponse, notificationBody, notificationPayload } from '../../src/midtrans/fixtures';
import { toObservation } from '../../src/midtrans/index';
import { createPaystateAsync, PaystateError } from '../../src/plain/index';
import { getInMemoryEventStore } from '../../src/store/index';
import { startFakeCoreApi, statusBodyOf, type FakeCoreApi } from '../http/support/fakeCoreApi';
import { paymentEvents } from '../http/support/http';
import { dropSchema, freshSchema, openPostgres, postgresSkipReason } from '../store/support/postgres';
import type { EventStore } from '../../src/store/index';

const KEY = 'SB-Mid-server-CONFIRM-INGEST';

let core: FakeCoreApi;
beforeAll(async () => {
  core = await startFakeCoreApi();
});
afterAll(() => core.close());

const charged = async (p: ReturnType<typeof createPaystate>, o: ReturnType<typeof cardOrder>) => {
  expect(E.isRight(await p.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)())).toBe(true);
};

test('a Core API connection turns confirm mode on; trust chooses signature; confirm without a Core API is refused at creation', () => {
  const store = getInMemoryEventStore();
  expect(createPaystate({ store, serverKey: KEY, coreApi: { baseUrl: core.baseUrl } }).trust).toBe('confirm');
  expect(createPaystate({ store, serverKey: KEY, coreApi: { baseUrl: core.baseUrl }, trust: 'signature' }).trust).toBe('signature');
  expect(createPaystate({ store, serverKey: KEY }).trust).toBe('signature');
  expect(createPaystate({ store, serverKey: KEY }).coreApi).toBeUndefined();
  expect(createPaystateAsync({ store, serverKey: KEY, coreApi: { environment: 'sandbox' } }).fp.trust).toBe('confirm');
  expect(() => createPaystate({ store, serverKey: KEY, trust: 'confirm' })).toThrow('trust "confirm" needs a Core API connection (the coreApi option)');
  expect(() => createPaystate({ store, serverKey: KEY, coreApi: { baseUrl: core.baseUrl }, trust: 'blind' as 'confirm' })).toThrow('trust must be "confirm" or "signature", got "blind"');
});

test('the status answer and the notification are one append, the notification stored with its mode; replaying the lines decides them the same way', async () => {
  const store = getInMemoryEventStore();
  const p = createPaystate({ store, serverKey: KEY, coreApi: { baseUrl: core.baseUrl } });
  const o = cardOrder('confirm-append', 1, KEY);
  await charged(p, o);
  core.answers.set(o.orderId, { body: statusBodyOf(notificationPayload(o, 'settlement')) });
  const before = (await paymentEvents(store)).length;
  const r = await p.ingestNotification(notificationBody(o, 'capture'))();
  // Midtrans has moved on: the status answer applies settlement (capture inferred), the capture notification is history.
  expect(E.isRight(r) && [r.right.outcome, r.right.state?.attempts[0]?.status]).toEqual(['stale', 'settlement']);
  expect(E.isRight(r) && [r.right.confirmedBy?.outcome, r.right.confirmedBy?.code]).toEqual(['applied', 'transition']);
  const events = (await paymentEvents(store)).slice(before);
  expect(events.map((e) => (e.data as { line: { kind: string; mode?: string } }).line)).toMatchObject([
    { kind: 'status_response', request: { method: 'GET', path: `/v2/${o.orderId}/status` } },
    { kind: 'notification', mode: 'confirm' },
  ]);
  // Both written by the same append: consecutive versions, one commit.
  expect(events.map((e) => e.version)).toEqual([before + 1, before + 2]);
  expect(E.isRight(r) && r.right.position).toBe(events[1]!.position);

  // Each stored event is the documented format (docs/event.schema.json), the mode included.
  const validate = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(resolve(__dirname, '../../../../docs/event.schema.json'), 'utf8')) as Record<string, unknown>);
  const all = await paymentEvents(store);
  for (const e of all) expect([validate(e.data), validate.errors ?? null]).toEqual([true, null]);
  const schemaOf = JSON.parse(readFileSync(resolve(__dirname, '../../../../docs/event.schema.json'), 'utf8')) as { properties: { line: { properties: Record<string, unknown> } } };
  expect(schemaOf.properties.line.properties['mode']).toMatchObject({ enum: ['signature', 'confirm'] });
  // The stored lines, replayed as a log (paystate replay), are decided exactly as they were live.
  const ledger = createLedger();
  for (const e of all) {
    const stored = e.data as { line: unknown; decision: { outcome: string; code: string } };
    const again = ledger.observe(toObservation(stored.line, { serverKey: KEY })).decision;
    expect([again.outcome, again.code]).toEqual([stored.decision.outcome, stored.decision.code]);
  }
});

test('GET status unavailable: a StatusUnavailable value, a PaystateError in the Promise API, 503 from express, fastify and fetch; nothing recorded', async () => {
  const store = getInMemoryEventStore();
  const o = cardOrder('confirm-down', 1, KEY);
  const fp = createPaystate({ store, serverKey: KEY, coreApi: { baseUrl: core.baseUrl, confirmTimeoutMs: 200 } });
  await charged(fp, o);
  core.answers.set(o.orderId, { body: { status_code: '500', status_message: 'down' }, httpStatus: 500 });
  const before = (await paymentEvents(store)).length;

  const r = await fp.ingestNotification(notificationBody(o, 'capture'))();
  expect(r).toEqual(E.left({ _tag: 'StatusUnavailable', cause: 'Midtrans answered HTTP 500 (status_code 500)' }));
  const asyncApi = createPaystateAsync({ store, serverKey: KEY, coreApi: { baseUrl: core.baseUrl, confirmTimeoutMs: 200 } });
  const thrown = await asyncApi.ingestNotification(notificationBody(o, 'capture')).catch((e: unknown) => e);
  expect(thrown).toBeInstanceOf(PaystateError);
  expect(thrown).toMatchObject({ code: 'StatusUnavailable', message: 'GET status unavailable: Midtrans answered HTTP 500 (status_code 500)' });

  const body = notificationBody(o, 'capture');
  const viaFetch = await fetchWebhook(fp)(new Request('http://paystate.test/notifications', { method: 'POST', body }));
  expect(viaFetch.status).toBe(503);
  const app = express();
  app.post('/notifications', expressWebhook(fp));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((done) => server.once('listening', done));
  const port = (server.address() as { port: number }).port;
  const viaExpress = await fetch(`http://127.0.0.1:${port}/notifications`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  await new Promise((done) => server.close(done));
  expect(viaExpress.status).toBe(503);
  const fastify = Fastify();
  await fastify.register(fastifyWebhook, { paystate: fp, path: '/notifications' });
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  const fastifyPort = (fastify.server.address() as { port: number }).port;
  const viaFastify = await fetch(`http://127.0.0.1:${fastifyPort}/notifications`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  expect(viaFastify.status).toBe(503);
  expect(await viaFastify.json()).toMatchObject({ error: 'status_unavailable' });
  await fastify.close();

  expect(await paymentEvents(store)).toHaveLength(before);
  expect(await store.readRejections({})()).toEqual(E.right([]));
});

/** Twenty deliveries of one order at once, half on each of two replicas of the store. */
const race = async (store: EventStore) => {
  const o = cardOrder('confirm-race', 1, KEY);
  const statusOf = (st: 'capture' | 'settlement'): StatusFetcher => () => async () =>
    E.right({ kind: 'status_response', payload: statusBodyOf(notificationPayload(o, st)), request: { method: 'GET', path: `/v2/${o.orderId}/status` } });
  const a = createPaystate({ store, serverKey: KEY });
  const b = createPaystate({ store, serverKey: KEY });
  await charged(a, o);
  const before = (await paymentEvents(store)).length;
  const line = (st: 'capture' | 'settlement') => ({ kind: 'notification', payload: notificationPayload(o, st) });
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).ingestor.ingestConfirmed(line(i < 10 ? 'capture' : 'settlement'), statusOf(i < 10 ? 'capture' : 'settlement'))()),
  );
  expect(results.every(E.isRight)).toBe(true);
  const events = (await paymentEvents(store)).slice(before);
  const kinds = events.map((e) => (e.data as { line: { kind: string } }).line.kind);
  // Each status answer is followed by its notification: no append was split.
  expect(kinds).toEqual(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 'status_response' : 'notification')));
  const final = await a.payment(o.orderId)();
  expect(E.isRight(final) && final.right?.state.attempts.map((x) => x.status)).toEqual(['settlement']);
  expect(E.isRight(final) && final.right?.state.flags).toEqual([]);
};

test('concurrent deliveries over two replicas of one store: every notification recorded once with its status answer, the order as GET status says', () => race(getInMemoryEventStore()));

const pgTest = postgresSkipReason === undefined ? test : test.skip;
pgTest(`the same race on PostgreSQL${postgresSkipReason === undefined ? '' : ` (skipped: ${postgresSkipReason})`}`, async () => {
  const schema = freshSchema();
  const store = await openPostgres(schema);
  try {
    await race(store);
  } finally {
    await store.close();
    await dropSchema(schema);
  }
}, 30_000);

test('a fetcher that fails records nothing, and a forged notification never reaches it', async () => {
  const store = getInMemoryEventStore();
  const p = createPaystate({ store, serverKey: KEY });
  const o = cardOrder('confirm-fetcher', 1, KEY);
  await charged(p, o);
  let asked = 0;
  const down: StatusFetcher = () => async () => {
    asked++;
    return E.left(statusUnavailable('no answer within 5000 ms'));
  };
  const before = (await paymentEvents(store)).length;
  expect(await p.ingestor.ingestConfirmed({ kind: 'notification', payload: notificationPayload(o, 'capture') }, down)()).toEqual(E.left(statusUnavailable('no answer within 5000 ms')));
  const forged = await p.ingestor.ingestConfirmed({ kind: 'notification', payload: { ...notificationPayload(o, 'capture'), signature_key: '0'.repeat(128) } }, down)();
  expect(E.isRight(forged) && forged.right.outcome).toBe('rejected');
  expect(asked).toBe(1);
  expect(await paymentEvents(store)).toHaveLength(before);
});

test('a signed notification with another gross_amount: the status answer is recorded, the notification rejected and flagged once', async () => {
  const store = getInMemoryEventStore();
  const p = createPaystate({ store, serverKey: KEY, coreApi: { baseUrl: core.baseUrl } });
  const o = cardOrder('confirm-amount', 1, KEY);
  await charged(p, o);
  core.answers.set(o.orderId, { body: statusBodyOf(notificationPayload(o, 'capture')) });
  const other = { ...o, amount: o.amount + 1000 };
  const r = await p.ingestNotification(JSON.stringify(notificationPayload(other, 'capture')))();
  expect(E.isRight(r) && [r.right.outcome, r.right.decision.code, r.right.confirmedBy?.outcome]).toEqual(['rejected', 'amount_mismatch', 'applied']);
  // Twice: the second read comes from the ingestor's cache, the flag from the rejection log, once each.
  for (let i = 0; i < 2; i++) {
    const now = await p.payment(o.orderId)();
    expect(E.isRight(now) && now.right?.state.attempts.map((x) => x.status)).toEqual(['capture']);
    expect(E.isRight(now) && now.right?.state.flags.map((f) => f.flag)).toEqual(['rejected_input']);
  }
  const again = await p.ingestNotification(notificationBody(o, 'capture'))();
  expect(E.isRight(again) && [again.right.outcome, again.right.state?.flags.map((f) => f.flag)]).toEqual(['duplicate', ['rejected_input']]);
});
