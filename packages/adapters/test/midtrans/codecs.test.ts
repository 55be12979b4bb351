import { isDeepStrictEqual } from 'node:util';
import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import {
  ActionResponseBody,
  Callback3dsBody,
  ChargeRequestBody,
  ErrorBody,
  NotificationBody,
  StatusResponseBody,
  TransactionBody,
  decodeActionResponse,
  decodeChargeResponse,
  decodeNotification,
  decodeStatusResponse,
  decodeWith,
  isErrorBody,
} from '../../src/midtrans/codecs';
import type { GuardedDecoder } from '../../src/midtrans/codecs';
import type { DecodeError } from '../../src/midtrans/decodeError';
import { invalidJson, renderDecodeErrors } from '../../src/midtrans/decodeError';
import { CODEC_CASES, unknownFieldsArb } from './arbitraries';
import { DELIBERATELY_BROKEN, expectedWellFormed, loadCorpus } from './corpus';
import type { CorpusEvent } from './corpus';

const RUNS = { numRuns: 1000 };

const corpus = loadCorpus();

const notificationPayload = (): Record<string, unknown> => ({
  transaction_time: '2024-05-14 10:15:20',
  transaction_status: 'capture',
  transaction_id: 'ed2a3870-b4af-4dc8-a0c6-e980349f0d9f',
  status_message: 'midtrans payment notification',
  status_code: '200',
  signature_key: '0'.repeat(128),
  payment_type: 'credit_card',
  order_id: 'C17550',
  gross_amount: '145000.00',
  fraud_status: 'accept',
});

const errorsOf = <A>(r: E.Either<readonly DecodeError[], A>): readonly DecodeError[] =>
  E.isLeft(r) ? r.left : [];

const messagesOf = <A>(r: E.Either<readonly DecodeError[], A>): readonly string[] =>
  errorsOf(r).map((e) => e.message);

/** Decodes a corpus event's payload with the decoder for its kind. */
const decodeEvent = (e: CorpusEvent): E.Either<readonly DecodeError[], unknown> => {
  switch (e.kind) {
    case 'charge_response':
      return decodeChargeResponse(e.payload);
    case 'notification':
      return decodeNotification(e.payload);
    case 'status_response':
      return decodeStatusResponse(e.payload);
    case 'action_response':
      return decodeActionResponse(e.payload);
    case 'callback_3ds':
      return decodeWith(Callback3dsBody)(e.payload);
    case 'charge_request':
      return decodeWith(ChargeRequestBody)(e.payload);
    default:
      return E.right(e.payload);
  }
};

describe('corpus payloads', () => {
  it('finds the corpus', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(15);
  });

  for (const scenario of corpus) {
    describe(scenario.file, () => {
      scenario.events.forEach((event, i) => {
        const broken = DELIBERATELY_BROKEN[scenario.file]?.[i];
        if (broken !== undefined && !broken.startsWith('signature_key')) {
          it(`event ${i} (${event.kind}) fails with "${broken}"`, () => {
            expect(messagesOf(decodeEvent(event))).toEqual([broken]);
          });
        } else if (!expectedWellFormed(scenario, i)) {
          it(`event ${i} (${event.kind}), expected not to be applied, decodes or fails without throwing`, () => {
            expect(() => decodeEvent(event)).not.toThrow();
          });
        } else {
          it(`event ${i} (${event.kind}) decodes, keeping every field`, () => {
            const decoded = decodeEvent(event);
            expect(messagesOf(decoded)).toEqual([]);
            const value = E.isRight(decoded) ? decoded.right : undefined;
            const body = value !== null && typeof value === 'object' && ('ok' in value || 'error' in value)
              ? Object.values(value)[0]
              : value;
            expect(body).toEqual(event.payload);
          });
        }
      });
    });
  }

  it('keeps the unknown fields of scenario 47', () => {
    const s = corpus.find((c) => c.file.startsWith('47-'));
    const decoded = decodeNotification(s?.events[1]?.payload);
    expect(E.isRight(decoded) && decoded.right).toMatchObject({
      three_ds_challenge_completion: true,
      metadata: { extra_info: { note: 'anything' } },
      x_future_field_2030: { nested: [1, 2, 3] },
    });
  });
});

