/** Observability: the logger interface, the metrics hooks and the spans. */
export { loggerOf, maskingLogger, maskPans, silentLogger } from './logger';
export type { LogFn, Logger } from './logger';
export { noMetrics, secondsSince } from './metricsHooks';
export type { PaystateMetrics } from './metricsHooks';
export { inSpan, leftTag, ORDER_ID, TRACER_NAME } from './tracing';
