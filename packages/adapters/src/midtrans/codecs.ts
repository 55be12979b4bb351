/**
 * io-ts codecs for what Midtrans and the merchant send, in wire field names.
 *
 * Narrow where it matters (DOMAIN §5): in notifications, status responses and successful charge
 * and action responses, `status_code`, `gross_amount`, `transaction_status`, `order_id` and
 * `transaction_id` must be strings of the right form, and `fraud_status` a known verdict. Other
 * known fields are checked only when present. Unknown fields are accepted and kept: decoding
 * returns the received object with every field it had.
 */
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { amountMinor, fromUnits } from '@paystate/engine';
import { FRAUD_STATUSES, TRANSACTION_STATUSES } from '@paystate/engine';
import type { FraudStatus, TransactionStatus } from '@paystate/engine';
import { NOTIFICATION_MODES, OBSERVATION_KINDS } from '@paystate/engine';
import type { NotificationMode, ObservationKind } from '@paystate/engine';
import { fromValidationErrors } from './decodeError';
import type { DecodeError } from './decodeError';

// -------------------------------------------------------------------------------------------------
// primitives (each named by what it accepts, which is what a failure message says was expected)
// -------------------------------------------------------------------------------------------------

const stringWhere = (description: string, ok: (s: string) => boolean): t.Type<string, string, unknown> =>
  new t.Type<string, string, unknown>(
    description,
    (u): u is string => typeof u === 'string' && ok(u),
    (u, c) => (typeof u === 'string' && ok(u) ? t.success(u) : t.failure(u, c)),
    t.identity,
  );

const keyOf = <K extends string>(values: readonly K[], name: string): t.KeyofC<Record<K, null>> =>
  t.keyof(Object.fromEntries(values.map((v) => [v, null])) as Record<K, null>, name);

/** A string with at least one character (ids). */
export const NonEmptyString = stringWhere('a non-empty string', (s) => s.length > 0);

/** A three-digit status code as a string ("200", "201", "407"). */
export const StatusCode = stringWhere('a string like "200"', (s) => /^\d{3}$/.test(s));

/** A 4xx or 5xx status code as a string ("412"). */
export const ErrorStatusCode = stringWhere('a 4xx or 5xx code like "412"', (s) => /^[45]\d\d$/.test(s));

/** A Midtrans amount string ("145000.00"), kept as received for signatures. */
export const AmountString = stringWhere('an amount like "145000.00"', (s) => amountMinor(s) >= 0);

