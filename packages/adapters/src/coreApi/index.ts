/**
 * The Midtrans Core API client: asks the engine before acting, records every answer before
 * returning it, and reports failures as tagged values.
 */
export { createCoreApiClient, MAX_IDEMPOTENCY_KEY_LENGTH, PRODUCTION_BASE_URL, SANDBOX_BASE_URL } from './client';
export type { CardRegistration, CoreApiCommonOptions, CaptureOptions, RegisteredCard, UnrecordedAnswer, CoreApiAnswer, CoreApiClient, CoreApiClientOptions, CoreApiResult, RefundOptions } from './client';
export { DEFAULT_CONFIRM_TIMEOUT_MS } from './confirmStatus';
export { matchCoreApiError, refusedLocally, renderCoreApiError } from './errors';
export type {
  BadResponse,
  CoreApiCall,
  CoreApiError,
  CoreApiStoreError,
  MidtransError,
  NetworkError,
  RefusedLocally,
  TimeoutError,
} from './errors';
export { createTransport, redactor } from './transport';
export type { HttpRequest, HttpResponse, Transport, TransportFailure, TransportOptions } from './transport';
