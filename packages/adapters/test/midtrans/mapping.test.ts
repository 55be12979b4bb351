import { isDeepStrictEqual } from 'node:util';
import * as fc from 'fast-check';
import { OBSERVATION_KINDS } from '@paystate/engine';
import type { Observation } from '@paystate/engine';
import { ACTION_NAMES } from '@paystate/engine';
import { UNREADABLE_LINE, parseReplayLine, toObservation } from '../../src/midtrans/mapping';
import { signNotification } from '../../src/midtrans/signature';
import { notificationArb, replayLineArb, unknownFieldsArb } from './arbitraries';
import { DELIBERATELY_BROKEN, expectedWellFormed, loadCorpus } from './corpus';
import type { CorpusEvent } from './corpus';

const RUNS = { numRuns: 1000 };
const KEY = 'SB-Mid-server-TEST';
const SECRET = 'SB-Mid-server-S3cr3t-do-not-log-9f8e7d';
const options = { serverKey: KEY };

const corpus = loadCorpus();

const KINDS: ReadonlySet<string> = new Set([...OBSERVATION_KINDS, 'invalid']);

/** An observation the engine can take: a known kind, and an invalid one with a reason from a known check. */
const isWellFormed = (o: Observation): boolean =>
  KINDS.has(o.kind) &&
  (o.kind !== 'invalid' ||
    (typeof o.reason === 'string' && o.reason.length > 0 && !o.reason.startsWith(UNREADABLE_LINE)));

const expectObservation = (o: Observation): void => {
  if (!isWellFormed(o)) expect(o).toEqual({ kind: 'a well-formed observation' });
};

const reasonOf = (o: Observation): string | undefined => (o.kind === 'invalid' ? o.reason : undefined);

// -------------------------------------------------------------------------------------------------
// fixtures for kinds the sample corpus lacks
// -------------------------------------------------------------------------------------------------

type TxBody = Record<string, unknown> & { order_id: string; status_code: string; gross_amount: string };

const txBody = (over: Record<string, unknown> = {}): TxBody => ({
  status_code: '200',
  status_message: 'Success',
  transaction_id: 'tx-1',
  order_id: 'order-1',
  gross_amount: '145000.00',
  payment_type: 'credit_card',
  transaction_time: '2024-05-14 10:15:20',
  transaction_status: 'capture',
  fraud_status: 'accept',
  ...over,
}) as TxBody;

describe('the sample corpus', () => {
  for (const scenario of corpus) {
    describe(scenario.file, () => {
      scenario.events.forEach((event, i) => {
        const broken = DELIBERATELY_BROKEN[scenario.file]?.[i];
        it(`event ${i} (${event.kind}) ${broken === undefined ? 'maps to its kind' : `is rejected: ${broken}`}`, () => {
          const o = toObservation(event, { serverKey: scenario.server_key });
          expectObservation(o);
          if (broken !== undefined) {
            expect(o).toMatchObject({ kind: 'invalid', received: event.kind });
            expect(reasonOf(o)?.startsWith(broken)).toBe(true);
            expect(o.orderId).toBe((event.payload as { order_id: string }).order_id);
          } else if (expectedWellFormed(scenario, i)) {
            expect(reasonOf(o)).toBeUndefined();
            expect(o.kind).toBe(event.kind);
          }
        });
      });
    });
  }

  it('reads the same observation from an NDJSON line', () => {
    for (const s of corpus) {
      for (const e of s.events) {
        expect(parseReplayLine(JSON.stringify(e), { serverKey: s.server_key })).toEqual(
          toObservation(e, { serverKey: s.server_key }),
        );
      }
    }
  });

  it('rejects every corpus notification under another server key, naming the order', () => {
    for (const s of corpus) {
      for (const e of s.events.filter((x) => x.kind === 'notification')) {
        const o = toObservation(e, { serverKey: SECRET });
        expect(o.kind).toBe('invalid');
        expect(reasonOf(o)).toMatch(/^[a-z_][a-z0-9_.]*: /);
        expect(JSON.stringify(o)).not.toContain(SECRET);
        expect(o.orderId).toBeDefined();
      }
    }
  });

  const find = (prefix: string, index: number): CorpusEvent => {
    const e = corpus.find((s) => s.file.startsWith(prefix))?.events[index];
    if (e === undefined) throw new Error(`no event ${prefix}[${index}]`);
    return e;
  };

  it('maps a refund answer: this one refund, its key, and the request', () => {
    expect(toObservation(find('19-', 3), options)).toEqual({
      kind: 'action_response',
      action: 'refund',
      orderId: 'corpus-19-two-partial-refunds',
      targetId: 'corpus-19-two-partial-refunds',
      request: { amount: 700_000, refundKey: 'reference2' },
      answer: {
        report: {
          transactionId: 'ba750623-1061-4a72-a1ea-43e8c835cf02',
          status: 'partial_refund',
          statusCode: '200',
          grossAmount: 3_000_000,
          refundAmount: 700_000,
          refundKey: 'reference2',
          transactionTime: '2024-05-14 10:15:20',
        },
      },
    });
  });

  it('maps refunds[] of a notification', () => {
    const o = toObservation(find('19-', 5), options);
    expect(o.kind === 'notification' && o.report).toMatchObject({
      status: 'partial_refund',
      fraud: 'accept',
      refundAmount: 1_200_000,
      refunds: [
        { key: 'reference1', id: '1', amount: 500_000 },
        { key: 'reference2', id: '2', amount: 700_000 },
      ],
      settlementTime: '2024-05-15 16:00:00',
    });
  });

  it('targets a capture by the body transaction_id, with the captured amount', () => {
    expect(toObservation(find('12-', 2), options)).toMatchObject({
      kind: 'action_response',
      action: 'capture',
      targetId: '2eedeb41-5d75-4f47-a617-60d5f6a53529',
      request: { amount: 14_500_000 },
    });
  });

  it('maps a 412 answer to an error, targeted by the path', () => {
    expect(toObservation(find('31-', 1), options)).toEqual({
      kind: 'action_response',
      action: 'approve',
      targetId: 'corpus-31-approve-not-challenged',
      request: {},
      answer: { error: { statusCode: '412', message: 'Merchant cannot modify the status of the transaction' } },
    });
  });
});