describe('strict fields (DOMAIN §5)', () => {
  it('names a number status_code with its value', () => {
    const r = decodeNotification({ ...notificationPayload(), status_code: 200 });
    expect(errorsOf(r)).toEqual([
      {
        path: 'status_code',
        expected: 'a string like "200"',
        found: 200,
        message: 'status_code: expected a string like "200", got number 200',
      },
    ]);
  });

  it('names a missing transaction_status', () => {
    const { transaction_status: _, ...rest } = notificationPayload();
    expect(messagesOf(decodeNotification(rest))).toEqual(['transaction_status: missing']);
  });

  it('names an unknown fraud_status and lists the known ones', () => {
    expect(messagesOf(decodeNotification({ ...notificationPayload(), fraud_status: 'maybe' }))).toEqual([
      'fraud_status: expected one of accept|challenge|deny, got "maybe"',
    ]);
  });

  it('rejects an unknown transaction_status', () => {
    expect(messagesOf(decodeNotification({ ...notificationPayload(), transaction_status: 'expired' }))).toEqual([
      'transaction_status: expected one of pending|authorize|capture|settlement|deny|cancel|expire|failure|refund|partial_refund|chargeback|partial_chargeback, got "expired"',
    ]);
  });

  it('rejects a malformed gross_amount and a numeric one', () => {
    expect(messagesOf(decodeNotification({ ...notificationPayload(), gross_amount: '145,000' }))).toEqual([
      'gross_amount: expected an amount like "145000.00", got "145,000"',
    ]);
    expect(messagesOf(decodeNotification({ ...notificationPayload(), gross_amount: 145000 }))).toEqual([
      'gross_amount: expected an amount like "145000.00", got number 145000',
    ]);
  });

  it.each(['order_id', 'transaction_id'])('rejects a number or empty %s', (field) => {
    expect(messagesOf(decodeNotification({ ...notificationPayload(), [field]: 17550 }))).toEqual([
      `${field}: expected a non-empty string, got number 17550`,
    ]);
    expect(messagesOf(decodeNotification({ ...notificationPayload(), [field]: '' }))).toEqual([
      `${field}: expected a non-empty string, got ""`,
    ]);
  });

  it('names nested paths inside refunds[]', () => {
    const payload = {
      ...notificationPayload(),
      transaction_status: 'partial_refund',
      refund_amount: '5000.00',
      refunds: [{ refund_chargeback_id: 1, refund_amount: '5000.00' }, { refund_chargeback_id: '2', refund_amount: 7000 }],
    };
    expect(messagesOf(decodeStatusResponse(payload))).toEqual([
      'refunds.1.refund_amount: expected an amount like "145000.00", got number 7000',
      'refunds.1.refund_chargeback_id: expected a number, got "2"',
    ]);
  });

  it('says when the payload is not an object at all', () => {
    expect(messagesOf(decodeNotification(42))).toEqual(['payload: expected an object, got number 42']);
    expect(messagesOf(decodeNotification([1]))).toEqual(['payload: expected an object, got an array of 1 item']);
  });

  it('reports every failing field at once', () => {
    const r = decodeNotification({ status_code: 200, fraud_status: 'maybe', gross_amount: '145,000' });
    expect(renderDecodeErrors(errorsOf(r))).toBe(
      'status_code: expected a string like "200", got number 200; transaction_id: missing; order_id: missing; ' +
        'gross_amount: expected an amount like "145000.00", got "145,000"; transaction_status: missing; and 2 more',
    );
  });

  it('renders malformed JSON as a body failure', () => {
    let cause: unknown;
    try {
      JSON.parse('{"status_code": 200,');
    } catch (e) {
      cause = e;
    }
    expect(invalidJson(cause, '{"status_code": 200,').message).toMatch(/^body: not valid JSON \(.+\)$/);
  });
});

