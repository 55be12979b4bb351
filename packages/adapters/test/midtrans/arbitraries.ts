/**
 * fast-check arbitraries of valid Midtrans payloads, one per codec, each with unknown extra fields.
 */
import * as fc from 'fast-check';
import type * as t from 'io-ts';
import { formatAmount } from '@paystate/engine';
import { OBSERVATION_KINDS } from '@paystate/engine';
import { ACTION_NAMES } from '@paystate/engine';
import { FRAUD_STATUSES, TRANSACTION_STATUSES } from '@paystate/engine';
import {
  ActionResponseBody,
  Callback3dsBody,
  CaptureRequestBody,
  ChargeRequestBody,
  ChargeResponseBody,
  DeadlinePassedBody,
  ErrorBody,
  NotificationBody,
  RefundEntryBody,
  RefundRequestBody,
  ReplayLine,
  RequestInfo,
  StatusResponseBody,
  TransactionBody,
} from '../../src/midtrans/codecs';
import { signNotification } from '../../src/midtrans/signature';

// -------------------------------------------------------------------------------------------------
// field values
// -------------------------------------------------------------------------------------------------

export const idArb = fc.string({ minLength: 1, maxLength: 30 });
export const textArb = fc.string({ maxLength: 20 });
export const statusCodeArb = fc.integer({ min: 0, max: 999 }).map((n) => String(n).padStart(3, '0'));
export const errorStatusCodeArb = fc.integer({ min: 400, max: 599 }).map(String);
export const amountArb = fc.oneof(
  fc.integer({ min: 0, max: 10_000_000_000_000 }).map(formatAmount),
  fc.integer({ min: 0, max: 100_000_000_000 }).map(String),
);
export const wholeAmountArb = fc.integer({ min: 0, max: 100_000_000_000 });
export const timeArb = fc
  .date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2035-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().replace('T', ' ').slice(0, 19));
export const transactionStatusArb = fc.constantFrom(...TRANSACTION_STATUSES);
export const fraudStatusArb = fc.constantFrom(...FRAUD_STATUSES);

// -------------------------------------------------------------------------------------------------
// unknown fields
// -------------------------------------------------------------------------------------------------

/** Every wire name a codec knows; extra fields are drawn outside this set. */
export const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'status_code',
  'status_message',
  'transaction_id',
  'order_id',
  'gross_amount',
  'transaction_status',
  'fraud_status',
  'transaction_time',
  'expiry_time',
  'settlement_time',
  'refund_amount',
  'refund_key',
  'refund_chargeback_id',
  'refunds',
  'chargeback_amount',
  'redirect_url',
  'signature_key',
  'id',
  'validation_messages',
  'transaction_details',
  'deadline',
  'reason',
  'amount',
  'created_at',
  'refund_method',
  'bank_confirmed_at',
  'kind',
  'payload',
  'action',
  'request',
  'received_at',
  'method',
  'path',
  'body',
]);

const unknownKeyArb = fc
  .string({ minLength: 1, maxLength: 12 })
  .filter((k) => !KNOWN_FIELDS.has(k) && k !== '__proto__');

/** A few fields no codec knows, with arbitrary JSON values. */
export const unknownFieldsArb: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(
  unknownKeyArb,
  fc.jsonValue({ maxDepth: 1 }),
  { maxKeys: 3 },
);

const withUnknown = <A extends object>(arb: fc.Arbitrary<A>): fc.Arbitrary<A> =>
  fc.tuple(arb, unknownFieldsArb).map(([known, extra]) => ({ ...extra, ...known }));

// -------------------------------------------------------------------------------------------------
// payloads
// -------------------------------------------------------------------------------------------------

export const refundEntryArb = withUnknown(
  fc.record(
    {
      refund_amount: amountArb,
      refund_chargeback_id: fc.nat(),
      refund_key: textArb,
      created_at: timeArb,
      reason: textArb,
      refund_method: fc.constantFrom('online', 'offline'),
      bank_confirmed_at: timeArb,
    },
    { requiredKeys: ['refund_amount'] },
  ),
);

const core = {
  status_code: statusCodeArb,
  transaction_id: idArb,
  order_id: idArb,
  gross_amount: amountArb,
  transaction_status: transactionStatusArb,
};
const CORE_KEYS = ['status_code', 'transaction_id', 'order_id', 'gross_amount', 'transaction_status'] as const;
const extras = {
  fraud_status: fraudStatusArb,
  status_message: textArb,
  transaction_time: timeArb,
  expiry_time: timeArb,
  settlement_time: timeArb,
  refund_amount: amountArb,
  refund_key: textArb,
  refund_chargeback_id: fc.nat(),
  refunds: fc.array(refundEntryArb, { maxLength: 3 }),
  chargeback_amount: amountArb,
};

