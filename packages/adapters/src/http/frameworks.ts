/**
 * Thin Express and Fastify adapters over the `node:http` webhook handler: same raw-body limit,
 * same answers, same log hook. Mount them before any body parser (Express) or register them in
 * their own encapsulated context (Fastify: the plugin replaces the body parsers of its context).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { FastifyPluginCallback } from 'fastify';
import type { Paystate } from '../ingest/index';
import { createWebhookHandler, type WebhookOptions } from './webhook';

/** An Express handler for the notification route (`app.all('/notifications', expressWebhook(paystate))`); a Buffer `req.body` from `express.raw()` is used as the raw body. */
export const expressWebhook = (paystate: Pick<Paystate, 'ingestNotification'>, options: WebhookOptions = {}): RequestHandler => {
  const handle = createWebhookHandler(paystate, options);
  return (req: Request, res: Response, next: NextFunction) => {
    const body: unknown = req.body;
    handle(req, res, Buffer.isBuffer(body) ? body : undefined).catch(next);
  };
};

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