describe('each kind', () => {
  it('charge_request: order and whole amount from transaction_details', () => {
    const line = {
      kind: 'charge_request',
      payload: { payment_type: 'credit_card', transaction_details: { order_id: 'order-1', gross_amount: 145000 } },
      received_at: '2024-05-14T03:15:19Z',
    };
    expect(toObservation(line, options)).toEqual({
      kind: 'charge_request',
      orderId: 'order-1',
      grossAmount: 14_500_000,
      receivedAt: '2024-05-14T03:15:19Z',
    });
    const bad = toObservation({ ...line, payload: { transaction_details: { order_id: 'order-1', gross_amount: '145000' } } }, options);
    expect(bad).toMatchObject({ kind: 'invalid', received: 'charge_request', orderId: 'order-1' });
    expect(reasonOf(bad)).toBe('transaction_details.gross_amount: expected a whole amount like 145000, got "145000"');
  });

  it('charge_response: 3DS pending keeps its expiry time', () => {
    const payload = txBody({ status_code: '201', transaction_status: 'pending', redirect_url: 'https://x', expiry_time: '2024-05-14 10:25:20' });
    expect(toObservation({ kind: 'charge_response', payload }, options)).toMatchObject({
      kind: 'charge_response',
      orderId: 'order-1',
      answer: { report: { status: 'pending', statusCode: '201', expiryTime: '2024-05-14 10:25:20' } },
    });
  });

  it('charge_response: an error body takes its order from the request', () => {
    const line = {
      kind: 'charge_response',
      request: { method: 'POST', path: '/v2/charge', body: { transaction_details: { order_id: 'order-9', gross_amount: 1000 } } },
      payload: { status_code: '411', status_message: 'Token id is missing, invalid, or timed out' },
    };
    expect(toObservation(line, options)).toEqual({
      kind: 'charge_response',
      orderId: 'order-9',
      answer: { error: { statusCode: '411', message: 'Token id is missing, invalid, or timed out' } },
    });
  });

  it('charge_response: an error body with no order anywhere still maps, without an order', () => {
    const payload = {
      status_code: '400',
      status_message: 'One or more parameters in the payload is invalid.',
      validation_messages: ['card_number does not match with luhn algorithm'],
      id: '02197189',
    };
    expect(toObservation({ kind: 'charge_response', payload }, options)).toEqual({
      kind: 'charge_response',
      answer: {
        error: {
          statusCode: '400',
          message: 'One or more parameters in the payload is invalid. (card_number does not match with luhn algorithm)',
        },
      },
    });
  });

  it('status_response: target from the path, refunds mapped, chargeback amount only when stated', () => {
    const payload = txBody({
      transaction_status: 'partial_refund',
      refund_amount: '12000.00',
      chargeback_amount: '1000.50',
      refunds: [{ refund_chargeback_id: 1, refund_amount: '5000.00', refund_key: 'r1', created_at: 'x', reason: '' }, { refund_amount: '7000.00' }],
    });
    expect(
      toObservation({ kind: 'status_response', request: { method: 'GET', path: '/v2/order-1/status' }, payload }, options),
    ).toMatchObject({
      kind: 'status_response',
      orderId: 'order-1',
      targetId: 'order-1',
      answer: {
        report: {
          refundAmount: 1_200_000,
          chargebackAmount: 100_050,
          refunds: [{ key: 'r1', id: '1', amount: 500_000 }, { amount: 700_000 }],
        },
      },
    });
  });

  it('status_response: 404 is an error answer; full URLs and encoded ids are read', () => {
    const line = {
      kind: 'status_response',
      request: { method: 'GET', path: 'https://api.sandbox.midtrans.com/v2/order%2F1/status?x=1' },
      payload: { status_code: '404', status_message: "Transaction doesn't exist." },
    };
    expect(toObservation(line, options)).toEqual({
      kind: 'status_response',
      targetId: 'order/1',
      answer: { error: { statusCode: '404', message: "Transaction doesn't exist." } },
    });
  });

  it('status_response: a path that is not a status request is rejected', () => {
    const o = toObservation(
      { kind: 'status_response', request: { path: '/v2//status' }, payload: { status_code: '404' } },
      options,
    );
    expect(reasonOf(o)).toBe('request.path: expected "/v2/{id}/status", got "/v2//status"');
  });

  it('action_response: expire answers 407 expire on success', () => {
    const { fraud_status: _, ...payload } = txBody({ status_code: '407', transaction_status: 'expire' });
    const o = toObservation({ kind: 'action_response', action: 'expire', request: { path: '/v2/order-1/expire' }, payload }, options);
    expect(o).toMatchObject({ kind: 'action_response', action: 'expire', targetId: 'order-1', answer: { report: { status: 'expire', statusCode: '407' } } });
    expect(o.kind === 'action_response' && 'report' in o.answer && 'fraud' in o.answer.report).toBe(false);
  });

  it('action_response: direct refund path, declined by the bank (202)', () => {
    const payload = txBody({ status_code: '202', transaction_status: 'settlement', refund_amount: '0.00' });
    const o = toObservation(
      {
        kind: 'action_response',
        action: 'direct_refund',
        request: { method: 'POST', path: '/v2/tx-1/refund/online/direct', body: { refund_key: 'k1', amount: 5000 } },
        payload,
      },
      options,
    );
    expect(o).toMatchObject({
      action: 'direct_refund',
      targetId: 'tx-1',
      request: { amount: 500_000, refundKey: 'k1' },
      answer: { report: { statusCode: '202', status: 'settlement', refundAmount: 0 } },
    });
  });

  it('action_response: capture declined (202 deny) is a report', () => {
    const o = toObservation(
      {
        kind: 'action_response',
        action: 'capture',
        request: { method: 'POST', path: '/v2/capture', body: { transaction_id: 'tx-1', gross_amount: 100000 } },
        payload: txBody({ status_code: '202', transaction_status: 'deny' }),
      },
      options,
    );
    expect(o).toMatchObject({ targetId: 'tx-1', request: { amount: 10_000_000 }, answer: { report: { status: 'deny' } } });
  });

  it.each([
    ['412', 'refund'],
    ['414', 'refund'],
    ['406', 'direct_refund'],
    ['404', 'cancel'],
  ])('action_response: %s to %s is an error answer', (code, action) => {
    const path = action === 'direct_refund' ? '/v2/o-1/refund/online/direct' : `/v2/o-1/${action}`;
    expect(
      toObservation({ kind: 'action_response', action, request: { path }, payload: { status_code: code, status_message: 'm' } }, options),
    ).toMatchObject({ kind: 'action_response', action, targetId: 'o-1', answer: { error: { statusCode: code, message: 'm' } } });
  });

  it('action_response: an unknown or missing action, a wrong path, a bad amount are rejected by name', () => {
    const base = { kind: 'action_response', payload: txBody(), request: { path: '/v2/order-1/approve' } };
    expect(reasonOf(toObservation({ ...base, action: 'void' }, options))).toBe(
      'action: expected one of approve|deny|cancel|expire|capture|refund|direct_refund, got "void"',
    );
    expect(reasonOf(toObservation(base, options))).toMatch(/^action: missing/);
    expect(reasonOf(toObservation({ ...base, action: 'deny' }, options))).toBe(
      'request.path: expected "/v2/{id}/deny", got "/v2/order-1/approve"',
    );
    const refund = { ...base, action: 'refund', request: { path: '/v2/order-1/refund', body: { amount: 1.5 } } };
    const o = toObservation(refund, options);
    expect(o).toMatchObject({ kind: 'invalid', received: 'action_response', orderId: 'order-1', transactionId: 'tx-1' });
    expect(reasonOf(o)).toBe('request.body.amount: expected a whole amount like 145000, got number 1.5');
  });

  it('callback_3ds: lenient, but needs an order', () => {
    expect(
      toObservation({ kind: 'callback_3ds', payload: { order_id: 'o', transaction_id: 't', transaction_status: 'captured', status_code: 202 } }, options),
    ).toEqual({ kind: 'callback_3ds', orderId: 'o', transactionId: 't' });
    expect(reasonOf(toObservation({ kind: 'callback_3ds', payload: { transaction_id: 't' } }, options))).toBe('order_id: missing');
  });

  it('deadline_passed', () => {
    const payload = { order_id: 'o', transaction_id: 't', deadline: '2024-05-14 10:25:20', reason: '3DS expiry' };
    expect(toObservation({ kind: 'deadline_passed', payload }, options)).toEqual({
      kind: 'deadline_passed',
      orderId: 'o',
      transactionId: 't',
      deadline: '2024-05-14 10:25:20',
      reason: '3DS expiry',
    });
  });

  it('notification: a number status_code is rejected by path, and the order is still named', () => {
    const payload = signNotification(txBody(), KEY);
    const o = toObservation({ kind: 'notification', payload: { ...payload, status_code: 200 }, received_at: 'now' }, options);
    expect(o).toEqual({
      kind: 'invalid',
      received: 'notification',
      orderId: 'order-1',
      transactionId: 'tx-1',
      receivedAt: 'now',
      reason: 'status_code: expected a string like "200", got number 200',
    });
  });

  it('the envelope: unknown kind, missing payload, not an object, not JSON', () => {
    expect(toObservation({ kind: 'webhook', payload: { order_id: 'o' } }, options)).toEqual({
      kind: 'invalid',
      received: 'unknown',
      orderId: 'o',
      reason:
        'kind: expected one of charge_request|charge_response|notification|status_response|action_response|callback_3ds|deadline_passed, got "webhook"',
    });
    expect(reasonOf(toObservation({ kind: 'notification' }, options))).toBe('payload: missing');
    expect(reasonOf(toObservation('x', options))).toMatch(/^line: expected an object/);
    expect(reasonOf(parseReplayLine('{"kind": "notification", ', options))).toMatch(/^body: not valid JSON \(.+\)$/);
  });
});

