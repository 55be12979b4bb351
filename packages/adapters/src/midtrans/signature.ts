/**
 * Midtrans notification signatures: `signature_key = SHA512(order_id + status_code + gross_amount + server_key)`,
 * lowercase hex, over the exact strings received. Messages never contain the server key.
 */
import { hash } from 'node:crypto';
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

/** A SHA-512 digest in lowercase hex. */
const DIGEST_LENGTH = 128;

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

/** 1 for every byte that is not a lowercase hex digit, 0 for `0-9a-f`: a table, so checking has no branch to mispredict. */
const NOT_HEX: Uint8Array = (() => {
  const t = new Uint8Array(256).fill(1);
  for (const c of '0123456789abcdef') t[c.charCodeAt(0)] = 0;
  return t;
})();

/** How a received signature compares with the expected digest. */
const enum Match {
  Same,
  Different,
  /** 128 characters, but not all lowercase hex. */
  NotHex,
}

/**
 * Compares a received signature of 128 characters with the expected digest in constant time:
 * every character is compared and checked, with no early exit, so the time taken says nothing
 * about how much of the expected digest a forged signature got right.
 */
const compareDigest = (expected: string, given: string): Match => {
  let diff = 0;
  let notHex = 0;
  for (let i = 0; i < DIGEST_LENGTH; i++) {
    const c = given.charCodeAt(i);
    notHex |= (c >>> 8) | NOT_HEX[c & 0xff]!;
    diff |= c ^ expected.charCodeAt(i);
  }
  return notHex !== 0 ? Match.NotHex : diff === 0 ? Match.Same : Match.Different;
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
  return compareDigest(signatureKey(orderId, statusCode, canonical, serverKey), given) === Match.Same
    ? `gross_amount ${JSON.stringify(grossAmount)} was reformatted: the signature matches ${JSON.stringify(canonical)}, as Midtrans sends it`
    : undefined;
};

/** A signed field that is not the string Midtrans hashed. */
const unsignedField = (name: string, value: unknown): E.Either<SignatureError, void> =>
  E.left({
    code: 'unsigned_field',
    message:
      value === undefined
        ? `signature_key: cannot be verified: ${name} is missing`
        : `signature_key: cannot be verified: ${name} must be the string Midtrans signed, got ${describeFound(value)}`,
  });

const VERIFIED: E.Either<SignatureError, void> = E.right(undefined);

/** Checks a notification's `signature_key` against the server key, in constant time. */
export const verifySignature = (payload: SignedFields, serverKey: string): E.Either<SignatureError, void> => {
  if (typeof serverKey !== 'string' || serverKey.length === 0) {
    return failure('no_server_key', 'cannot be verified: no server key is configured');
  }
  const { order_id: o, status_code: s, gross_amount: g, signature_key: given } = payload;
  if (typeof o !== 'string') return unsignedField('order_id', o);
  if (typeof s !== 'string') return unsignedField('status_code', s);
  if (typeof g !== 'string') return unsignedField('gross_amount', g);
  if (given === undefined) {
    return failure(
      'missing_signature',
      'missing; Midtrans signs every notification, so this body was not sent by Midtrans as received',
    );
  }
  if (typeof given !== 'string') {
    return failure('malformed_signature', `expected 128 lowercase hex characters, got ${describeFound(given)}`);
  }
  if (given.length !== DIGEST_LENGTH) {
    return failure(
      'malformed_signature',
      `expected 128 lowercase hex characters (a SHA-512 digest), got ${given.length}; was it truncated, or made with another hash?`,
    );
  }
  const match = compareDigest(signatureKey(o, s, g, serverKey), given);
  if (match === Match.Same) return VERIFIED;
  if (match === Match.NotHex) {
    return failure('malformed_signature', 'expected 128 lowercase hex characters (a SHA-512 digest), got other characters');
  }
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
