/**
 * One Core API request over `fetch`: Basic auth with the server key, JSON headers, an
 * `Idempotency-Key` on POSTs (the same on every retry of the call), a timeout per attempt, and
 * bounded retries with exponential backoff on network failures, timeouts and HTTP 5xx only.
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  /** Path under the base URL ("/v2/charge"). */
  readonly path: string;
  readonly body?: unknown;
  readonly idempotencyKey?: string;
}

/** The response Midtrans sent to a request: its status and body (parsed JSON, or the text when it is not JSON). */
export interface HttpResponse {
  readonly httpStatus: number;
  readonly json: boolean;
  readonly body: unknown;
  readonly attempts: number;
}

export type TransportFailure =
  | { readonly _tag: 'Network'; readonly message: string; readonly attempts: number }
  | { readonly _tag: 'Timeout'; readonly timeoutMs: number; readonly attempts: number };

export interface TransportOptions {
  readonly baseUrl: string;
  readonly serverKey: string;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  /** Retries after the first attempt. */
  readonly retries: number;
  /** The first backoff; it doubles per retry up to `maxRetryDelayMs`. */
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  readonly userAgent: string;
}

export type Transport = (req: HttpRequest) => TE.TaskEither<TransportFailure, HttpResponse>;

// -------------------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------------------

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Removes the server key (and its Basic encoding) from any text that may be logged or returned. */
export const redactor = (serverKey: string): ((s: string) => string) => {
  if (serverKey.length === 0) return (s) => s;
  const secrets = [serverKey, Buffer.from(`${serverKey}:`).toString('base64'), encodeURIComponent(serverKey)].filter((x) => x.length >= 4);
  return (s) => secrets.reduce((acc, secret) => acc.split(secret).join('[server key]'), s);
};

const causeOf = (e: unknown): string => {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as Error & { cause?: unknown }).cause;
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  const detail = cause instanceof Error ? cause.message : undefined;
  return [e.message, typeof code === 'string' ? code : undefined, detail].filter((x) => x !== undefined && x !== '').join(': ');
};

const parseBody = (text: string): { json: boolean; body: unknown } => {
  try {
    return { json: true, body: JSON.parse(text) as unknown };
  } catch {
    return { json: false, body: text };
  }
};

// -------------------------------------------------------------------------------------------------
// the transport
// -------------------------------------------------------------------------------------------------

/** Creates the transport; each call is retried only where a retry cannot do harm. */
export const createTransport = (o: TransportOptions): Transport => {
  const base = o.baseUrl.replace(/\/+$/, '');
  const authorization = `Basic ${Buffer.from(`${o.serverKey}:`).toString('base64')}`;
  const redact = redactor(o.serverKey);
  const backoff = (retry: number) => Math.min(o.retryDelayMs * 2 ** retry, o.maxRetryDelayMs);

  const once = async (req: HttpRequest): Promise<E.Either<'timeout' | string, { status: number; text: string }>> => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), o.timeoutMs);
    try {
      const headers: Record<string, string> = {
        accept: 'application/json',
        'content-type': 'application/json',
        authorization,
        'user-agent': o.userAgent,
      };
      if (req.method === 'POST' && req.idempotencyKey !== undefined) headers['idempotency-key'] = req.idempotencyKey;
      const res = await o.fetch(`${base}${req.path}`, {
        method: req.method,
        headers,
        ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
        signal: controller.signal,
        redirect: 'error',
      });
      const text = await res.text();
      return E.right({ status: res.status, text });
    } catch (e) {
      return E.left(controller.signal.aborted ? 'timeout' : redact(causeOf(e)));
    } finally {
      clearTimeout(timer);
    }
  };

  return (req) => async () => {
    for (let attempt = 1; ; attempt++) {
      const r = await once(req);
      const last = attempt > o.retries;
      if (E.isLeft(r)) {
        if (!last) {
          await sleep(backoff(attempt - 1));
          continue;
        }
        return E.left(
          r.left === 'timeout'
            ? { _tag: 'Timeout', timeoutMs: o.timeoutMs, attempts: attempt }
            : { _tag: 'Network', message: r.left, attempts: attempt },
        );
      }
      if (r.right.status >= 500 && !last) {
        await sleep(backoff(attempt - 1));
        continue;
      }
      return E.right({ httpStatus: r.right.status, ...parseBody(r.right.text), attempts: attempt });
    }
  };
};
