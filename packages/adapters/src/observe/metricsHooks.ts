/**
 * What paystate reports to a metrics registry, as plain calls: the library calls these hooks and
 * knows nothing of Prometheus. `createPaystateMetrics` (entry `@paystate/adapters/metrics`, over
 * prom-client) implements them; without one nothing is measured.
 */

export interface PaystateMetrics {
  /** One observation decided (any source): its kind, outcome and, for a rejection, its reason code. */
  observation(kind: string, outcome: string, code: string): void;
  /** One webhook request answered (node:http, Express, Fastify or Fetch), with its HTTP status and duration. */
  webhookRequest(status: number, seconds: number): void;
  /**
   * One read API request answered: its HTTP status, its answer's code (`order`, `orders`,
   * `unknown_order`, `invalid_token`, `store_unavailable`, ...) and its duration. Optional, so
   * hooks written before the read API was timed still fit.
   */
  readRequest?(status: number, code: string, seconds: number): void;
  /** One append to the event store (group commit included), and whether it succeeded. */
  storeAppend(seconds: number, ok: boolean): void;
  /** A subscriber handled an event recorded `seconds` ago (0 once caught up), at `position`. */
  subscriptionLag(subscriber: string, seconds: number, position: number): void;
  /** After a reconciliation round: orders in the queue and how many of them have a deadline that passed. */
  reconciliation(queueSize: number, overdueDeadlines: number): void;
  /** One Core API call: its endpoint (the call's name), HTTP status or failure (`network`, `timeout`), duration. */
  coreApiCall(endpoint: string, status: string, seconds: number): void;
  /** The Prometheus text exposition, for `GET /metrics` (absent: the server has no `/metrics`). */
  exposition?(): Promise<{ readonly contentType: string; readonly body: string }>;
}

const nothing = (): void => undefined;

/** Measures nothing: the default. */
export const noMetrics: PaystateMetrics = {
  observation: nothing,
  webhookRequest: nothing,
  readRequest: nothing,
  storeAppend: nothing,
  subscriptionLag: nothing,
  reconciliation: nothing,
  coreApiCall: nothing,
};

/** Seconds since a `process.hrtime.bigint()` reading. */
export const secondsSince = (startedAt: bigint): number => Number(process.hrtime.bigint() - startedAt) / 1e9;
