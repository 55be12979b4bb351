/**
 * A thin Fastify adapter over the `node:http` webhook handler: same raw-body limit, same answers,
 * same log hook. Register it in its own encapsulated context: the plugin replaces the body parsers
 * of its context.
 */
import type { FastifyPluginCallback } from 'fastify';
import type { Paystate } from '../ingest/index';
import { createWebhookHandler, type WebhookOptions } from './webhook';

export interface FastifyWebhookOptions extends WebhookOptions {
  readonly paystate: Pick<Paystate, 'ingestNotification'>;
  /** The notification path (default `/notifications`). */
  readonly path?: string;
}

/** A Fastify plugin serving the notification route: the body is left unread by Fastify and read raw by the handler. */
export const fastifyWebhook: FastifyPluginCallback<FastifyWebhookOptions> = (fastify, options, done) => {
  const handle = createWebhookHandler(options.paystate, options);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, next) => next(null, undefined));
  fastify.route({
    method: ['POST', 'GET', 'PUT', 'PATCH', 'DELETE'],
    url: options.path ?? '/notifications',
    handler: async (request, reply) => {
      reply.hijack();
      await handle(request.raw, reply.raw);
    },
  });
  done();
};
