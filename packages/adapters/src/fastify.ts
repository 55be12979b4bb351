/** @paystate/adapters/fastify — the notification webhook as a Fastify plugin (no Fastify types needed to compile against it). */
export { fastifyWebhook } from './http/frameworks';
export type { FastifyWebhookInstance, FastifyWebhookOptions, FastifyWebhookPlugin } from './http/frameworks';
export type { WebhookOptions } from './http/webhook';
export type { PaystateApi } from './plain/index';
export type { RouteMethod } from './http/frameworks';
