/**
 * Traces: with an OpenTelemetry SDK registered (in-memory exporter), ingestion, store appends,
 * Core API calls and reconciliation produce spans that name the order.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { createCoreApiClient } from '../../src/coreApi/index';
import { createPaystate, type Paystate } from '../../src/ingest/index';
import { cardOrder, chargeRequest, chargeResponse, notificationBody } from '../../src/midtrans/fixtures';
import { ORDER_ID, TRACER_NAME } from '../../src/observe/index';
import { createReconciler } from '../../src/reconcile/index';
import { getInMemoryEventStore } from '../../src/store/index';
import { startStub } from '../coreApi/support';
import { recordSpans } from './support';

const KEY = 'SB-Mid-server-TRACING-0b7c';
const tracing = recordSpans();
let paystate: Paystate;

beforeEach(() => {
  tracing.reset();
  paystate = createPaystate({ store: getInMemoryEventStore(), serverKey: KEY });
});
afterEach(() => paystate.close());
afterAll(() => tracing.stop());

const named = (name: string) => tracing.spans().filter((s) => s.name === name);

test('ingest and store append spans, with the order id, the kind and the outcome', async () => {
  const o = cardOrder('tracing', 1, KEY);
  await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)();
  const r = await paystate.ingestNotification(notificationBody(o, 'capture'))();
  expect(E.isRight(r) && r.right.outcome).toBe('applied');
  const ingests = named('paystate.ingest');
  expect(ingests.map((s) => [s.attributes['paystate.observation.kind'], s.attributes[ORDER_ID], s.attributes['paystate.outcome']])).toEqual([
    ['charge_request', o.orderId, 'applied'],
    ['charge_response', o.orderId, 'applied'],
    ['notification', o.orderId, 'applied'],
  ]);
  const appends = named('paystate.store.append');
  expect(appends).toHaveLength(3);
  for (const s of appends) expect([s.attributes[ORDER_ID], s.attributes['paystate.stream_id'], s.status.code]).toEqual([o.orderId, `order:${o.orderId}`, SpanStatusCode.UNSET]);
  expect(tracing.spans().every((s) => s.instrumentationScope.name === TRACER_NAME)).toBe(true);
});

test('a rejected notification: the span says so, with the reason code; a store failure marks the span as an error', async () => {
  const o = cardOrder('tracing', 2, KEY);
  await paystate.ingestNotification(notificationBody({ ...o, serverKey: 'SB-Mid-server-WRONG' }, 'capture'))();
  expect(named('paystate.ingest')[0]!.attributes).toMatchObject({ [ORDER_ID]: o.orderId, 'paystate.outcome': 'rejected', 'paystate.reason_code': expect.any(String) });
  tracing.reset();
  await paystate.store.close();
  await paystate.ingestNotification(notificationBody(o, 'capture'))();
  expect(named('paystate.ingest').map((s) => [s.status.code, s.status.message])).toEqual([[SpanStatusCode.ERROR, 'StoreUnavailable']]);
});

test('a Core API call: one span per call with the endpoint, the order and the HTTP status', async () => {
  const o = cardOrder('tracing', 3, KEY);
  await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)();
  const stub = await startStub();
  try {
    stub.script({ status: 404, body: { status_code: '404', status_message: 'Transaction doesn\u2019t exist.' } });
    const client = createCoreApiClient({ baseUrl: stub.url, serverKey: KEY, ingestor: paystate.ingestor, retries: 0 });
    tracing.reset();
    await client.status(o.orderId)();
  } finally {
    await stub.close();
  }
  const calls = named('paystate.core_api.status');
  expect(calls.map((s) => s.attributes)).toEqual([{ 'paystate.core_api.endpoint': 'status', 'http.request.method': 'GET', [ORDER_ID]: o.orderId, 'http.response.status_code': 404 }]);
  // The answer is recorded too: an ingest span for it.
  expect(named('paystate.ingest').map((s) => s.attributes['paystate.observation.kind'])).toEqual(['status_response']);
});

test('reconciliation: a span per round and one per order checked', async () => {
  const o = cardOrder('tracing', 4, KEY);
  await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)();
  const reconciler = createReconciler({ client: { status: () => TE.left({ _tag: 'Network', call: 'status', message: 'down', attempts: 1 }) }, ingestor: paystate.ingestor });
  tracing.reset();
  const r = await reconciler.reconcileOnce(new Date('2030-01-01T00:00:00Z'))();
  expect(E.isRight(r) && r.right.checked.length).toBe(1);
  expect(named('paystate.reconcile').map((s) => s.attributes)).toEqual([{ 'paystate.reconcile.at': '2030-01-01T00:00:00.000Z', 'paystate.reconcile.due': 1, 'paystate.reconcile.checked': 1 }]);
  expect(named('paystate.reconcile.check').map((s) => s.attributes[ORDER_ID])).toEqual([o.orderId]);
});
