/**
 * The HTTP edge: the Midtrans notification webhook for `node:http` (Express and Fastify have entries of their own), its one
 * status table, and the server `paystate serve` runs.
 */
export { httpAnswer, rejectedField } from './answer';
export type { HttpAnswer, WebhookEvent } from './answer';
export { DEFAULT_DEADLINE_MS, withinDeadline } from './deadline';
export { DEFAULT_MAX_BODY_BYTES, discardRest, readRawBody } from './rawBody';
export type { BodyError } from './rawBody';
export { answerAndReport, createNotificationReceiver, createWebhookHandler, logEntry, logRequest, observersOf, pathOf, requestIdOf, writeAnswer } from './webhook';
export type { NodeHandler, NotificationReceiver, RequestLogEntry, WebhookOptions } from './webhook';
export { NOTIFICATION_PATHS, createPaystateServer, healthAnswer, listen, stopServer } from './server';
export type { ServerOptions, ServerRoute } from './server';
export { MAX_ORDER_ID_LENGTH, createReadApi, createReadHandler, isReadPath } from './readApi';
export type { ReadAnswer, ReadApiOptions, ReadRequest } from './readApi';
