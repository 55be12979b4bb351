/**
 * Every HTTP edge reports to the same metrics: the Fetch webhook handler times its requests by
 * status as the node:http one does (and logs them the same way), and the read API, behind the
 * server or called directly, counts its requests by status and code and times them, apart from
 * the webhook's histogram.
 */
import * as E from 'fp-ts/lib/Either.js';
import { createReadApi } from '../../src/http/readApi';
import { fetchWebhook } from '../../src/http/fetchWebhook';
import { createPaystate } from '../../src/ingest/index';
import { createPaystateMetrics, METRIC_NAMES } from '../../src/metrics';
import { cardOrder, chargeRequest, chargeResponse, notificationBody } from '../../src/midtrans/fixtures';
import { getInMemoryEventStore } from '../../src/store/index';
import { send, startInProcess } from '../http/support/http';
import { captureLogger, parsePrometheus, total } from './support';

const KEY = 'SB-Mid-server-HANDLER-METRICS';
const TOKEN = 'read-token-handler-metrics-0123';

const scrapeOf = async (metrics: ReturnType<typeof createPaystateMetrics>) => parsePrometheus((await metrics.exposition()).body);

const opened = async (name: string) => {
  const metrics = createPaystateMetrics();
  const { lines, logger } = captureLogger();
  const paystate = createPaystate({ store: getInMemoryEventStore(), serverKey: KEY, metrics, logger });
  const o = cardOrder(name, 1, KEY);
  expect(E.isRight(await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)())).toBe(true);
  return { metrics, lines, paystate, o };
};

test('the Fetch webhook handler feeds the metrics and the logger given to createPaystate, by status', async () => {
  const { metrics, lines, paystate, o } = await opened('metrics-fetch');
  const handle = fetchWebhook(paystate);
  const post = (body: string, method = 'POST') =>
    handle(new Request('http://localhost/notifications', { method, ...(method === 'POST' ? { body } : {}) }));
  expect((await post(notificationBody(o, 'capture'))).status).toBe(200);
  expect((await post(notificationBody(o, 'capture'))).status).toBe(200);
  expect((await post('{"order_id":')).status).toBe(400);
  expect((await post('', 'GET')).status).toBe(405);
  const e = await scrapeOf(metrics);
  expect(total(e, `${METRIC_NAMES.webhookDuration}_count`, { status: '200' })).toBe(2);
  expect(total(e, `${METRIC_NAMES.webhookDuration}_count`, { status: '400' })).toBe(1);
  expect(total(e, `${METRIC_NAMES.webhookDuration}_count`, { status: '405' })).toBe(1);
  expect(total(e, `${METRIC_NAMES.webhookDuration}_sum`)).toBeGreaterThan(0);
  // The outcomes, as from the node:http handler: the capture applied, its redelivery a duplicate, the junk rejected.
  expect(total(e, METRIC_NAMES.observations, { kind: 'notification', outcome: 'applied' })).toBe(1);
  expect(total(e, METRIC_NAMES.observations, { kind: 'notification', outcome: 'duplicate' })).toBe(1);
  expect(lines.filter((l) => l['path'] === '/notifications').map((l) => [l.level, l['status']])).toEqual([
    ['info', 200],
    ['info', 200],
    ['warn', 400],
    ['warn', 405],
  ]);
  await paystate.close();
});

test('the read API behind the server counts and times its requests by status and code, not as webhook requests', async () => {
  const { metrics, paystate, o } = await opened('metrics-read');
  const server = await startInProcess(paystate, { readToken: TOKEN });
  try {
    const get = (path: string, token: string | null = TOKEN) => send(server.port, { method: 'GET', path, headers: token === null ? {} : { authorization: `Bearer ${token}` } });
    expect((await get(`/orders/${o.orderId}`)).status).toBe(200);
    expect((await get('/orders/nobody')).status).toBe(404);
    expect((await get('/orders?attention=review')).status).toBe(200);
    expect((await get(`/orders/${o.orderId}`, 'wrong-token-wrong-token')).status).toBe(401);
    expect((await get(`/orders/${o.orderId}`, null)).status).toBe(401);
    const e = await scrapeOf(metrics);
    const reads = (status: string, code: string) => total(e, METRIC_NAMES.readRequests, { status, code });
    expect([reads('200', 'order'), reads('404', 'unknown_order'), reads('200', 'orders'), reads('401', 'invalid_token'), reads('401', 'unauthorized')]).toEqual([1, 1, 1, 1, 1]);
    expect(total(e, `${METRIC_NAMES.readDuration}_count`, { status: '200' })).toBe(2);
    expect(total(e, `${METRIC_NAMES.readDuration}_count`)).toBe(5);
    expect(total(e, `${METRIC_NAMES.webhookDuration}_count`)).toBe(0);
  } finally {
    await server.close();
    await paystate.close();
  }
});

test('createReadApi reports to the metrics it is given, a failing store as 503 store_unavailable', async () => {
  const metrics = createPaystateMetrics();
  const store = getInMemoryEventStore();
  const read = createReadApi(store, { token: TOKEN, metrics });
  expect((await read({ method: 'GET', url: '/orders/x', authorization: `Bearer ${TOKEN}` })).status).toBe(404);
  await store.close();
  expect((await read({ method: 'GET', url: '/orders/x', authorization: `Bearer ${TOKEN}` })).status).toBe(503);
  const e = await scrapeOf(metrics);
  expect(total(e, METRIC_NAMES.readRequests, { status: '503', code: 'store_unavailable' })).toBe(1);
  expect(total(e, METRIC_NAMES.readRequests)).toBe(2);
});