export const transactionBodyArb = withUnknown(fc.record({ ...core, ...extras }, { requiredKeys: [...CORE_KEYS] }));

export const chargeResponseBodyArb = withUnknown(
  fc.record(
    { ...core, ...extras, redirect_url: idArb.map((id) => `https://api.sandbox.midtrans.com/v2/token/rba/redirect/${encodeURIComponent(id)}`) },
    { requiredKeys: [...CORE_KEYS] },
  ),
);

export const serverKeyArb = fc.stringMatching(/^SB-Mid-server-[A-Za-z0-9_]{8,24}$/);

/** A notification signed with the given key. */
export const notificationArb = (serverKey: string) =>
  transactionBodyArb.map((b) => signNotification(b, serverKey));

export const notificationBodyArb = fc
  .tuple(transactionBodyArb, serverKeyArb)
  .map(([b, key]) => signNotification(b, key));

export const statusResponseBodyArb = fc
  .tuple(transactionBodyArb, serverKeyArb, fc.boolean())
  .map(([b, key, signed]) => (signed ? signNotification(b, key) : b));

export const errorBodyArb = withUnknown(
  fc.record(
    {
      status_code: errorStatusCodeArb,
      status_message: textArb,
      id: idArb,
      validation_messages: fc.array(textArb, { maxLength: 3 }),
    },
    { requiredKeys: ['status_code'] },
  ),
);

export const chargeRequestBodyArb = withUnknown(
  fc.record({
    payment_type: fc.constant('credit_card'),
    transaction_details: withUnknown(fc.record({ order_id: idArb, gross_amount: wholeAmountArb })),
  }),
);

export const callback3dsBodyArb = withUnknown(
  fc.record(
    { order_id: idArb, transaction_id: idArb, transaction_status: fc.oneof(transactionStatusArb, textArb), status_code: statusCodeArb },
    { requiredKeys: ['order_id'] },
  ),
);

export const deadlinePassedBodyArb = withUnknown(
  fc.record(
    { order_id: idArb, transaction_id: idArb, deadline: timeArb, reason: textArb },
    { requiredKeys: ['order_id', 'deadline', 'reason'] },
  ),
);

export const refundRequestBodyArb = withUnknown(
  fc.record({ refund_key: textArb, amount: wholeAmountArb, reason: textArb }, { requiredKeys: [] }),
);

export const captureRequestBodyArb = withUnknown(
  fc.record({ transaction_id: idArb, gross_amount: wholeAmountArb }, { requiredKeys: ['transaction_id'] }),
);

export const requestInfoArb = withUnknown(
  fc.record(
    { method: fc.constantFrom('GET', 'POST'), path: fc.string(), body: fc.jsonValue({ maxDepth: 2 }) },
    { requiredKeys: [] },
  ),
);

export const replayLineArb = withUnknown(
  fc.record(
    {
      kind: fc.constantFrom(...OBSERVATION_KINDS),
      payload: fc.jsonValue({ maxDepth: 2 }),
      action: fc.oneof(fc.constantFrom(...ACTION_NAMES), textArb),
      request: requestInfoArb,
      received_at: timeArb,
    },
    { requiredKeys: ['kind', 'payload'] },
  ),
);

/** Each codec with an arbitrary of values it must accept. */
export const CODEC_CASES: ReadonlyArray<readonly [string, t.Type<any, any, unknown>, fc.Arbitrary<object>]> = [
  ['TransactionBody', TransactionBody, transactionBodyArb],
  ['ChargeResponseBody', ChargeResponseBody, chargeResponseBodyArb],
  ['NotificationBody', NotificationBody, notificationBodyArb],
  ['StatusResponseBody', StatusResponseBody, statusResponseBodyArb],
  ['ActionResponseBody', ActionResponseBody, transactionBodyArb],
  ['ErrorBody', ErrorBody, errorBodyArb],
  ['RefundEntryBody', RefundEntryBody, refundEntryArb],
  ['ChargeRequestBody', ChargeRequestBody, chargeRequestBodyArb],
  ['Callback3dsBody', Callback3dsBody, callback3dsBodyArb],
  ['DeadlinePassedBody', DeadlinePassedBody, deadlinePassedBodyArb],
  ['RefundRequestBody', RefundRequestBody, refundRequestBodyArb],
  ['CaptureRequestBody', CaptureRequestBody, captureRequestBodyArb],
  ['RequestInfo', RequestInfo, requestInfoArb],
  ['ReplayLine', ReplayLine, replayLineArb],
];