describe('error bodies', () => {
  it.each([
    [{ status_code: '411', status_message: 'Token id is missing, invalid, or timed out' }],
    [{ status_code: '406', status_message: 'The request could not be processed', id: 'x' }],
    [{ status_code: '401', status_message: 'Access denied', validation_messages: ['server key'] }],
    [{ status_code: '412', status_message: 'Merchant cannot modify the status of the transaction' }],
    [{ status_code: '414', status_message: 'Refund amount is invalid' }],
    [{ status_code: '404', status_message: "Transaction doesn't exist." }],
    [{ status_code: '407', status_message: 'Expired transaction' }],
    [{ status_code: '500', status_message: 'Internal server error' }],
  ])('recognises %j as an error answer', (body) => {
    expect(isErrorBody(body)).toBe(true);
    for (const decode of [decodeChargeResponse, decodeStatusResponse, decodeActionResponse]) {
      expect(decode(body)).toEqual(E.right({ error: body }));
    }
  });

  it('treats 407 expire as the expire action success', () => {
    const body = {
      status_code: '407',
      status_message: 'Success, transaction has expired',
      transaction_id: 't-1',
      order_id: 'o-1',
      gross_amount: '145000.00',
      transaction_status: 'expire',
    };
    expect(isErrorBody(body)).toBe(false);
    expect(decodeActionResponse(body)).toEqual(E.right({ ok: body }));
  });

  it('does not take a numeric 4xx code for an error body: it is a type error', () => {
    expect(isErrorBody({ status_code: 412 })).toBe(false);
    expect(messagesOf(decodeActionResponse({ status_code: 412, status_message: 'x' }))[0]).toBe(
      'status_code: expected a string like "200", got number 412',
    );
  });

  it('rejects a success-coded body without a status', () => {
    expect(messagesOf(decodeChargeResponse({ status_code: '200', order_id: 'o' }))).toEqual([
      'transaction_id: missing',
      'gross_amount: missing',
      'transaction_status: missing',
    ]);
  });
});

describe('laws', () => {
  it.each(CODEC_CASES)('%s decodes what it encodes, unchanged', (_name, codec, arb) => {
    fc.assert(
      fc.property(arb, (x) => {
        const decoded = codec.decode(codec.encode(x));
        if (!(E.isRight(decoded) && isDeepStrictEqual(decoded.right, x))) expect(decoded).toEqual(E.right(x));
      }),
      RUNS,
    );
  });

  it('every codec keeps unknown extra fields', () => {
    const arb = fc
      .constantFrom(...CODEC_CASES)
      .chain(([name, codec, valid]) => fc.tuple(fc.constant(name), fc.constant(codec), valid, unknownFieldsArb));
    fc.assert(
      fc.property(arb, ([, codec, x, extra]) => {
        const withExtra = { ...extra, ...x };
        const decoded = codec.decode(withExtra);
        if (!(E.isRight(decoded) && isDeepStrictEqual(decoded.right, withExtra))) {
          expect(decoded).toEqual(E.right(withExtra));
        }
      }),
      RUNS,
    );
  });

  // decodeWith returns what a codec's guard accepts without decoding it: that is only right if
  // the guard and decoding agree on every input, and decoding returns the input itself.
  it.each(CODEC_CASES)('%s: its guard accepts exactly what it decodes, and decoding returns the input', (_name, codec, valid) => {
    const mutated = valid.chain((x) => {
      const keys = Object.keys(x);
      if (keys.length === 0) return fc.oneof(fc.constant<unknown>(x), fc.jsonValue());
      return fc.oneof(
        fc.constant<unknown>(x),
        fc.jsonValue(),
        fc.tuple(fc.constantFrom(...keys), fc.option(fc.jsonValue(), { nil: undefined })).map(([k, v]): unknown => {
          const copy: Record<string, unknown> = { ...x };
          if (v === undefined) delete copy[k];
          else copy[k] = v;
          return copy;
        }),
      );
    });
    fc.assert(
      fc.property(mutated, (u) => {
        const decoded = codec.decode(u);
        expect(codec.is(u)).toBe(E.isRight(decoded));
        if (E.isRight(decoded)) expect(decoded.right).toBe(u);
        const fast = decodeWith(codec)(u);
        expect(E.isRight(fast)).toBe(E.isRight(decoded));
      }),
      RUNS,
    );
  });

  it('never throws on arbitrary input, for any codec', () => {
    const codecs: ReadonlyArray<GuardedDecoder<unknown>> = [TransactionBody, NotificationBody, StatusResponseBody, ActionResponseBody, ErrorBody];
    fc.assert(
      fc.property(fc.jsonValue(), (u) => {
        for (const c of codecs) decodeWith(c)(u);
        decodeChargeResponse(u);
        decodeActionResponse(u);
      }),
      RUNS,
    );
  });
});
