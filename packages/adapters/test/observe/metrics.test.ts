/**
 * Metrics: the corpus (corpus/*.json) posted to the server (notifications over HTTP, every other
 * observation through the embedding API), `GET /metrics` parsed as Prometheus text after each
 * file, the counters moving by what the file held; Core API calls and reconciliation gauges too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { Counter, Registry } from 'prom-client';
import { createCoreApiClient } from '../../src/coreApi/index';
import { createPaystate, type Paystate, type RawObservation } from '../../src/ingest/index';
import { createPaystateMetrics, METRIC_NAMES, registerRejectionLogMetrics } from '../../src/metrics';
import { cardOrder, chargeRequest, chargeResponse } from '../../src/midtrans/fixtures';
import { createReconciler } from '../../src/reconcile/index';
import { getInMemoryEventStore } from '../../src/store/index';
import { send, startInProcess, type InProcess } from '../http/support/http';
import { startStub } from '../coreApi/support';
import { parsePrometheus, total, type Exposition } from './support';

const CORPUS = join(__dirname, '..', '..', '..', '..', 'corpus');
const files = readdirSync(CORPUS).filter((f) => f.endsWith('.json')).sort();

interface Scenario {
  readonly server_key: string;
  readonly events: readonly (RawObservation & { readonly kind: string })[];
}

const scrape = async (port: number): Promise<Exposition> => {
  const r = await send(port, { method: 'GET', path: '/metrics' });
  expect(r.status).toBe(200);
  expect(String(r.headers['content-type'])).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(r.text);
};

describe('GET /metrics while the corpus is posted', () => {
  const metrics = createPaystateMetrics();
  const keys = new Set(files.map((f) => (JSON.parse(readFileSync(join(CORPUS, f), 'utf8')) as Scenario).server_key));
  let paystate: Paystate;
  let server: InProcess;

  beforeAll(async () => {
    expect(keys.size).toBe(1); // one key signs the whole corpus, so one paystate takes it all
    paystate = createPaystate({ store: getInMemoryEventStore(), serverKey: [...keys][0]!, metrics });
    server = await startInProcess(paystate);
  });
  afterAll(async () => {
    await server.close();
    await paystate.close();
  });

  test('the families are declared with their types', async () => {
    const e = await scrape(server.port);
    expect(Object.fromEntries([...e.types].filter(([n]) => n.startsWith('paystate_')))).toEqual({
      [METRIC_NAMES.observations]: 'counter',
      [METRIC_NAMES.rejections]: 'counter',
      [METRIC_NAMES.webhookDuration]: 'histogram',
      [METRIC_NAMES.readRequests]: 'counter',
      [METRIC_NAMES.readDuration]: 'histogram',
      [METRIC_NAMES.storeAppendDuration]: 'histogram',
      [METRIC_NAMES.subscriptionLag]: 'gauge',
      [METRIC_NAMES.subscriptionPosition]: 'gauge',
      [METRIC_NAMES.reconciliationQueue]: 'gauge',
      [METRIC_NAMES.overdueDeadlines]: 'gauge',
      [METRIC_NAMES.coreApiCalls]: 'counter',
      [METRIC_NAMES.coreApiDuration]: 'histogram',
    });
  });

  test.each(files)('%s moves the counters by what it holds', async (file) => {
    const scenario = JSON.parse(readFileSync(join(CORPUS, file), 'utf8')) as Scenario;
    const before = await scrape(server.port);
    const statuses: number[] = [];
    const outcomes: string[] = [];
    for (const event of scenario.events) {
      if (event.kind === 'notification') {
        const r = await send(server.port, { body: JSON.stringify(event.payload) });
        statuses.push(r.status);
        outcomes.push((JSON.parse(r.text) as { outcome?: string }).outcome ?? 'none');
      } else {
        const r = await paystate.ingest(event)();
        if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
        outcomes.push(r.right.outcome);
      }
    }
    const after = await scrape(server.port);
    const moved = (name: string, labels: Record<string, string> = {}) => total(after, name, labels) - total(before, name, labels);

    expect(moved(METRIC_NAMES.observations)).toBe(scenario.events.length);
    for (const outcome of new Set(outcomes)) expect([outcome, moved(METRIC_NAMES.observations, { outcome })]).toEqual([outcome, outcomes.filter((o) => o === outcome).length]);
    expect(moved(METRIC_NAMES.rejections)).toBe(outcomes.filter((o) => o === 'rejected').length);
    expect(moved(`${METRIC_NAMES.webhookDuration}_count`)).toBe(statuses.length);
    for (const status of new Set(statuses))
      expect([status, moved(`${METRIC_NAMES.webhookDuration}_count`, { status: String(status) })]).toEqual([status, statuses.filter((s) => s === status).length]);
    // Every observation that was not rejected was appended once (or more, when a version conflict was retried).
    expect(moved(`${METRIC_NAMES.storeAppendDuration}_count`, { result: 'ok' })).toBeGreaterThanOrEqual(outcomes.filter((o) => o !== 'rejected').length);
  });

  test('the scrape itself is neither an observation nor a webhook request', async () => {
    const a = await scrape(server.port);
    const b = await scrape(server.port);
    expect(total(b, METRIC_NAMES.observations)).toBe(total(a, METRIC_NAMES.observations));
    expect(total(b, `${METRIC_NAMES.webhookDuration}_count`)).toBe(total(a, `${METRIC_NAMES.webhookDuration}_count`));
  });
});

test('no metrics given: no /metrics route (404), nothing else changes', async () => {
  const paystate = createPaystate({ store: getInMemoryEventStore(), serverKey: 'SB-Mid-server-NONE' });
  const server = await startInProcess(paystate);
  try {
    expect((await send(server.port, { method: 'GET', path: '/metrics' })).status).toBe(404);
  } finally {
    await server.close();
  }
});

test('Core API calls by endpoint and status, subscription lag, reconciliation queue and overdue deadlines', async () => {
  const KEY = 'SB-Mid-server-METRICS-CORE';
  const metrics = createPaystateMetrics();
  const paystate = createPaystate({ store: getInMemoryEventStore(), serverKey: KEY, metrics });
  const stub = await startStub();
  try {
    const o = cardOrder('metrics', 1, KEY);
    await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)();
    const client = createCoreApiClient({ baseUrl: stub.url, serverKey: KEY, ingestor: paystate.ingestor, metrics, retries: 0 });
    stub.script({ status: 404, body: { status_code: '404', status_message: 'not found' } }, { status: 500, body: { status_code: '500' } });
    await client.status(o.orderId)();
    await client.status(o.orderId)();
    const sub = paystate.subscribe(async () => undefined, { subscriberId: 'shipping', pollIntervalMs: 10 });
    await sub.caughtUp();
    await sub.stop();
    // Far in the future, the order's next deadline has passed: it is queued, with an overdue deadline.
    const reconciler = createReconciler({ client: { status: () => TE.left({ _tag: 'Network', call: 'status', message: 'down', attempts: 1 }) }, ingestor: paystate.ingestor, metrics });
    await reconciler.reconcileOnce(new Date('2030-01-01T00:00:00Z'))();

    const e = parsePrometheus((await metrics.exposition()).body);
    expect(total(e, METRIC_NAMES.coreApiCalls, { endpoint: 'status', status: '404' })).toBe(1);
    expect(total(e, METRIC_NAMES.coreApiCalls, { endpoint: 'status', status: '500' })).toBe(1);
    expect(total(e, `${METRIC_NAMES.coreApiDuration}_count`, { endpoint: 'status' })).toBe(2);
    expect(total(e, METRIC_NAMES.subscriptionLag, { subscriber: 'shipping' })).toBe(0);
    expect(total(e, METRIC_NAMES.subscriptionPosition, { subscriber: 'shipping' })).toBeGreaterThanOrEqual(2);
    expect(total(e, METRIC_NAMES.reconciliationQueue)).toBe(1);
    expect(total(e, METRIC_NAMES.overdueDeadlines)).toBe(1);
  } finally {
    await stub.close();
    await paystate.close();
  }
});

test('an app registry: paystate’s metrics are added beside the app’s own', async () => {
  const registry = new Registry();
  new Counter({ name: 'app_orders_total', help: 'the app’s own', registers: [registry] }).inc();
  createPaystateMetrics(registry).observation('notification', 'applied', 'ok');
  const e = parsePrometheus(await registry.metrics());
  expect(total(e, 'app_orders_total')).toBe(1);
  expect(total(e, METRIC_NAMES.observations, { kind: 'notification', outcome: 'applied' })).toBe(1);
});

test('the Grafana dashboard and docs/operating.md name only metrics paystate exports, and the dashboard shows each family', () => {
  const docs = join(__dirname, '..', '..', '..', '..', 'docs');
  const families = new Set<string>(Object.values(METRIC_NAMES));
  const familyOf = (n: string) => n.replace(/_(bucket|count|sum)$/, '');
  const dashboard = JSON.parse(readFileSync(join(docs, 'grafana-dashboard.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
  const inDashboard = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => [...t.expr.matchAll(/\bpaystate_[a-z_]+/g)].map((m) => familyOf(m[0])))));
  expect([...inDashboard].filter((n) => !families.has(n))).toEqual([]);
  // Every family but the subscription position is on a panel.
  expect([...families].filter((n) => !inDashboard.has(n))).toEqual([METRIC_NAMES.subscriptionPosition]);
  const operating = readFileSync(join(docs, 'operating.md'), 'utf8');
  const inDocs = new Set([...operating.matchAll(/\bpaystate_[a-z_]+/g)].map((m) => familyOf(m[0])).filter((n) => !/^paystate_(process|nodejs)_/.test(n)));
  expect([...inDocs].filter((n) => !families.has(n))).toEqual([]);
  for (const n of families) expect(inDocs).toContain(n);
});

test('the rejection log gauges read the store at each scrape: bytes kept under no order, rows and bytes dropped', async () => {
  const store = getInMemoryEventStore({ rejectionLog: { maxBytes: 2000 } });
  const registry = new Registry();
  registerRejectionLogMetrics(registry, store);
  const at = async () => {
    const e = parsePrometheus(await registry.metrics());
    return [total(e, METRIC_NAMES.rejectionLogBytes), total(e, METRIC_NAMES.rejectionLogDroppedRows), total(e, METRIC_NAMES.rejectionLogDroppedBytes)];
  };
  expect(await at()).toEqual([0, 0, 0]);
  for (let i = 0; i < 5; i++) await store.recordRejection({ receivedAt: 't', kind: 'notification', orderId: null, reason: 'r', rawBody: 'x'.repeat(500) })();
  const stats = await store.rejectionLogStats()();
  expect(E.isRight(stats) && stats.right.droppedRows).toBeGreaterThan(0);
  expect(await at()).toEqual(E.isRight(stats) ? [stats.right.unfiledBytes, stats.right.droppedRows, stats.right.droppedBytes] : []);
});
