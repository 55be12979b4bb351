/**
 * The Core API client: every call is checked against the engine first (a disallowed action is
 * refused locally and nothing is sent), and every answer, success or error, is ingested as an
 * observation before it is returned, so the order's log is complete.
 */
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { attemptActions, canRefund, displayAmount, fromUnits, latestAttempt, refundableRemaining, RETRYABLE_ENDINGS, type ActionName, type AttemptState, type OrderState } from '@paystate/engine';
import { ChargeRequestBody, decodeWith, renderDecodeErrors } from '../midtrans/index';
import type { IngestResult, Ingestor, RawObservation } from '../ingest/index';
import { loggerOf, noMetrics, type Logger, type PaystateMetrics } from '../observe/index';
import type { StatusUnavailable } from '../ingest/confirm';
import { createStatusFetcher, DEFAULT_CONFIRM_TIMEOUT_MS } from './confirmStatus';
import { observeTransport, orderIdOfCall } from './observeTransport';
import { refusedLocally, storeError, type CoreApiCall, type CoreApiError } from './errors';
import { createTransport, redactor, type HttpRequest, type HttpResponse, type TransportFailure } from './transport';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

export const SANDBOX_BASE_URL = 'https://api.sandbox.midtrans.com';
export const PRODUCTION_BASE_URL = 'https://api.midtrans.com';

/** Midtrans' limit on `Idempotency-Key`. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 46;

/** Options every Core API client takes, whichever way it authenticates. */
export interface CoreApiCommonOptions {
  readonly serverKey: string;
  /** Where answers are recorded (and whose engine decides what is allowed). */
  readonly ingestor: Ingestor;
  readonly fetch?: typeof fetch;
  /** Per attempt (default 30 s). */
  readonly timeoutMs?: number;
  /** The deadline of `fetchStatus`, confirm mode's one GET status attempt (default 5 s). */
  readonly confirmTimeoutMs?: number;
  /** Retries after the first attempt, on network failures, timeouts and 5xx only (default 2). */
  readonly retries?: number;
  /** The first backoff (default 250 ms); doubles per retry, capped at `maxRetryDelayMs` (default 5 s). */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  /** Makes the `Idempotency-Key` of a POST (≤ 46 characters); a random UUID by default. */
  readonly idempotencyKey?: () => string;
  /** A pino-style logger (silent by default): one line per call (endpoint, status, attempts, order), never a body, a card number or the key. */
  readonly logger?: Logger;
  /** Counts calls by endpoint and status and times them (none by default). */
  readonly metrics?: PaystateMetrics;
}

export type CoreApiClientOptions = CoreApiCommonOptions &
  ({ readonly baseUrl: string; readonly environment?: never } | { readonly environment: 'sandbox' | 'production'; readonly baseUrl?: never });

/** A Midtrans answer that is not an error, after it was recorded. */
export interface CoreApiAnswer {
  readonly call: CoreApiCall;
  readonly httpStatus: number;
  /** The body's `status_code` ("200", "201", "202", "407"). */
  readonly statusCode: string;
  readonly transactionStatus: string | undefined;
  readonly fraudStatus: string | undefined;
  /** The body exactly as received. */
  readonly body: Readonly<Record<string, unknown>>;
  /** How the engine classified it, and the order after it. */
  readonly ingested: IngestResult;
  readonly attempts: number;
}

export interface RefundOptions {
  readonly refund_key?: string;
  /** Whole units, as Midtrans takes it (`5000`); the whole remaining amount when absent. */
  readonly amount?: number;
  readonly reason?: string;
}

export interface CaptureOptions {
  readonly transaction_id: string;
  /** Whole units; the authorized amount when absent. */
  readonly gross_amount?: number;
}

export type CoreApiResult = TE.TaskEither<CoreApiError, CoreApiAnswer>;

/** The card `GET /v2/card/register` saves (https://docs.midtrans.com/reference/register-card). */
export interface CardRegistration {
  readonly card_number: string;
  readonly card_exp_month: string;
  /** Four digits. */
  readonly card_exp_year: string;
  readonly card_cvv?: string;
  /** The merchant's client key: the endpoint authenticates with it, not with the server key. */
  readonly client_key: string;
}