/** A whole-unit amount as request bodies carry it (`145000`). */
export const WholeAmount = new t.Type<number, number, unknown>(
  'a whole amount like 145000',
  (u): u is number => typeof u === 'number' && E.isRight(fromUnits(u)),
  (u, c) => (typeof u === 'number' && E.isRight(fromUnits(u)) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

/** Any value except a missing one. */
export const Present = new t.Type<unknown, unknown, unknown>(
  'a value',
  (u): u is unknown => u !== undefined,
  (u, c) => (u !== undefined ? t.success(u) : t.failure(u, c)),
  t.identity,
);

export const TransactionStatusCodec = keyOf<TransactionStatus>(TRANSACTION_STATUSES, 'TransactionStatus');
export const FraudStatusCodec = keyOf<FraudStatus>(FRAUD_STATUSES, 'FraudStatus');

// -------------------------------------------------------------------------------------------------
// guards written out (the codecs every notification goes through)
// -------------------------------------------------------------------------------------------------

/**
 * The same codec with a guard written out field by field. io-ts's own guard walks every field
 * through a closure per combinator; a notification passes through these for every delivery. The
 * decoding (and its path-named errors) stays io-ts's, and the codec property tests hold every
 * guard to it: it accepts exactly what decodes.
 */
const withGuard = <A>(codec: t.Type<A, A, unknown>, is: (u: unknown) => u is A): t.Type<A, A, unknown> =>
  new t.Type<A, A, unknown>(
    codec.name,
    is,
    // The context names the io-ts codec itself, so errors read as they would without the wrapper.
    (u, c) => codec.validate(u, c.length === 0 ? c : [...c.slice(0, -1), { ...c[c.length - 1]!, type: codec }]),
    codec.encode,
  );

type Fields = Readonly<Record<string, unknown>>;

/** What io-ts calls an UnknownRecord. */
const isFields = (u: unknown): u is Fields => u !== null && typeof u === 'object' && !Array.isArray(u);

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

const isStatusCode = (u: unknown): boolean =>
  typeof u === 'string' && u.length === 3 && isDigit(u.charCodeAt(0)) && isDigit(u.charCodeAt(1)) && isDigit(u.charCodeAt(2));

const isNonEmpty = (u: unknown): boolean => typeof u === 'string' && u.length > 0;

const isAmount = (u: unknown): boolean => typeof u === 'string' && amountMinor(u) >= 0;

/** Absent (undefined), or passing the check: what a field of `t.partial` must be. */
const optional = (u: unknown, ok: (v: unknown) => boolean): boolean => u === undefined || ok(u);

const isString = (u: unknown): boolean => typeof u === 'string';

// -------------------------------------------------------------------------------------------------
// transaction bodies (charge, notification, status and action answers that state a status)
// -------------------------------------------------------------------------------------------------

/** One entry of `refunds[]`. */
export const RefundEntryBody = t.intersection(
  [
    t.type({ refund_amount: AmountString }),
    t.partial({
      refund_chargeback_id: t.number,
      refund_key: t.string,
      created_at: t.string,
      reason: t.string,
      refund_method: t.string,
      bank_confirmed_at: t.string,
    }),
  ],
  'RefundEntryBody',
);
export type RefundEntryBody = t.TypeOf<typeof RefundEntryBody>;

/** The fields every statement of a transaction's state carries (DOMAIN §5: strict). */
const TransactionCore = t.type({
  status_code: StatusCode,
  transaction_id: NonEmptyString,
  order_id: NonEmptyString,
  gross_amount: AmountString,
  transaction_status: TransactionStatusCodec,
});

/** Known optional fields, checked when present. */
const TransactionExtras = t.partial({
  fraud_status: FraudStatusCodec,
  transaction_time: t.string,
  expiry_time: t.string,
  settlement_time: t.string,
  refund_amount: AmountString,
  refund_key: t.string,
  refund_chargeback_id: t.number,
  refunds: t.array(RefundEntryBody),
  chargeback_amount: AmountString,
});

const refundsCodec = TransactionExtras.props.refunds;

/** TransactionCore's guard, field by field. */
const hasCore = (u: Fields): boolean =>
  isStatusCode(u['status_code']) &&
  isNonEmpty(u['transaction_id']) &&
  isNonEmpty(u['order_id']) &&
  isAmount(u['gross_amount']) &&
  TransactionStatusCodec.is(u['transaction_status']);

/** TransactionExtras' guard, field by field. */
const hasExtras = (u: Fields): boolean =>
  optional(u['fraud_status'], FraudStatusCodec.is) &&
  optional(u['transaction_time'], isString) &&
  optional(u['expiry_time'], isString) &&
  optional(u['settlement_time'], isString) &&
  optional(u['refund_amount'], isAmount) &&
  optional(u['refund_key'], isString) &&
  optional(u['refund_chargeback_id'], (v) => typeof v === 'number') &&
  optional(u['refunds'], refundsCodec.is) &&
  optional(u['chargeback_amount'], isAmount);

/** A guard for a transaction body with `more` checks on top of the core and the known extras. */
const transactionGuard =
  <A>(more: (u: Fields) => boolean) =>
  (u: unknown): u is A =>
    isFields(u) && hasCore(u) && hasExtras(u) && more(u);

/** Any Midtrans statement of a transaction's state. */
export const TransactionBody = withGuard(
  t.intersection([TransactionCore, TransactionExtras], 'TransactionBody'),
  transactionGuard(() => true),
);
export type TransactionBody = t.TypeOf<typeof TransactionBody>;

/** A successful `POST /v2/charge` answer (200 capture, 201 pending with `redirect_url` or challenge, 202 deny). */
export const ChargeResponseBody = withGuard(
  t.intersection([TransactionCore, TransactionExtras, t.partial({ redirect_url: t.string })], 'ChargeResponseBody'),
  transactionGuard((u) => optional(u['redirect_url'], isString)),
);
export type ChargeResponseBody = t.TypeOf<typeof ChargeResponseBody>;

/** An HTTP notification from Midtrans; `signature_key` is required. */
export const NotificationBody = withGuard(
  t.intersection([t.type({ ...TransactionCore.props, signature_key: t.string }), TransactionExtras], 'NotificationBody'),
  transactionGuard((u) => typeof u['signature_key'] === 'string'),
);
export type NotificationBody = t.TypeOf<typeof NotificationBody>;

/** A successful `GET /v2/{id}/status` answer (it may carry a `signature_key`). */
export const StatusResponseBody = withGuard(
  t.intersection([TransactionCore, TransactionExtras, t.partial({ signature_key: t.string })], 'StatusResponseBody'),
  transactionGuard((u) => optional(u['signature_key'], isString)),
);
export type StatusResponseBody = t.TypeOf<typeof StatusResponseBody>;

/**
 * A successful action answer: approve, deny, cancel (200), expire (407 expire), capture (200; 202
 * deny when the bank declines), refund and direct refund (200; `refund_amount` is this refund).
 */
export const ActionResponseBody = withGuard(t.intersection([TransactionCore, TransactionExtras], 'ActionResponseBody'), transactionGuard(() => true));
export type ActionResponseBody = t.TypeOf<typeof ActionResponseBody>;

// -------------------------------------------------------------------------------------------------
// error bodies
// -------------------------------------------------------------------------------------------------

/** An error answer (411, 406, 401, 412, 414, 404, 5xx ...): few fields besides the code. */
export const ErrorBody = t.intersection(
  [
    t.type({ status_code: ErrorStatusCode }),
    t.partial({ status_message: t.string, id: t.string, validation_messages: t.array(t.string) }),
  ],
  'ErrorBody',
);
export type ErrorBody = t.TypeOf<typeof ErrorBody>;

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

/** True when a body is an error answer: a 4xx/5xx string `status_code`, except 407 with `transaction_status` expire. */
export const isErrorBody = (u: unknown): boolean => {
  if (!isRecord(u)) return false;
  const code = u['status_code'];
  if (typeof code !== 'string' || !/^[45]\d\d$/.test(code)) return false;
  return !(code === '407' && u['transaction_status'] === 'expire');
};

// -------------------------------------------------------------------------------------------------
// other inputs
// -------------------------------------------------------------------------------------------------

/** The merchant's `POST /v2/charge` body; `gross_amount` is a whole number there. */
export const ChargeRequestBody = t.type(
  { transaction_details: t.type({ order_id: NonEmptyString, gross_amount: WholeAmount }) },
  'ChargeRequestBody',
);
export type ChargeRequestBody = t.TypeOf<typeof ChargeRequestBody>;

/** The browser's 3DS callback: only `order_id` is required; the rest is kept, never trusted. */
export const Callback3dsBody = t.type({ order_id: NonEmptyString }, 'Callback3dsBody');
export type Callback3dsBody = t.TypeOf<typeof Callback3dsBody>;

/** The host's deadline event (DOMAIN §1). */
export const DeadlinePassedBody = t.intersection(
  [
    t.type({ order_id: NonEmptyString, deadline: t.string, reason: t.string }),
    t.partial({ transaction_id: NonEmptyString }),
  ],
  'DeadlinePassedBody',
);
export type DeadlinePassedBody = t.TypeOf<typeof DeadlinePassedBody>;

/** The body of `POST /v2/{id}/refund` and `/v2/{id}/refund/online/direct`. */
export const RefundRequestBody = t.partial(
  { refund_key: t.string, amount: WholeAmount, reason: t.string },
  'RefundRequestBody',
);
export type RefundRequestBody = t.TypeOf<typeof RefundRequestBody>;

/** The body of `POST /v2/capture`. */
export const CaptureRequestBody = t.intersection(
  [t.type({ transaction_id: NonEmptyString }), t.partial({ gross_amount: WholeAmount })],
  'CaptureRequestBody',
);
export type CaptureRequestBody = t.TypeOf<typeof CaptureRequestBody>;

// -------------------------------------------------------------------------------------------------
// the replay line (DOMAIN §9)
// -------------------------------------------------------------------------------------------------

export const ObservationKindCodec = keyOf<ObservationKind>(OBSERVATION_KINDS, 'ObservationKind');

/** How far a notification was trusted when it was recorded (absent: signature mode). */
export const NotificationModeCodec = keyOf<NotificationMode>(NOTIFICATION_MODES, 'NotificationMode');

/** The request an answer belongs to. */
export const RequestInfo = t.partial({ method: t.string, path: t.string, body: t.unknown }, 'RequestInfo');
export type RequestInfo = t.TypeOf<typeof RequestInfo>;

const ReplayLineFields = t.intersection(
  [
    t.type({ kind: ObservationKindCodec, payload: Present }),
    t.partial({ action: t.string, request: RequestInfo, received_at: t.string, mode: NotificationModeCodec }),
  ],
  'ReplayLine',
);

/** One NDJSON line: `{kind, payload, action?, request?, received_at?, mode?}`. */
export const ReplayLine = withGuard(
  ReplayLineFields,
  (u): u is t.TypeOf<typeof ReplayLineFields> =>
    isFields(u) &&
    ObservationKindCodec.is(u['kind']) &&
    u['payload'] !== undefined &&
    optional(u['action'], isString) &&
    optional(u['request'], RequestInfo.is) &&
    optional(u['received_at'], isString) &&
    optional(u['mode'], NotificationModeCodec.is),
);
export type ReplayLine = t.TypeOf<typeof ReplayLine>;

// -------------------------------------------------------------------------------------------------
// decoders
// -------------------------------------------------------------------------------------------------

/** A decoder with a guard, as every io-ts codec is. */
export type GuardedDecoder<A> = t.Decoder<unknown, A> & { readonly is: t.Is<A> };

/**
 * Decodes with a codec, failures as path-named values.
 *
 * A value the codec's guard accepts is returned as it is, without io-ts's walk that builds a
 * context for every field: every codec here only checks (none transforms), so a value that passes
 * `is` is exactly what `decode` would return. Only a value that fails the guard is decoded, which
 * is where the path-named errors come from. A property test holds every codec to this.
 */
export const decodeWith =
  <A>(codec: GuardedDecoder<A>) =>
  (u: unknown): E.Either<readonly DecodeError[], A> => {
    if (codec.is(u)) return E.right(u);
    const r = codec.decode(u);
    return r._tag === 'Left' ? E.left(fromValidationErrors(r.left)) : r;
  };

/** An API answer: the success body, or an error body. */
export type ApiAnswer<A> = { readonly ok: A } | { readonly error: ErrorBody };

/** Decodes an API answer: an error body (see `isErrorBody`) or a strict success body. */
export const decodeAnswer =
  <A>(codec: GuardedDecoder<A>) =>
  (u: unknown): E.Either<readonly DecodeError[], ApiAnswer<A>> =>
    isErrorBody(u)
      ? pipe(decodeWith(ErrorBody)(u), E.map((error): ApiAnswer<A> => ({ error })))
      : pipe(decodeWith(codec)(u), E.map((ok): ApiAnswer<A> => ({ ok })));

/** Decodes a `POST /v2/charge` answer. */
export const decodeChargeResponse = decodeAnswer(ChargeResponseBody);
/** Decodes a `GET /v2/{id}/status` answer. */
export const decodeStatusResponse = decodeAnswer(StatusResponseBody);
/** Decodes an action answer (approve, deny, cancel, expire, capture, refund, direct refund). */
export const decodeActionResponse = decodeAnswer(ActionResponseBody);
/** Decodes a notification (its signature is checked separately). */
export const decodeNotification = decodeWith(NotificationBody);
