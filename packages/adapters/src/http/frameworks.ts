/**
 * Thin Express and Fastify adapters over the `node:http` webhook handler: same raw-body limit,
 * same answers, same log hook. Mount them before any body parser (Express) or register them in
 * their own encapsulated context (Fastify: the plugin replaces the body parsers of its context).
 *
 * Neither framework is imported, not even for its types: the handler and the plugin are typed by
 * the little of each framework they use, which Express 5's and Fastify 5's own types satisfy, so a
 * host type-checks without `@types/express` or `fastify` installed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PaystateApi } from '../plain/paystateAsync';
import { createWebhookHandler, type WebhookOptions } from './webhook';

// -------------------------------------------------------------------------------------------------
// Express
// -------------------------------------------------------------------------------------------------

/** An Express request handler: node's request (with the `body` a body parser may have set) and response. */
export type ExpressWebhookHandler = (req: IncomingMessage & { readonly body?: unknown }, res: ServerResponse, next: (err?: unknown) => void) => void;

/** An Express handler for the notification route (`app.all('/notifications', expressWebhook(paystate))`); a Buffer `req.body` from `express.raw()` is used as the raw body. */
export const expressWebhook = (paystate: PaystateApi<'ingestNotification'>, options: WebhookOptions = {}): ExpressWebhookHandler => {
  const handle = createWebhookHandler(paystate, options);
  return (req, res, next) => {
    const body = req.body;
    handle(req, res, Buffer.isBuffer(body) ? body : undefined).catch(next);
  };
};

// -------------------------------------------------------------------------------------------------
// Fastify
// -------------------------------------------------------------------------------------------------

export interface FastifyWebhookOptions extends WebhookOptions {
  /** The fp-ts API (`createPaystate`) or the Promise API (`createPaystateAsync`). */
  readonly paystate: PaystateApi<'ingestNotification'>;
  /** The notification path (default `/notifications`). */
  readonly path?: string;
}

/** The methods the webhook route answers (all but POST with 405). */
export type RouteMethod = 'DELETE' | 'GET' | 'PATCH' | 'POST' | 'PUT';

/** What the plugin uses of a Fastify instance. */
export interface FastifyWebhookInstance {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(contentType: string, parser: (request: unknown, payload: unknown, done: (err: Error | null, body?: undefined) => void) => void): void;
  route(options: {
    method: RouteMethod[];
    url: string;
    handler: (request: { readonly raw: IncomingMessage }, reply: { readonly raw: ServerResponse; hijack(): unknown }) => Promise<void>;
  }): unknown;
}

/** A Fastify plugin (callback style), for `app.register(fastifyWebhook, { paystate })`. */
export type FastifyWebhookPlugin = (instance: FastifyWebhookInstance, options: FastifyWebhookOptions, done: (err?: Error) => void) => void;

/** A Fastify plugin serving the notification route: the body is left unread by Fastify and read raw by the handler. */
export const fastifyWebhook: FastifyWebhookPlugin = (fastify, options, done) => {
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