// -------------------------------------------------------------------------------------------------
// properties
// -------------------------------------------------------------------------------------------------

/** Every path (as keys) to a value inside a JSON value, the root included. */
const pathsOf = (u: unknown, prefix: readonly (string | number)[] = []): (readonly (string | number)[])[] => {
  const here = [prefix];
  if (Array.isArray(u)) return here.concat(...u.map((v, i) => pathsOf(v, [...prefix, i])));
  if (u !== null && typeof u === 'object') {
    return here.concat(...Object.entries(u).map(([k, v]) => pathsOf(v, [...prefix, k])));
  }
  return here;
};

type Mutation =
  | { readonly op: 'delete' }
  | { readonly op: 'replace'; readonly value: unknown }
  | { readonly op: 'add'; readonly fields: Record<string, unknown> };

const mutate = (root: unknown, path: readonly (string | number)[], m: Mutation): unknown => {
  const copy: unknown = structuredClone(root);
  if (path.length === 0) return m.op === 'replace' ? m.value : m.op === 'add' && copy !== null && typeof copy === 'object' ? { ...copy, ...m.fields } : copy;
  let parent = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (m.op === 'replace') {
    parent[last] = m.value;
  } else {
    const target = parent[last];
    if (target !== null && typeof target === 'object' && !Array.isArray(target)) parent[last] = { ...m.fields, ...target };
  }
  return copy;
};

