/**
 * The Core API's answers in general: a JSON body with string status codes, Midtrans' error shapes,
 * and the request-reading helpers every endpoint shares.
 */
import { isLeft, left, type Either } from './either';
import { fromUnits, type Money } from './money';

export type Json = Readonly<Record<string, unknown>>;

/** An answer of the Core API: the HTTP status and the JSON body (status codes as strings). */
export interface ApiReply {
  readonly httpStatus: number;
  readonly body: Json;
}

/** A Midtrans-shaped error (`{status_code, status_message}`), in an HTTP 200 body unless said otherwise. */
export const errorReply = (code: string, message: string, httpStatus = 200, extra: Json = {}): ApiReply => ({
  httpStatus,
  body: { status_code: code, status_message: message, ...extra },
});

/** HTTP 400 with Midtrans' `validation_messages` (each naming its field), plus `extra` (the charge's `id`). */
export const validationError = (messages: readonly string[], extra: Json = {}): ApiReply =>
  errorReply('400', 'One or more parameters in the payload is invalid.', 400, { ...extra, validation_messages: messages });

export const notFound = (): ApiReply => errorReply('404', "Transaction doesn't exist.");

export const cannotModify = (): ApiReply => errorReply('412', 'Merchant cannot modify the status of the transaction');

export const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** A positive whole amount in a request (`145000`), as minor units. */
export const wholeAmount = (u: unknown, path: string): Either<string, Money> => {
  if (typeof u !== 'number' || !Number.isInteger(u) || u <= 0) return left(`${path} must be a positive whole number`);
  const m = fromUnits(u);
  return isLeft(m) ? left(`${path} is too large`) : m;
};
