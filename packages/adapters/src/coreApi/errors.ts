/**
 * What can go wrong calling the Core API, as tagged data; `renderCoreApiError` turns it into one line.
 * No error ever carries the server key or the Authorization header.
 */
import { formatStoreError, type StoreError } from '../store/index';
import type { IngestResult } from '../ingest/index';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/** The Core API calls the client makes (`register_card` and `point_inquiry` open no order, so nothing of theirs is recorded). */
export type CoreApiCall =
  | 'charge'
  | 'status'
  | 'approve'
  | 'deny'
  | 'cancel'
  | 'expire'
  | 'refund'
  | 'direct_refund'
  | 'capture'
  | 'register_card'
  | 'point_inquiry';

/** Midtrans answered with an error: in the body of an HTTP 2xx (`"status_code": "412"`) or as an HTTP error. */
export interface MidtransError {
  readonly _tag: 'MidtransError';
  readonly call: CoreApiCall;
  /** The body's `status_code` when it has one, else the HTTP status as a string. */
  readonly statusCode: string;
  readonly message: string;
  readonly httpStatus: number;
  readonly body: unknown;
  /** How the answer was recorded (error answers are ingested too). */
  readonly ingested?: IngestResult;
}

/** No answer: the connection failed on every attempt. */
export interface NetworkError {
  readonly _tag: 'Network';
  readonly call: CoreApiCall;
  readonly message: string;
  readonly attempts: number;
}

/** No answer within the per-attempt timeout, on the last attempt. */
export interface TimeoutError {
  readonly _tag: 'Timeout';
  readonly call: CoreApiCall;
  readonly timeoutMs: number;
  readonly attempts: number;
}

/** Not sent: the engine says the call is not allowed now (or the request is malformed). */
export interface RefusedLocally {
  readonly _tag: 'RefusedLocally';
  readonly action: CoreApiCall;
  readonly reason: string;
}

/** The answer could not be recorded, so it is not returned. */
export interface CoreApiStoreError {
  readonly _tag: 'StoreError';
  readonly call: CoreApiCall;
  readonly error: StoreError;
}

/** A 2xx answer that is not a Midtrans body (not JSON, or no `status_code`). */
export interface BadResponse {
  readonly _tag: 'BadResponse';
  readonly call: CoreApiCall;
  readonly httpStatus: number;
  readonly reason: string;
  readonly ingested?: IngestResult;
}

export type CoreApiError = MidtransError | NetworkError | TimeoutError | RefusedLocally | CoreApiStoreError | BadResponse;

// -------------------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------------------

export const refusedLocally = (action: CoreApiCall, reason: string): CoreApiError => ({ _tag: 'RefusedLocally', action, reason });

export const storeError = (call: CoreApiCall, error: StoreError): CoreApiError => ({ _tag: 'StoreError', call, error });

// -------------------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------------------

/** Matches on the error's tag. */
export const matchCoreApiError =
  <R>(cases: { readonly [K in CoreApiError['_tag']]: (e: Extract<CoreApiError, { _tag: K }>) => R }) =>
  (e: CoreApiError): R =>
    (cases[e._tag] as (e: CoreApiError) => R)(e);

/** One line for people. */
export const renderCoreApiError: (e: CoreApiError) => string = matchCoreApiError({
  MidtransError: (e) => `${e.call}: Midtrans answered ${e.statusCode}${e.httpStatus !== Number(e.statusCode) ? ` (HTTP ${e.httpStatus})` : ''}: ${e.message}`,
  Network: (e) => `${e.call}: no answer from Midtrans after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'}: ${e.message}`,
  Timeout: (e) => `${e.call}: no answer within ${e.timeoutMs} ms (${e.attempts} attempt${e.attempts === 1 ? '' : 's'})`,
  RefusedLocally: (e) => `${e.action} not sent: ${e.reason}`,
  StoreError: (e) => `${e.call}: the answer could not be recorded: ${formatStoreError(e.error)}`,
  BadResponse: (e) => `${e.call}: HTTP ${e.httpStatus} answer is not a Midtrans body: ${e.reason}`,
});
