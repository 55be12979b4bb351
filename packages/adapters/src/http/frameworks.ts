/**
 * Both framework adapters. Each lives in a file of its own so that a package entry (and its
 * declarations) names only the framework it serves: `/express` must type-check without fastify.
 */
export { expressWebhook } from './expressWebhook';
export { fastifyWebhook } from './fastifyWebhook';
export type { FastifyWebhookOptions } from './fastifyWebhook';
