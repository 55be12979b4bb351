/** @paystate/adapters/fastify — the notification webhook as a Fastify plugin. */
export { fastifyWebhook } from './http/fastifyWebhook';
export type { FastifyWebhookOptions } from './http/fastifyWebhook';
