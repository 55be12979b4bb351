/**
 * GET status for confirm mode (DOMAIN §6a): one attempt within a short deadline, the answer given
 * back as a replay line and not recorded (the ingestor records it with the notification it
 * confirms). Only an answer Midtrans gave about the transaction counts; anything else is
 * StatusUnavailable, so the webhook answers 503 and Midtrans retries.
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { statusUnavailable, type StatusUnavailable } from '../ingest/confirm';
import type { RawObservation } from '../ingest/storedObservation';
import type { ObservedTransport } from './observeTransport';

/** The deadline of confirm mode's GET status by default: well inside the time Midtrans waits for a webhook answer. */
export const DEFAULT_CONFIRM_TIMEOUT_MS = 5_000;

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** Is this body an answer about the transaction: a status report, or Midtrans saying it has no such transaction (404)? */
const answerOf = (httpStatus: number, body: Readonly<Record<string, unknown>>): string | undefined => {
  const code = body['status_code'];
  if (typeof code !== 'string' && typeof code !== 'number') return 'the answer has no status_code';
  const c = String(code);
  if (c === '404') return undefined;
  if (httpStatus >= 400 && httpStatus !== 407 && httpStatus !== 404) return `Midtrans answered HTTP ${httpStatus} (status_code ${c})`;
  if (typeof body['transaction_status'] !== 'string') return `Midtrans answered status_code ${c} without a transaction_status`;
  if (/^[45]\d\d$/.test(c) && !(c === '407' && body['transaction_status'] === 'expire')) return `Midtrans answered status_code ${c}`;
  return undefined;
};

/** `fetchStatus(id)`: GET `/v2/{id}/status` once, the answer as a `status_response` line. */
export const createStatusFetcher =
  (send: ObservedTransport, redact: (s: string) => string) =>
  (id: string): TE.TaskEither<StatusUnavailable, RawObservation> =>
  async () => {
    const path = `/v2/${encodeURIComponent(id)}/status`;
    const answered = await send('status', { method: 'GET', path }, id);
    if (E.isLeft(answered)) {
      const f = answered.left;
      return E.left(statusUnavailable(f._tag === 'Timeout' ? `no answer within ${f.timeoutMs} ms` : redact(f.message)));
    }
    const a = answered.right;
    if (!a.json || !isRecord(a.body)) return E.left(statusUnavailable(`HTTP ${a.httpStatus} with a body that is not a JSON object`));
    const wrong = answerOf(a.httpStatus, a.body);
    if (wrong !== undefined) return E.left(statusUnavailable(redact(wrong)));
    return E.right({ kind: 'status_response', payload: a.body, request: { method: 'GET', path } });
  };