const corpusLines = corpus.flatMap((s) => s.events.filter((_, i) => expectedWellFormed(s, i)).map((line) => ({ key: s.server_key, line })));

describe('properties', () => {
  it('(a) arbitrary JSON values never throw and always give an observation', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (u) => {
        expectObservation(toObservation(u, options));
        expectObservation(parseReplayLine(JSON.stringify(u) ?? 'null', options));
      }),
      RUNS,
    );
  });

  it('(a) arbitrary strings never throw through parseReplayLine', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.json()), (text) => {
        expectObservation(parseReplayLine(text, options));
      }),
      RUNS,
    );
  });

  it('(a) arbitrary JavaScript values (not only JSON) never throw through toObservation', () => {
    const anything = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
    });
    fc.assert(
      fc.property(anything, fc.constantFrom(...OBSERVATION_KINDS), anything, (u, kind, payload) => {
        expectObservation(toObservation(u, options));
        expectObservation(toObservation({ kind, payload, action: 'refund', request: { path: '/v2/x/refund', body: payload } }, options));
      }),
      RUNS,
    );
  });

  it('(a) arbitrary replay-shaped lines never throw, and never leak the server key', () => {
    fc.assert(
      fc.property(replayLineArb, (line) => {
        const o = toObservation(line, { serverKey: SECRET });
        expectObservation(o);
        if (JSON.stringify(o).includes(SECRET)) expect(o).toEqual('an observation without the server key');
      }),
      RUNS,
    );
  });

  it('(b) mutated corpus lines (a field deleted, replaced or added, anywhere) never throw', () => {
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      fc.constant<Mutation>({ op: 'delete' }),
      fc.jsonValue({ maxDepth: 2 }).map((value): Mutation => ({ op: 'replace', value })),
      unknownFieldsArb.map((fields): Mutation => ({ op: 'add', fields })),
    );
    const arb = fc
      .constantFrom(...corpusLines)
      .chain(({ key, line }) => fc.tuple(fc.constant(key), fc.constant(line), fc.constantFrom(...pathsOf(line)), mutation));
    fc.assert(
      fc.property(arb, ([key, line, path, m]) => {
        expectObservation(toObservation(mutate(line, path, m), { serverKey: key }));
      }),
      RUNS,
    );
  });

  it('(b) unknown fields added to a corpus payload change nothing', () => {
    const arb = fc.tuple(fc.constantFrom(...corpusLines), unknownFieldsArb);
    fc.assert(
      fc.property(arb, ([{ key, line }, fields]) => {
        const mutated = toObservation(mutate(line, ['payload'], { op: 'add', fields }), { serverKey: key });
        const original = toObservation(line, { serverKey: key });
        if (!isDeepStrictEqual(mutated, original)) expect(mutated).toEqual(original);
      }),
      RUNS,
    );
  });

  it('(b) a §5 field deleted from, or made a number in, a statement is rejected by name, naming the order', () => {
    const statements = corpusLines.filter(
      ({ line }) =>
        ['notification', 'charge_response', 'status_response', 'action_response'].includes(line.kind) &&
        typeof (line.payload as Record<string, unknown>)['transaction_status'] === 'string' &&
        // a bare 407 is expire's success answer even without a transaction_status
        (line.payload as Record<string, unknown>)['status_code'] !== '407',
    );
    const field = fc.constantFrom('status_code', 'gross_amount', 'transaction_status', 'order_id', 'transaction_id');
    fc.assert(
      fc.property(fc.constantFrom(...statements), field, fc.boolean(), ({ key, line }, name, remove) => {
        const mutated = mutate(line, ['payload', name], remove ? { op: 'delete' } : { op: 'replace', value: 200 });
        const o = toObservation(mutated, { serverKey: key });
        expect(o.kind).toBe('invalid');
        expect(reasonOf(o)).toContain(remove ? `${name}: missing` : `${name}: expected`);
        if (name !== 'order_id') expect(o.orderId).toBe((line.payload as Record<string, unknown>)['order_id']);
      }),
      RUNS,
    );
  });

  it('signed notifications map field for field', () => {
    fc.assert(
      fc.property(notificationArb(KEY), (payload) => {
        const o = toObservation({ kind: 'notification', payload }, options);
        expect(o).toMatchObject({
          kind: 'notification',
          orderId: payload.order_id,
          report: {
            transactionId: payload.transaction_id,
            status: payload.transaction_status,
            statusCode: payload.status_code,
          },
        });
        if (o.kind === 'notification') {
          expect('fraud' in o.report).toBe(payload.fraud_status !== undefined);
          expect(o.report.refunds?.length).toBe(payload.refunds?.length);
        }
      }),
      RUNS,
    );
  });

  it('every action name maps with its own path', () => {
    const paths: Record<string, string> = {
      approve: '/v2/t/approve',
      deny: '/v2/t/deny',
      cancel: '/v2/t/cancel',
      expire: '/v2/t/expire',
      refund: '/v2/t/refund',
      direct_refund: '/v2/t/refund/online/direct',
      capture: '/v2/capture',
    };
    for (const action of ACTION_NAMES) {
      const o = toObservation({ kind: 'action_response', action, request: { path: paths[action] }, payload: txBody() }, options);
      expect(o).toMatchObject({ kind: 'action_response', action });
    }
  });
});
