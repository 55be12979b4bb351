/**
 * @paystate/adapters/metrics — paystate's Prometheus metrics over prom-client (an optional peer
 * dependency: install it to use this entry). Pass the result as `metrics` to `createPaystate`,
 * the webhook handlers, the server, the Core API client and the reconciler; the server then
 * answers `GET /metrics`. Give it your app's registry to expose paystate's metrics beside yours.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import * as E from 'fp-ts/lib/Either.js';
import type { PaystateMetrics } from './observe/index';
import type { EventStore } from './store/index';

export type { PaystateMetrics } from './observe/index';

/** The metric names, for dashboards and alerts. */
export const METRIC_NAMES = {
  observations: 'paystate_observations_total',
  rejections: 'paystate_rejections_total',
  webhookDuration: 'paystate_webhook_request_duration_seconds',
  readRequests: 'paystate_read_requests_total',
  readDuration: 'paystate_read_request_duration_seconds',
  storeAppendDuration: 'paystate_store_append_duration_seconds',
  subscriptionLag: 'paystate_subscription_lag_seconds',
  subscriptionPosition: 'paystate_subscription_position',
  reconciliationQueue: 'paystate_reconciliation_queue_size',
  overdueDeadlines: 'paystate_reconciliation_overdue_deadlines',
  coreApiCalls: 'paystate_core_api_calls_total',
  coreApiDuration: 'paystate_core_api_call_duration_seconds',
  rejectionLogBytes: 'paystate_rejection_log_unfiled_bytes',
  rejectionLogDroppedRows: 'paystate_rejection_log_dropped_rows',
  rejectionLogDroppedBytes: 'paystate_rejection_log_dropped_bytes',
} as const;

/** paystate's metrics with their registry (a new one unless given). */
export interface PaystateMetricsRegistry extends PaystateMetrics {
  readonly registry: Registry;
  exposition(): Promise<{ readonly contentType: string; readonly body: string }>;
}

// A notification is answered in milliseconds; Midtrans gives up after seconds.
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Registers paystate's metrics in `registry` (a new registry by default). */
export const createPaystateMetrics = (registry: Registry = new Registry()): PaystateMetricsRegistry => {
  const registers = [registry];
  const observations = new Counter({ name: METRIC_NAMES.observations, help: 'Observations decided, by kind and outcome.', labelNames: ['kind', 'outcome'], registers });
  const rejections = new Counter({ name: METRIC_NAMES.rejections, help: 'Rejected observations, by reason code.', labelNames: ['code'], registers });
  const webhook = new Histogram({ name: METRIC_NAMES.webhookDuration, help: 'Webhook requests, by HTTP status: time from the request to the answer.', labelNames: ['status'], buckets: LATENCY_BUCKETS, registers });
  const reads = new Counter({ name: METRIC_NAMES.readRequests, help: "Read API requests, by HTTP status and the answer's code.", labelNames: ['status', 'code'], registers });
  const readDuration = new Histogram({ name: METRIC_NAMES.readDuration, help: 'Read API requests, by HTTP status: time from the request to the answer.', labelNames: ['status'], buckets: LATENCY_BUCKETS, registers });
  const append = new Histogram({ name: METRIC_NAMES.storeAppendDuration, help: 'Appends to the event store (commit included), by result.', labelNames: ['result'], buckets: LATENCY_BUCKETS, registers });
  const lag = new Gauge({ name: METRIC_NAMES.subscriptionLag, help: 'Age of the event a subscriber handled last (0 once caught up), per subscriber.', labelNames: ['subscriber'], registers });
  const position = new Gauge({ name: METRIC_NAMES.subscriptionPosition, help: 'The global position a subscriber has handled, per subscriber.', labelNames: ['subscriber'], registers });
  const queue = new Gauge({ name: METRIC_NAMES.reconciliationQueue, help: 'Orders waiting for reconciliation after the last round.', registers });
  const overdue = new Gauge({ name: METRIC_NAMES.overdueDeadlines, help: 'Orders in the reconciliation queue whose deadline has passed, after the last round.', registers });
  const calls = new Counter({ name: METRIC_NAMES.coreApiCalls, help: 'Core API calls, by endpoint and HTTP status (or network, timeout).', labelNames: ['endpoint', 'status'], registers });
  const callDuration = new Histogram({ name: METRIC_NAMES.coreApiDuration, help: 'Core API calls, retries included, by endpoint.', labelNames: ['endpoint'], buckets: LATENCY_BUCKETS, registers });
  return {
    registry,
    observation: (kind, outcome, code) => {
      observations.inc({ kind, outcome });
      if (outcome === 'rejected') rejections.inc({ code });
    },
    webhookRequest: (status, seconds) => webhook.observe({ status: String(status) }, seconds),
    readRequest: (status, code, seconds) => {
      reads.inc({ status: String(status), code });
      readDuration.observe({ status: String(status) }, seconds);
    },
    storeAppend: (seconds, ok) => append.observe({ result: ok ? 'ok' : 'error' }, seconds),
    subscriptionLag: (subscriber, seconds, at) => {
      lag.set({ subscriber }, seconds);
      position.set({ subscriber }, at);
    },
    reconciliation: (size, late) => {
      queue.set(size);
      overdue.set(late);
    },
    coreApiCall: (endpoint, status, seconds) => {
      calls.inc({ endpoint, status });
      callDuration.observe({ endpoint }, seconds);
    },
    exposition: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
};

/**
 * Exposes the store's rejection log gauges (read from the store at each scrape, so they hold
 * across restarts and processes): what its rows under no order take, and what the caps have
 * dropped since the store was created. A scrape while the store fails leaves them out.
 */
export const registerRejectionLogMetrics = (registry: Registry, store: Pick<EventStore, 'rejectionLogStats'>): void => {
  const gauge = (name: string, help: string, pick: (s: { unfiledBytes: number; droppedRows: number; droppedBytes: number }) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const s = await store.rejectionLogStats()();
        if (E.isRight(s)) this.set(pick(s.right));
      },
    });
  gauge(METRIC_NAMES.rejectionLogBytes, "Bytes the rejection log's rows under no order (unauthenticated input) count against its cap.", (s) => s.unfiledBytes);
  gauge(METRIC_NAMES.rejectionLogDroppedRows, "Rows the rejection log's caps have dropped since the store was created.", (s) => s.droppedRows);
  gauge(METRIC_NAMES.rejectionLogDroppedBytes, "Bytes the rejection log's caps have dropped since the store was created.", (s) => s.droppedBytes);
};
