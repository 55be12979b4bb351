/** @paystate/adapters/fastify — the notification webhook as a Fastify plugin. */
export { fastifyWebhook } from './http/frameworks';
export type { FastifyWebhookOptions } from './http/frameworks';