/** A saved card: charge it with `credit_card.token_id` = `savedTokenId` (one-click), or tokenize it again with a CVV (two-clicks). */
export interface RegisteredCard {
  readonly savedTokenId: string;
  /** Midtrans time (GMT+7), when the answer states it. */
  readonly savedTokenIdExpiredAt: string | undefined;
  readonly maskedCard: string | undefined;
  readonly transactionId: string | undefined;
  /** The body exactly as received. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** An answer of a call that opens no order (card register, point inquiry): returned, not recorded. */
export interface UnrecordedAnswer {
  readonly call: CoreApiCall;
  readonly httpStatus: number;
  readonly statusCode: string;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface CoreApiClient {
  /** Records the charge request, sends `POST /v2/charge`, records the answer. */
  charge(body: unknown): CoreApiResult;
  /** Sends `GET /v2/{id}/status` (id: order_id or transaction_id) and records the answer. */
  status(id: string): CoreApiResult;
  /**
   * Confirm mode's GET status (DOMAIN §6a): one attempt within `confirmTimeoutMs`, the answer
   * returned as a `status_response` line and not recorded (the ingestor records it with the
   * notification). A timeout, a network failure, a 5xx or an answer that is not about the
   * transaction is StatusUnavailable.
   */
  fetchStatus(id: string): TE.TaskEither<StatusUnavailable, RawObservation>;
  /** Approves a challenged capture. */
  approve(id: string): CoreApiResult;
  /** Denies a challenged capture. */
  deny(id: string): CoreApiResult;
  /** Cancels a pending, authorized or captured (unsettled) transaction. */
  cancel(id: string): CoreApiResult;
  /** Expires a pending transaction (Midtrans answers 407 on success). */
  expire(id: string): CoreApiResult;
  /** Refunds a settled transaction, in full or in part. */
  refund(id: string, options?: RefundOptions): CoreApiResult;
  /** Refunds through the acquiring bank directly (`/refund/online/direct`). */
  directRefund(id: string, options?: RefundOptions): CoreApiResult;
  /** Captures an authorized transaction, in full or in part. */
  capture(options: CaptureOptions): CoreApiResult;
  /**
   * Saves a card (`GET /v2/card/register`) for one-click and two-clicks charges. It opens no order,
   * so nothing is recorded; the saved token's charges are (through `charge`, like any charge).
   * Card numbers should reach Midtrans from the customer's browser; use this only where card data
   * may pass through your backend.
   */
  registerCard(card: CardRegistration): TE.TaskEither<CoreApiError, RegisteredCard>;
  /** Card reward points of a token (`GET /v2/point_inquiry/{token_id}`); opens no order, so nothing is recorded. */
  pointInquiry(tokenId: string, grossAmount?: number): TE.TaskEither<CoreApiError, UnrecordedAnswer>;
  readonly baseUrl: string;
}

// -------------------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------------------

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

const str = (u: unknown): string | undefined => (typeof u === 'string' ? u : typeof u === 'number' ? String(u) : undefined);

const pathId = (id: string): string => encodeURIComponent(id);

const pairText = (a: AttemptState): string => `${a.status}${a.fraud !== null ? `/${a.fraud}` : ''}`;

/** Is this 4xx/5xx `status_code` a success anyway? 407 is, for expire and for the status of an expired transaction. */
const isSuccessCode = (code: string, body: Readonly<Record<string, unknown>>, call: CoreApiCall): boolean =>
  !/^[45]\d\d$/.test(code) || (code === '407' && (call === 'expire' || body['transaction_status'] === 'expire'));

type Checked<A> = E.Either<CoreApiError, A>;

const TERMINAL: readonly string[] = ['deny', 'cancel', 'expire', 'failure', 'refund', 'chargeback'];

// -------------------------------------------------------------------------------------------------
// the client
// -------------------------------------------------------------------------------------------------

/** Creates a Core API client that records every answer through the ingestor before returning it. */
export const createCoreApiClient = (options: CoreApiClientOptions): CoreApiClient => {
  const baseUrl = options.baseUrl ?? (options.environment === 'production' ? PRODUCTION_BASE_URL : SANDBOX_BASE_URL);
  const { ingestor } = options;
  const send = createTransport({
    baseUrl,
    serverKey: options.serverKey,
    fetch: options.fetch ?? fetch,
    timeoutMs: options.timeoutMs ?? 30_000,
    retries: Math.max(0, Math.floor(options.retries ?? 2)),
    retryDelayMs: options.retryDelayMs ?? 250,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 5_000,
    userAgent: 'paystate-coreapi/0.1',
  });
  const redact = redactor(options.serverKey);
  const newKey = options.idempotencyKey ?? randomUUID;
  const logger = loggerOf(options.logger, options.serverKey).child({ component: 'core_api' });

  const observedSend = observeTransport(send, { logger, metrics: options.metrics ?? noMetrics, redact });
  const fetchStatus = createStatusFetcher(
    observeTransport(
      createTransport({
        baseUrl,
        serverKey: options.serverKey,
        fetch: options.fetch ?? fetch,
        timeoutMs: options.confirmTimeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS,
        retries: 0,
        retryDelayMs: 0,
        maxRetryDelayMs: 0,
        userAgent: 'paystate-coreapi/0.1',
      }),
      { logger, metrics: options.metrics ?? noMetrics, redact },
    ),
    redact,
  );


  // --- recording ------------------------------------------------------------------------------------

  const record = async (call: CoreApiCall, line: RawObservation): Promise<Checked<IngestResult>> => {
    const r = await ingestor.ingest(line)();
    return E.isLeft(r) ? E.left(storeError(call, r.left)) : E.right(r.right);
  };

  const lineFor = (call: CoreApiCall, req: HttpRequest, payload: unknown): RawObservation => {
    const request = { method: req.method, path: req.path, ...(req.body !== undefined ? { body: req.body } : {}) };
    switch (call) {
      case 'charge':
        return { kind: 'charge_response', payload, request };
      case 'status':
        return { kind: 'status_response', payload, request };
      default:
        return { kind: 'action_response', action: call, payload, request };
    }
  };

  const transportError = (call: CoreApiCall, f: TransportFailure): CoreApiError =>
    f._tag === 'Network' ? { _tag: 'Network', call, message: f.message, attempts: f.attempts } : { _tag: 'Timeout', call, timeoutMs: f.timeoutMs, attempts: f.attempts };

  /** Tells an answer from an error, after recording what was received. */
  const classify = async (call: CoreApiCall, req: HttpRequest, a: HttpResponse): Promise<Checked<CoreApiAnswer>> => {
    const recorded = await record(call, lineFor(call, req, a.body));
    if (E.isLeft(recorded)) return recorded;
    const ingested = recorded.right;
    const body = a.body;
    if (!a.json || !isRecord(body)) {
      if (a.httpStatus >= 400)
        return E.left({
          _tag: 'MidtransError',
          call,
          statusCode: String(a.httpStatus),
          message: redact(`HTTP ${a.httpStatus} with a body that is not a JSON object`),
          httpStatus: a.httpStatus,
          body,
          ingested,
        });
      return E.left({ _tag: 'BadResponse', call, httpStatus: a.httpStatus, reason: a.json ? 'the body is not a JSON object' : 'the body is not JSON', ingested });
    }
    const code = str(body['status_code']);
    const message = redact(str(body['status_message']) ?? '');
    const expiredAnswer = code === '407' && isSuccessCode(code, body, call);
    const httpError = a.httpStatus >= 400 && !(a.httpStatus === 407 && expiredAnswer);
    const bodyError = code !== undefined && !isSuccessCode(code, body, call);
    if (httpError || bodyError)
      return E.left({
        _tag: 'MidtransError',
        call,
        statusCode: code ?? String(a.httpStatus),
        message: message || `HTTP ${a.httpStatus}`,
        httpStatus: a.httpStatus,
        body,
        ingested,
      });
    if (code === undefined) return E.left({ _tag: 'BadResponse', call, httpStatus: a.httpStatus, reason: 'no status_code in the body', ingested });
    return E.right({
      call,
      httpStatus: a.httpStatus,
      statusCode: code,
      transactionStatus: str(body['transaction_status']),
      fraudStatus: str(body['fraud_status']),
      body,
      ingested,
      attempts: a.attempts,
    });
  };

  /** Sends and classifies; one Idempotency-Key per call, reused by its retries. */
  const exchange = async (call: CoreApiCall, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Checked<CoreApiAnswer>> => {
    let key: string | undefined;
    if (method === 'POST') {
      key = newKey();
      if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)
        return E.left(refusedLocally(call, `the Idempotency-Key must have 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters, got ${key.length}`));
    }
    const req: HttpRequest = { method, path, ...(body !== undefined ? { body } : {}), ...(key !== undefined ? { idempotencyKey: key } : {}) };
    const answered = await observedSend(call, req, orderIdOfCall(call, path, body));
    if (E.isLeft(answered)) return E.left(transportError(call, answered.left));
    return classify(call, req, answered.right);
  };

  /** Sends a GET that concerns no order and classifies its answer without recording it. */
  const unrecorded = async (call: CoreApiCall, path: string): Promise<Checked<UnrecordedAnswer>> => {
    const answered = await observedSend(call, { method: 'GET', path }, undefined);
    if (E.isLeft(answered)) return E.left(transportError(call, answered.left));
    const a = answered.right;
    const body = a.body;
    if (!a.json || !isRecord(body)) return E.left({ _tag: 'BadResponse', call, httpStatus: a.httpStatus, reason: a.json ? 'the body is not a JSON object' : 'the body is not JSON' });
    const code = str(body['status_code']);
    if (a.httpStatus >= 400 || code === undefined || !isSuccessCode(code, body, call))
      return E.left({
        _tag: 'MidtransError',
        call,
        statusCode: code ?? String(a.httpStatus),
        message: redact(str(body['status_message']) ?? '') || `HTTP ${a.httpStatus}`,
        httpStatus: a.httpStatus,
        body,
      });
    return E.right({ call, httpStatus: a.httpStatus, statusCode: code, body });
  };

  const registerCard = (card: CardRegistration): TE.TaskEither<CoreApiError, RegisteredCard> => async () => {
    const q = new URLSearchParams({
      card_number: card.card_number,
      card_exp_month: card.card_exp_month,
      card_exp_year: card.card_exp_year,
      ...(card.card_cvv !== undefined ? { card_cvv: card.card_cvv } : {}),
      client_key: card.client_key,
    });
    const r = await unrecorded('register_card', `/v2/card/register?${q.toString()}`);
    if (E.isLeft(r)) return r;
    const b = r.right.body;
    const saved = str(b['saved_token_id']);
    if (saved === undefined) return E.left({ _tag: 'BadResponse', call: 'register_card', httpStatus: r.right.httpStatus, reason: 'no saved_token_id in the body' });
    return E.right({
      savedTokenId: saved,
      savedTokenIdExpiredAt: str(b['saved_token_id_expired_at']),
      maskedCard: str(b['masked_card']),
      transactionId: str(b['transaction_id']),
      body: b,
    });
  };

  // --- asking the engine first ----------------------------------------------------------------------

  const loadOrder = async (call: CoreApiCall, id: string): Promise<Checked<{ order: OrderState; attempt: AttemptState }>> => {
    const resolved = await ingestor.resolveOrder(id)();
    if (E.isLeft(resolved)) return E.left(storeError(call, resolved.left));
    if (resolved.right === undefined)
      return E.left(refusedLocally(call, `${JSON.stringify(id)} names no order paystate knows (record the charge first)`));
    const loaded = await ingestor.load(resolved.right)();
    if (E.isLeft(loaded)) return E.left(storeError(call, loaded.left));
    const order = loaded.right;
    const attempt = order?.attempts.find((a) => a.transactionId === id) ?? latestAttempt(order);
    if (order === undefined || attempt === undefined) return E.left(refusedLocally(call, `order ${resolved.right} has no transaction yet`));
    return E.right({ order, attempt });
  };

  const allowed = (action: ActionName, attempt: AttemptState): Checked<void> => {
    const now = attemptActions(attempt);
    return now.includes(action)
      ? E.right(undefined)
      : E.left(
          refusedLocally(
            action,
            `${action} is not allowed while transaction ${attempt.transactionId} is ${pairText(attempt)} (allowed now: ${now.length > 0 ? now.join(', ') : 'nothing'})` +
              (TERMINAL.includes(attempt.status) ? '' : '; if Midtrans may know more, status() brings paystate up to date'),
          ),
        );
  };

  const refundCheck = (action: 'refund' | 'direct_refund', order: OrderState, attempt: AttemptState, o: RefundOptions): Checked<void> => {
    if (o.refund_key !== undefined && attempt.refunds[o.refund_key] !== undefined)
      return E.left(refusedLocally(action, `refund_key ${JSON.stringify(o.refund_key)} was already used for ${displayAmount(attempt.refunds[o.refund_key]!)}; a new refund needs a new key`));
    if (o.amount === undefined) {
      const rem = refundableRemaining(order);
      return rem.value > 0 ? E.right(undefined) : E.left(refusedLocally(action, rem.reason));
    }
    const minor = fromUnits(o.amount);
    if (E.isLeft(minor) || o.amount <= 0) return E.left(refusedLocally(action, `amount must be a positive whole number, got ${JSON.stringify(o.amount)}`));
    const ok = canRefund(order, minor.right);
    return ok.value ? E.right(undefined) : E.left(refusedLocally(action, ok.reason));
  };

  const action =
    (name: Exclude<ActionName, 'capture'>, id: string, path: string, body?: unknown, extra?: (o: OrderState, a: AttemptState) => Checked<void>): CoreApiResult =>
    async () => {
      const loaded = await loadOrder(name, id);
      if (E.isLeft(loaded)) return loaded;
      const { order, attempt } = loaded.right;
      const ok = allowed(name, attempt);
      if (E.isLeft(ok)) return ok;
      const more = extra?.(order, attempt) ?? E.right(undefined);
      if (E.isLeft(more)) return more;
      return exchange(name, 'POST', path, body);
    };

  const refundBody = (o: RefundOptions): Record<string, unknown> => ({
    ...(o.refund_key !== undefined ? { refund_key: o.refund_key } : {}),
    ...(o.amount !== undefined ? { amount: o.amount } : {}),
    ...(o.reason !== undefined ? { reason: o.reason } : {}),
  });

  // --- calls ----------------------------------------------------------------------------------------

  const charge = (body: unknown): CoreApiResult => async () => {
    const decoded = decodeWith(ChargeRequestBody)(body);
    if (E.isLeft(decoded)) return E.left(refusedLocally('charge', `the charge body is not valid: ${renderDecodeErrors(decoded.left)}`));
    const orderId = decoded.right.transaction_details.order_id;
    const loaded = await ingestor.load(orderId)();
    if (E.isLeft(loaded)) return E.left(storeError('charge', loaded.left));
    const latest = latestAttempt(loaded.right);
    if (latest !== undefined && !RETRYABLE_ENDINGS.includes(latest.status))
      return E.left(
        refusedLocally('charge', `order ${orderId} already has transaction ${latest.transactionId} in ${pairText(latest)}; Midtrans would answer 406 (only a deny, cancel, expire or failure may be retried)`),
      );
    const requested = await record('charge', { kind: 'charge_request', payload: body });
    if (E.isLeft(requested)) return requested;
    if (requested.right.outcome === 'rejected' || requested.right.outcome === 'illegal')
      return E.left(refusedLocally('charge', `the engine did not accept the charge request: ${requested.right.reason}`));
    return exchange('charge', 'POST', '/v2/charge', body);
  };

  return {
    baseUrl,
    charge,
    registerCard,
    pointInquiry: (tokenId, grossAmount) => () =>
      unrecorded('point_inquiry', `/v2/point_inquiry/${pathId(tokenId)}${grossAmount !== undefined ? `?gross_amount=${grossAmount}` : ''}`),
    status: (id) => () => exchange('status', 'GET', `/v2/${pathId(id)}/status`),
    fetchStatus,
    approve: (id) => action('approve', id, `/v2/${pathId(id)}/approve`),
    deny: (id) => action('deny', id, `/v2/${pathId(id)}/deny`),
    cancel: (id) => action('cancel', id, `/v2/${pathId(id)}/cancel`),
    expire: (id) => action('expire', id, `/v2/${pathId(id)}/expire`),
    refund: (id, o = {}) => action('refund', id, `/v2/${pathId(id)}/refund`, refundBody(o), (order, a) => refundCheck('refund', order, a, o)),
    directRefund: (id, o = {}) =>
      action('direct_refund', id, `/v2/${pathId(id)}/refund/online/direct`, refundBody(o), (order, a) => refundCheck('direct_refund', order, a, o)),
    capture: (o) => async () => {
      const loaded = await loadOrder('capture', o.transaction_id);
      if (E.isLeft(loaded)) return loaded;
      const { attempt } = loaded.right;
      const ok = allowed('capture', attempt);
      if (E.isLeft(ok)) return ok;
      if (o.gross_amount !== undefined) {
        const minor = fromUnits(o.gross_amount);
        if (E.isLeft(minor) || o.gross_amount <= 0)
          return E.left(refusedLocally('capture', `gross_amount must be a positive whole number, got ${JSON.stringify(o.gross_amount)}`));
        if (minor.right > attempt.authorizedAmount)
          return E.left(refusedLocally('capture', `gross_amount ${displayAmount(minor.right)} exceeds the authorized ${displayAmount(attempt.authorizedAmount)}`));
      }
      const body = { transaction_id: o.transaction_id, ...(o.gross_amount !== undefined ? { gross_amount: o.gross_amount } : {}) };
      return exchange('capture', 'POST', '/v2/capture', body);
    },
  };
};
