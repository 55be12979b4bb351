/**
 * A thin Express adapter over the `node:http` webhook handler: same raw-body limit, same answers,
 * same log hook. Mount it before any body parser.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
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
