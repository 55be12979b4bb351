/**
 * The Midtrans edge: wire codecs, decode errors, notification signatures and the mapping from
 * replay lines to engine observations.
 */
export {
  ActionResponseBody,
  AmountString,
  Callback3dsBody,
  CaptureRequestBody,
  ChargeRequestBody,
  ChargeResponseBody,
  DeadlinePassedBody,
  ErrorBody,
  ErrorStatusCode,
  FraudStatusCodec,
  NonEmptyString,
  NotificationBody,
  ObservationKindCodec,
  Present,
  RefundEntryBody,
  RefundRequestBody,
  ReplayLine,
  RequestInfo,
  StatusCode,
  StatusResponseBody,
  TransactionBody,
  TransactionStatusCodec,
  WholeAmount,
  decodeActionResponse,
  decodeAnswer,
  decodeChargeResponse,
  decodeNotification,
  decodeStatusResponse,
  decodeWith,
  isErrorBody,
} from './codecs';
export type { ApiAnswer } from './codecs';

export {
  decodeError,
  describeExpected,
  describeFound,
  fromValidationErrors,
  invalidJson,
  pathLabel,
  renderDecodeError,
  renderDecodeErrors,
  underPath,
} from './decodeError';
export type { DecodeError } from './decodeError';

export { signNotification, signatureKey, verifySignature } from './signature';
export type { SignatureError, SignatureErrorCode, SignedFields } from './signature';

export { UNREADABLE_LINE, parseReplayLine, toObservation } from './mapping';
export type { MappingOptions } from './mapping';
