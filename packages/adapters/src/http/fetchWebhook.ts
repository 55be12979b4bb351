/**
 * The notification webhook for the Fetch API (`Request` → `Response`: Hono, Next.js route
 * handlers, Bun, Deno, Cloudflare-style runtimes): the same raw-body limit, deadline, status
 * table, log hook, logger and metrics as the `node:http` handler.
 */
import { fpApi, type PaystateApi } from '../plain/paystateAsync';
import { httpAnswer, type HttpAnswer } from './answer';
import { DEFAULT_MAX_BODY_BYTES } from './rawBody';
import { createNotificationReceiver, logRequest, observersOf, saneRequestId, type RequestLogEntry, type WebhookOptions } from './webhook';

/** A Fetch API handler: `app.post('/notifications', (c) => handle(c.req.raw))` in Hono, `export const POST = handle` in Next.js. */
export type FetchHandler = (request: Request) => Promise<Response>;

type Body = { readonly _tag: 'Read'; readonly text: string } | { readonly _tag: 'TooLarge' } | { readonly _tag: 'Unreadable'; readonly cause: string };

/** Reads at most `limit` bytes of the body and decodes them as the `node:http` handler does (UTF-8, a BOM kept). */
const readBody = async (request: Request, limit: number): Promise<Body> => {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return { _tag: 'TooLarge' };
  if (request.body === null) return { _tag: 'Read', text: '' };
  if (request.bodyUsed) return { _tag: 'Unreadable', cause: 'the body was already read by another middleware' };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        return { _tag: 'TooLarge' };
      }
      chunks.push(value);
    }
  } catch (e) {
    return { _tag: 'Unreadable', cause: e instanceof Error ? e.message : String(e) };
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { _tag: 'Read', text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes) };
};

const toResponse = (a: HttpAnswer): Response =>
  new Response(JSON.stringify(a.body), { status: a.status, headers: { 'content-type': 'application/json; charset=utf-8', ...a.headers } });

/**
 * The Midtrans notification webhook as a Fetch API handler, over the fp-ts (`createPaystate`) or
 * the Promise (`createPaystateAsync`) API: POST only, the body read raw up to the limit, 200 once
 * the outcome is durable, 400 naming the field, 401 for a bad signature, 404 for an order not
 * known yet, 413, 503 when the store is down.
 */
export const fetchWebhook = (paystate: PaystateApi<'ingestNotification'>, options: WebhookOptions = {}): FetchHandler => {
  const receiver = createNotificationReceiver(fpApi(paystate), options);
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  // The same logger and metrics as the node:http handler: its options', else the paystate API's.
  const observers = observersOf(paystate, options);
  return async (request) => {
    const startedAt = performance.now();
    const requestId = saneRequestId(request.headers.get('x-request-id'));
    const finish = (a: HttpAnswer): Response => {
      const ms = performance.now() - startedAt;
      const entry: RequestLogEntry = {
        request_id: requestId,
        method: request.method,
        path: new URL(request.url, 'http://localhost').pathname,
        status: a.status,
        outcome: a.outcome,
        code: a.code,
        order_id: a.orderId,
        ms: Math.round(ms * 100) / 100,
      };
      options.onRequest?.(entry);
      observers.metrics.webhookRequest(a.status, ms / 1000);
      logRequest(observers.logger, entry, a.cause);
      const response = toResponse(a);
      response.headers.set('x-request-id', requestId);
      return response;
    };
    if (request.method !== 'POST') return finish(httpAnswer({ _tag: 'MethodNotAllowed', method: request.method }));
    const body = await readBody(request, limit);
    switch (body._tag) {
      case 'TooLarge':
        return finish(httpAnswer({ _tag: 'TooLarge', limit }));
      case 'Unreadable':
        // A body another middleware consumed, or a client that went away: nothing was recorded.
        return finish(httpAnswer({ _tag: 'Internal', cause: body.cause }));
      case 'Read':
        return finish(await receiver.receive(body.text));
    }
  };
};
