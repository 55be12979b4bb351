/**
 * The one table from what happened to a notification to the HTTP answer Midtrans gets: 200 only
 * for an observation durably recorded (a notification GET status contradicted included: the truth
 * is recorded and a retry cannot change it), 4xx for input that will never be accepted as sent,
 * 404 and 503 where a later retry may succeed (503 too when confirm mode cannot ask GET status).
 */
import type { IngestResult } from '../ingest/index';
import { formatStoreError, type StoreError } from '../store/index';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/** What the webhook did with one request, before it becomes HTTP. */
export type WebhookEvent =
  | { readonly _tag: 'Ingested'; readonly result: IngestResult }
  | { readonly _tag: 'StoreFailed'; readonly error: StoreError }
  /** Confirm mode could not ask GET status (timeout, network, 5xx): nothing was recorded. */
  | { readonly _tag: 'StatusUnavailable'; readonly cause: string }
  | { readonly _tag: 'TooLarge'; readonly limit: number }
  | { readonly _tag: 'MethodNotAllowed'; readonly method: string }
  | { readonly _tag: 'NotFound'; readonly path: string }
  /** The notification was not recorded within the webhook's deadline (`ms`). */
  | { readonly _tag: 'DeadlinePassed'; readonly ms: number }
  /** A defect, not an input: the ingestion service threw instead of answering. */
  | { readonly _tag: 'Internal'; readonly cause: string };

/** The HTTP answer paystate's server gives (webhook, health check): status, JSON body, extra headers, and what the request log records. The Core API client's side is `HttpResponse`. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, string | null>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly outcome: string | null;
  /** The decision's reason code or the error code: short, safe to log. */
  readonly code: string | null;
  readonly orderId: string | null;
  /** Why a 5xx happened (the store's error, the defect's message): logged, never sent. */
  readonly cause?: string;
}

/** Decision codes that mean "not known yet": Midtrans should retry after the order is opened. */
const NOT_YET_KNOWN: ReadonlySet<string> = new Set(['unknown_order', 'no_order', 'unknown_transaction']);

const SIGNATURE_PREFIX = 'signature_key:';

/** The field a rejection names: the decision's own field, or the path a decode error starts with. */
export const rejectedField = (code: string, reason: string): string => {
  switch (code) {
    case 'amount_mismatch':
      return 'gross_amount';
    case 'status_code_mismatch':
      return 'status_code';
    case 'inconsistent_amounts':
      return 'refund_amount';
  }
  if (reason.startsWith(SIGNATURE_PREFIX)) return 'signature_key';
  const path = /^([A-Za-z_][A-Za-z0-9_]*(?:(?:\.[A-Za-z0-9_]+)|(?:\[\d+\]))*):/.exec(reason);
  return path?.[1] ?? 'body';
};

// -------------------------------------------------------------------------------------------------
// the table
// -------------------------------------------------------------------------------------------------

const answer = (
  status: number,
  body: Record<string, string | null>,
  log: { outcome?: string | null; code?: string | null; orderId?: string | null } = {},
  headers: Record<string, string> = {},
): HttpAnswer => ({ status, body, headers, outcome: log.outcome ?? null, code: log.code ?? null, orderId: log.orderId ?? null });

const ingested = (r: IngestResult): HttpAnswer => {
  const orderId = r.orderId ?? null;
  const log = { outcome: r.outcome, code: r.decision.code, orderId };
  // A notification GET status contradicted is recorded with the truth: a retry could not change it.
  if (r.outcome !== 'rejected' || r.decision.code === 'contradicted_by_status') return answer(200, { outcome: r.outcome, reason: r.reason, order_id: orderId }, log);
  if (r.reason.startsWith(SIGNATURE_PREFIX))
    return answer(401, { outcome: 'rejected', error: 'invalid_signature', field: 'signature_key', reason: r.reason, order_id: orderId }, log);
  if (NOT_YET_KNOWN.has(r.decision.code))
    return answer(404, { outcome: 'rejected', error: r.decision.code, reason: r.reason, order_id: orderId }, log);
  return answer(
    400,
    { outcome: 'rejected', error: 'invalid_notification', field: rejectedField(r.decision.code, r.reason), reason: r.reason, order_id: orderId },
    log,
  );
};

/** Maps what happened to the HTTP answer; the only place webhook statuses are decided. */
export const httpAnswer = (e: WebhookEvent): HttpAnswer => {
  switch (e._tag) {
    case 'Ingested':
      return ingested(e.result);
    case 'StoreFailed':
      // The request itself cannot be stored as sent (e.g. a NUL character): bad input, not an outage.
      if (e.error._tag === 'InvalidArgument')
        return answer(400, { outcome: 'rejected', error: 'invalid_notification', field: 'body', reason: `cannot be recorded: ${e.error.reason}` }, { outcome: 'rejected', code: 'InvalidArgument' });
      // StoreUnavailable, StoreFailed, or a VersionConflict that outlived the retries: nothing was recorded, retry later.
      return {
        ...answer(503, { error: 'store_unavailable', reason: 'the event store is unavailable; nothing was recorded, retry later' }, { code: e.error._tag }, { 'retry-after': '5' }),
        cause: formatStoreError(e.error),
      };
    case 'DeadlinePassed':
      // Not acknowledged: a write already under way when the deadline passed may still complete,
      // and the redelivery then finds it and is answered as a duplicate.
      return {
        ...answer(
          503,
          { error: 'deadline_exceeded', reason: `the notification was not recorded within ${e.ms} ms; retry later` },
          { code: 'deadline_exceeded' },
          { 'retry-after': '5' },
        ),
        cause: `no outcome within the ${e.ms} ms deadline`,
      };
    case 'StatusUnavailable':
      // Confirm mode: the notification is only a trigger, and the truth could not be asked for.
      return {
        ...answer(503, { error: 'status_unavailable', reason: 'GET status could not be had to confirm the notification; nothing was recorded, retry later' }, { code: 'status_unavailable' }, { 'retry-after': '5' }),
        cause: e.cause,
      };
    case 'TooLarge':
      return answer(413, { error: 'payload_too_large', reason: `the body exceeds ${e.limit} bytes` }, { code: 'payload_too_large' });
    case 'MethodNotAllowed':
      return answer(405, { error: 'method_not_allowed', reason: `${e.method} is not allowed here: notifications are POSTed` }, { code: 'method_not_allowed' }, { allow: 'POST' });
    case 'NotFound':
      return answer(404, { error: 'not_found', reason: 'no such path: POST notifications to /notifications' }, { code: 'not_found' });
    case 'Internal':
      return {
        ...answer(500, { error: 'internal_error', reason: 'the notification could not be processed; nothing was recorded, retry later' }, { code: 'internal_error' }),
        cause: e.cause,
      };
  }
};
