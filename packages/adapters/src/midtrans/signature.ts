/**
 * Midtrans notification signatures: `signature_key = SHA512(order_id + status_code + gross_amount + server_key)`,
 * lowercase hex, over the exact strings received. Messages never contain the server key.
 */
import { hash, timingSafeEqual } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { formatAmount, parseAmount } from '@paystate/engine';
import { describeFound } from './decodeError';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

export type SignatureErrorCode =
  | 'no_server_key'
  | 'unsigned_field'
  | 'missing_signature'
  | 'malformed_signature'
  | 'mismatch';

/** Why a signature did not verify; `message` starts with `signature_key:` and says what probably went wrong. */
export interface SignatureError {
  readonly code: SignatureErrorCode;
  readonly message: string;
}

/** The signed fields as received (anything: verification checks their types). */
export interface SignedFields {
  readonly order_id?: unknown;
  readonly status_code?: unknown;
  readonly gross_amount?: unknown;
  readonly signature_key?: unknown;
}

const SIGNATURE_FORMAT = /^[0-9a-f]{128}$/;

const failure = (code: SignatureErrorCode, message: string): E.Either<SignatureError, void> =>
  E.left({ code, message: `signature_key: ${message}` });

// -------------------------------------------------------------------------------------------------
// computing
// -------------------------------------------------------------------------------------------------

/** The signature Midtrans computes for these exact strings (SHA-512, lowercase hex). */
export const signatureKey = (orderId: string, statusCode: string, grossAmount: string, serverKey: string): string =>
  hash('sha512', `${orderId}${statusCode}${grossAmount}${serverKey}`, 'hex');

/** Returns the payload with the `signature_key` Midtrans would send (for fixtures and tests). */
export const signNotification = <P extends { readonly order_id: string; readonly status_code: string; readonly gross_amount: string }>(
  payload: P,
  serverKey: string,
): Omit<P, 'signature_key'> & { readonly signature_key: string } => ({
  ...payload,
  signature_key: signatureKey(payload.order_id, payload.status_code, payload.gross_amount, serverKey),
});

// -------------------------------------------------------------------------------------------------
// verifying
// -------------------------------------------------------------------------------------------------

/** Constant-time equality of two hex strings; different lengths are unequal without comparing. */
const sameHex = (a: string, b: string): boolean => {
  const x = Buffer.from(a, 'latin1');
  const y = Buffer.from(b, 'latin1');
  return x.length === y.length && timingSafeEqual(x, y);
};

/** A hint when the amount was reformatted after signing ("145000" received, "145000.00" signed). */
const reformattedAmountHint = (
  orderId: string,
  statusCode: string,
  grossAmount: string,
  given: string,
  serverKey: string,
): string | undefined => {
  const parsed = parseAmount(grossAmount);
  if (E.isLeft(parsed)) return undefined;
  const canonical = formatAmount(parsed.right);
  if (canonical === grossAmount) return undefined;
  return sameHex(signatureKey(orderId, statusCode, canonical, serverKey), given)
    ? `gross_amount ${JSON.stringify(grossAmount)} was reformatted: the signature matches ${JSON.stringify(canonical)}, as Midtrans sends it`
    : undefined;
};

/** A signed field must be the string Midtrans hashed. */
const signedField = (name: string, value: unknown): E.Either<SignatureError, string> =>
  typeof value === 'string'
    ? E.right(value)
    : E.left({
        code: 'unsigned_field',
        message:
          value === undefined
            ? `signature_key: cannot be verified: ${name} is missing`
            : `signature_key: cannot be verified: ${name} must be the string Midtrans signed, got ${describeFound(value)}`,
      });

/** Checks a notification's `signature_key` against the server key, in constant time. */
export const verifySignature = (payload: SignedFields, serverKey: string): E.Either<SignatureError, void> => {
  if (typeof serverKey !== 'string' || serverKey.length === 0) {
    return failure('no_server_key', 'cannot be verified: no server key is configured');
  }
  const { signature_key: given } = payload;
  const orderId = signedField('order_id', payload.order_id);
  if (E.isLeft(orderId)) return orderId;
  const statusCode = signedField('status_code', payload.status_code);
  if (E.isLeft(statusCode)) return statusCode;
  const grossAmount = signedField('gross_amount', payload.gross_amount);
  if (E.isLeft(grossAmount)) return grossAmount;
  if (given === undefined) {
    return failure(
      'missing_signature',
      'missing; Midtrans signs every notification, so this body was not sent by Midtrans as received',
    );
  }
  if (typeof given !== 'string') {
    return failure('malformed_signature', `expected 128 lowercase hex characters, got ${describeFound(given)}`);
  }
  if (!SIGNATURE_FORMAT.test(given)) {
    return failure(
      'malformed_signature',
      given.length !== 128
        ? `expected 128 lowercase hex characters (a SHA-512 digest), got ${given.length}; was it truncated, or made with another hash?`
        : 'expected 128 lowercase hex characters (a SHA-512 digest), got other characters',
    );
  }
  const [o, s, g] = [orderId.right, statusCode.right, grossAmount.right];
  if (sameHex(signatureKey(o, s, g, serverKey), given)) return E.right(undefined);
  const hint = reformattedAmountHint(o, s, g, given, serverKey);
  return failure(
    'mismatch',
    hint !== undefined
      ? `does not match: ${hint}`
      : 'does not match SHA-512(order_id + status_code + gross_amount + server key); either the server key ' +
          'configured here is not the one of the account and environment (sandbox or production) that sent it, ' +
          'or order_id, status_code or gross_amount was changed after signing (gross_amount must be hashed ' +
          'exactly as received, e.g. "145000.00")',
  );
};
