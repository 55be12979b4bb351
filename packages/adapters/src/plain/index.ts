/** The Promise API: the embedding API and its errors for hosts that do not use fp-ts. */
export { PaystateError, paystateError, rightOrThrow, settle } from './paystateError';
export type { PaystateErrorCode } from './paystateError';
export { createPaystateAsync, fpApi } from './paystateAsync';
export type { PaystateApi, PaystateAsync } from './paystateAsync';
