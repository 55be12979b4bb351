/**
 * The Core API transport, observed: each call (its retries included) in a span, counted by
 * endpoint and status, and logged. The path is never logged, as a card registration carries the
 * card in its query; bodies never are.
 */
import * as E from 'fp-ts/lib/Either.js';
import { inSpan, leftTag, ORDER_ID, secondsSince, type Logger, type PaystateMetrics } from '../observe/index';
import type { CoreApiCall } from './errors';
import type { HttpRequest, HttpResponse, Transport, TransportFailure } from './transport';

export type ObservedTransport = (call: CoreApiCall, req: HttpRequest, orderId: string | undefined) => Promise<E.Either<TransportFailure, HttpResponse>>;

export const observeTransport =
  (send: Transport, o: { readonly logger: Logger; readonly metrics: PaystateMetrics; readonly redact: (s: string) => string }): ObservedTransport =>
  (call, req, orderId) =>
    inSpan(
      `paystate.core_api.${call}`,
      { 'paystate.core_api.endpoint': call, 'http.request.method': req.method, ...(orderId !== undefined ? { [ORDER_ID]: orderId } : {}) },
      async (span) => {
        const startedAt = process.hrtime.bigint();
        const r = await send(req)();
        const status = E.isRight(r) ? String(r.right.httpStatus) : r.left._tag.toLowerCase();
        const seconds = secondsSince(startedAt);
        o.metrics.coreApiCall(call, status, seconds);
        const fields = { endpoint: call, status, attempts: E.isRight(r) ? r.right.attempts : r.left.attempts, ms: Math.round(seconds * 1e5) / 100, ...(orderId !== undefined ? { order_id: orderId } : {}) };
        if (E.isLeft(r)) o.logger.warn({ ...fields, cause: o.redact(r.left._tag === 'Network' ? r.left.message : `no answer within ${r.left.timeoutMs} ms`) }, `Core API ${call} failed`);
        else if (r.right.httpStatus >= 500) o.logger.warn(fields, `Core API ${call} answered ${status}`);
        else o.logger.debug(fields, `Core API ${call} answered ${status}`);
        if (E.isRight(r)) span.setAttribute('http.response.status_code', r.right.httpStatus);
        return r;
      },
      leftTag,
    );

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** The order a call concerns: the charge body's order_id, or the id in the path (`/v2/{id}/...`). */
export const orderIdOfCall = (call: CoreApiCall, path: string, body: unknown): string | undefined => {
  if (call === 'charge') {
    const details = isRecord(body) ? body['transaction_details'] : undefined;
    return isRecord(details) && typeof details['order_id'] === 'string' ? details['order_id'] : undefined;
  }
  const m = /^\/v2\/([^/?]+)\//.exec(path);
  if (m?.[1] === undefined) return undefined;
  const id = m[1];
  return E.getOrElse(() => id)(E.tryCatch(() => decodeURIComponent(id), () => undefined));
};
