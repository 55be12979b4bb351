import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import {
  createCoreApiClient,
  PRODUCTION_BASE_URL,
  renderCoreApiError,
  SANDBOX_BASE_URL,
  type CoreApiClient,
  type CoreApiError,
  type CoreApiAnswer,
} from '../../src/coreApi/index';
import type { Ingestor, RawObservation, StoredObservation } from '../../src/ingest/index';
import { storeUnavailable } from '../../src/store/index';
import { newIngestor, seedOrder, SERVER_KEY, startStub, txBody, type Stub } from './support';

let stub: Stub;
let ingestor: Ingestor;
let client: CoreApiClient;

const make = (options: Partial<Parameters<typeof createCoreApiClient>[0]> = {}) =>
  createCoreApiClient({ serverKey: SERVER_KEY, baseUrl: stub.url, ingestor, retries: 2, retryDelayMs: 5, timeoutMs: 2_000, ...options } as Parameters<
    typeof createCoreApiClient
  >[0]);

beforeEach(async () => {
  stub = await startStub();
  ingestor = newIngestor();
  client = make();
});
afterEach(() => stub.close());

const left = async (t: TE.TaskEither<CoreApiError, CoreApiAnswer>): Promise<CoreApiError> => {
  const r = await t();
  if (E.isRight(r)) throw new Error(`expected an error, got ${JSON.stringify(r.right.body)}`);
  return r.left;
};
const right = async (t: TE.TaskEither<CoreApiError, CoreApiAnswer>): Promise<CoreApiAnswer> => {
  const r = await t();
  if (E.isLeft(r)) throw new Error(`expected an answer, got ${renderCoreApiError(r.left)}`);
  return r.right;
};

/** The lines recorded in an order's stream. */
const lines = async (orderId: string): Promise<RawObservation[]> => {
  const r = await ingestor.store.readStream(`order:${orderId}`)();
  if (E.isLeft(r)) throw new Error('store');
  return r.right.events.map((e) => (e.data as StoredObservation).line);
};

describe('Core API client: requests', () => {
  it('sends Basic auth with the server key and an empty password, JSON headers, and no Idempotency-Key on GET', async () => {
    stub.script({ status: 200, body: txBody('o-1', 'capture', 'accept', '200') });
    await right(client.status('o-1'));
    const [req] = stub.requests;
    expect(req).toMatchObject({ method: 'GET', path: '/v2/o-1/status' });
    expect(req!.headers['authorization']).toBe(`Basic ${Buffer.from(`${SERVER_KEY}:`).toString('base64')}`);
    expect(req!.headers['accept']).toBe('application/json');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['idempotency-key']).toBeUndefined();
  });

  it('POSTs carry an Idempotency-Key of at most 46 characters', async () => {
    await seedOrder(ingestor, 'o-2', 'capture/accept');
    stub.script({ status: 200, body: txBody('o-2', 'cancel', 'accept', '200') });
    await right(client.cancel('o-2'));
    const key = stub.requests[0]!.headers['idempotency-key'];
    expect(typeof key).toBe('string');
    expect((key as string).length).toBeLessThanOrEqual(46);
    expect(stub.requests[0]).toMatchObject({ method: 'POST', path: '/v2/o-2/cancel' });
  });

  it('knows the sandbox and production base URLs', () => {
    expect(createCoreApiClient({ serverKey: 'k', environment: 'sandbox', ingestor }).baseUrl).toBe(SANDBOX_BASE_URL);
    expect(createCoreApiClient({ serverKey: 'k', environment: 'production', ingestor }).baseUrl).toBe(PRODUCTION_BASE_URL);
    expect(SANDBOX_BASE_URL).toBe('https://api.sandbox.midtrans.com');
    expect(PRODUCTION_BASE_URL).toBe('https://api.midtrans.com');
  });

  it('uses Midtrans’ paths for capture, refund and direct refund, with their bodies', async () => {
    await seedOrder(ingestor, 'o-a', 'authorize');
    stub.script({ status: 200, body: txBody('o-a', 'capture', 'accept', '200', { gross_amount: '100000.00' }) });
    await right(client.capture({ transaction_id: 'tid-o-a', gross_amount: 100000 }));
    expect(stub.requests[0]).toMatchObject({ method: 'POST', path: '/v2/capture' });
    expect(JSON.parse(stub.requests[0]!.body)).toEqual({ transaction_id: 'tid-o-a', gross_amount: 100000 });
    await seedOrder(ingestor, 'o/s', 'settlement');
    stub.script({ status: 200, body: txBody('o/s', 'partial_refund', undefined, '200', { refund_amount: '1000.00', refund_key: 'r1' }) });
    await right(client.refund('o/s', { refund_key: 'r1', amount: 1000, reason: 'why' }));
    expect(stub.requests[1]).toMatchObject({ path: '/v2/o%2Fs/refund' });
    expect(JSON.parse(stub.requests[1]!.body)).toEqual({ refund_key: 'r1', amount: 1000, reason: 'why' });
    stub.script({ status: 200, body: txBody('o/s', 'partial_refund', undefined, '200', { refund_amount: '2000.00', refund_key: 'r2' }) });
    await right(client.directRefund('o/s', { refund_key: 'r2', amount: 2000 }));
    expect(stub.requests[2]).toMatchObject({ path: '/v2/o%2Fs/refund/online/direct' });
  });
});

describe('Core API client: telling answers from errors', () => {
  it('a 412 in an HTTP 200 body is a MidtransError (httpStatus 200), not retried', async () => {
    await seedOrder(ingestor, 'o-412', 'capture/challenge');
    stub.script({ status: 200, body: { status_code: '412', status_message: 'Merchant cannot modify the status of the transaction' } });
    const e = await left(client.approve('o-412'));
    expect(e).toMatchObject({ _tag: 'MidtransError', statusCode: '412', httpStatus: 200, message: 'Merchant cannot modify the status of the transaction' });
    expect(stub.requests).toHaveLength(1);
  });

  it.each([
    [401, { status_code: '401', status_message: 'Access denied' }, '401'],
    [404, { status_code: '404', status_message: "Transaction doesn't exist." }, '404'],
    [400, { status_message: 'bad' }, '400'],
  ])('HTTP %i is a MidtransError, not retried', async (status, body, code) => {
    stub.script({ status, body });
    const e = await left(client.status('o-x'));
    expect(e).toMatchObject({ _tag: 'MidtransError', statusCode: code, httpStatus: status });
    expect(stub.requests).toHaveLength(1);
  });

  it('HTTP 500 is retried with backoff and the same Idempotency-Key, then reported', async () => {
    await seedOrder(ingestor, 'o-500', 'capture/accept');
    stub.script({ status: 500, body: { status_code: '500', status_message: 'Sorry, we encountered internal server error' } });
    const e = await left(client.cancel('o-500'));
    expect(e).toMatchObject({ _tag: 'MidtransError', statusCode: '500', httpStatus: 500 });
    expect(stub.requests).toHaveLength(3);
    const keys = new Set(stub.requests.map((r) => r.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toBeDefined();
  });

  it('a 5xx followed by a success returns the success; each call gets its own key', async () => {
    await seedOrder(ingestor, 'o-503', 'capture/accept');
    stub.script({ status: 503, body: { status_code: '503', status_message: 'busy' } }, { status: 200, body: txBody('o-503', 'cancel', 'accept', '200') });
    const a = await right(client.cancel('o-503'));
    expect(a.attempts).toBe(2);
    expect(stub.requests[0]!.headers['idempotency-key']).toBe(stub.requests[1]!.headers['idempotency-key']);
    stub.script({ status: 200, body: txBody('o-503', 'cancel', 'accept', '200') });
    await right(client.status('o-503'));
    await seedOrder(ingestor, 'o-503b', 'capture/accept');
    await right(client.cancel('o-503b'));
    expect(stub.requests[3]!.headers['idempotency-key']).not.toBe(stub.requests[0]!.headers['idempotency-key']);
  });

  it('a network failure is retried with the same key', async () => {
    await seedOrder(ingestor, 'o-net', 'capture/accept');
    stub.script({ destroy: true }, { status: 200, body: txBody('o-net', 'cancel', 'accept', '200') });
    const a = await right(client.cancel('o-net'));
    expect(a.attempts).toBe(2);
    expect(stub.requests).toHaveLength(2);
    expect(stub.requests[0]!.headers['idempotency-key']).toBe(stub.requests[1]!.headers['idempotency-key']);
  });

  it('a server that cannot be reached gives Network after every retry', async () => {
    await stub.close();
    const e = await left(client.status('o-down'));
    expect(e).toMatchObject({ _tag: 'Network', attempts: 3 });
    stub = await startStub();
  });

  it('each attempt has a timeout; the last one gives Timeout', async () => {
    const slow = make({ timeoutMs: 100, retries: 1 });
    stub.script({ delayMs: 1_000, then: { status: 200, body: txBody('o-t', 'capture', 'accept', '200') } });
    const started = Date.now();
    const e = await left(slow.status('o-t'));
    expect(e).toMatchObject({ _tag: 'Timeout', timeoutMs: 100, attempts: 2 });
    expect(Date.now() - started).toBeLessThan(900);
    stub.script({ delayMs: 1_000, then: { status: 200, body: {} } }, { status: 200, body: txBody('o-t', 'capture', 'accept', '200') });
    expect((await right(slow.status('o-t'))).attempts).toBe(2);
  });

  it('407 is success for expire and for the status of an expired transaction', async () => {
    await seedOrder(ingestor, 'o-exp', 'pending');
    stub.script({ status: 200, body: txBody('o-exp', 'expire', undefined, '407', { status_message: 'Success, transaction has expired' }) });
    const a = await right(client.expire('o-exp'));
    expect(a).toMatchObject({ statusCode: '407', transactionStatus: 'expire' });
    expect(a.ingested.outcome).toBe('applied');
    expect(a.ingested.state?.attempts[0]?.status).toBe('expire');
    const s = await right(client.status('o-exp'));
    expect(s.statusCode).toBe('407');
  });

  it('201 pending and 202 deny are answers, not errors', async () => {
    stub.script({ status: 200, body: txBody('o-201', 'pending', 'accept', '201', { redirect_url: 'https://x' }) });
    const pending = await right(client.charge({ payment_type: 'credit_card', transaction_details: { order_id: 'o-201', gross_amount: 145000 } }));
    expect(pending).toMatchObject({ statusCode: '201', transactionStatus: 'pending' });
    stub.script({ status: 200, body: txBody('o-202', 'deny', 'deny', '202') });
    const denied = await right(client.charge({ payment_type: 'credit_card', transaction_details: { order_id: 'o-202', gross_amount: 145000 } }));
    expect(denied).toMatchObject({ statusCode: '202', transactionStatus: 'deny', fraudStatus: 'deny' });
  });

  it('a 2xx that is not a Midtrans body is a BadResponse, not retried', async () => {
    stub.script({ status: 200, body: '<html>maintenance</html>', raw: true });
    expect(await left(client.status('o-html'))).toMatchObject({ _tag: 'BadResponse', httpStatus: 200 });
    stub.script({ status: 200, body: { hello: 'world' } });
    expect(await left(client.status('o-html'))).toMatchObject({ _tag: 'BadResponse', reason: 'no status_code in the body' });
    expect(stub.requests).toHaveLength(2);
  });
});

describe('Core API client: asking the engine first', () => {
  const refused = async (t: TE.TaskEither<CoreApiError, CoreApiAnswer>, action: string, reason: RegExp) => {
    const e = await left(t);
    expect(e._tag).toBe('RefusedLocally');
    expect(e).toMatchObject({ action });
    expect((e as { reason: string }).reason).toMatch(reason);
    expect(stub.requests).toHaveLength(0);
  };

  it('refuses approve and deny unless the capture is challenged', async () => {
    await seedOrder(ingestor, 'r-1', 'capture/accept');
    await refused(client.approve('r-1'), 'approve', /approve is not allowed while transaction tid-r-1 is capture\/accept \(allowed now: cancel\)/);
    await refused(client.deny('tid-r-1'), 'deny', /not allowed/);
  });

  it('refuses cancel after settlement, expire unless pending, capture unless authorized', async () => {
    await seedOrder(ingestor, 'r-2', 'settlement');
    await refused(client.cancel('r-2'), 'cancel', /allowed now: direct_refund, refund/);
    await refused(client.expire('r-2'), 'expire', /not allowed/);
    await refused(client.capture({ transaction_id: 'tid-r-2' }), 'capture', /not allowed/);
  });

  it('refuses refunds before settlement, above the remaining amount, or reusing a refund_key', async () => {
    await seedOrder(ingestor, 'r-3', 'capture/accept');
    await refused(client.refund('r-3', { amount: 1000 }), 'refund', /not allowed while transaction tid-r-3 is capture\/accept/);
    await seedOrder(ingestor, 'r-4', 'settlement');
    await refused(client.refund('r-4', { amount: 145001 }), 'refund', /exceeds the remaining 145,000\.00/);
    await refused(client.directRefund('r-4', { amount: 0 }), 'direct_refund', /positive whole number/);
    stub.script({ status: 200, body: txBody('r-4', 'partial_refund', undefined, '200', { refund_amount: '1000.00', refund_key: 'k1' }) });
    await right(client.refund('r-4', { refund_key: 'k1', amount: 1000 }));
    stub.requests.length = 0;
    await refused(client.refund('r-4', { refund_key: 'k1', amount: 500 }), 'refund', /refund_key "k1" was already used/);
  });

  it('refuses a capture above the authorized amount', async () => {
    await seedOrder(ingestor, 'r-5', 'authorize');
    await refused(client.capture({ transaction_id: 'tid-r-5', gross_amount: 145001 }), 'capture', /exceeds the authorized 145,000\.00/);
  });

  it('refuses actions on orders it does not know, and charges on an order with an active transaction', async () => {
    await refused(client.cancel('unknown'), 'cancel', /names no order paystate knows/);
    await seedOrder(ingestor, 'r-6', 'pending');
    await refused(client.charge({ payment_type: 'credit_card', transaction_details: { order_id: 'r-6', gross_amount: 145000 } }), 'charge', /already has transaction tid-r-6 in pending\/accept/);
    await refused(client.charge({ payment_type: 'credit_card', transaction_details: { order_id: 'r-7', gross_amount: '145000' } }), 'charge', /transaction_details\.gross_amount/);
  });

  it('refuses an Idempotency-Key longer than 46 characters', async () => {
    await seedOrder(ingestor, 'r-8', 'capture/accept');
    await refused(make({ idempotencyKey: () => 'k'.repeat(47) }).cancel('r-8'), 'cancel', /1 to 46 characters/);
  });

  it('allows a retry charge after a deny', async () => {
    await seedOrder(ingestor, 'r-9', 'deny');
    stub.script({ status: 200, body: { ...txBody('r-9', 'capture', 'accept', '200'), transaction_id: 'tid-r-9-retry' } });
    const a = await right(client.charge({ payment_type: 'credit_card', transaction_details: { order_id: 'r-9', gross_amount: 145000 } }));
    expect(a.ingested.outcome).toBe('applied');
    expect(a.ingested.state?.attempts).toHaveLength(2);
  });
});

describe('Core API client: every answer is recorded before it is returned', () => {
  it('charge records the request, then the answer with the request it belongs to', async () => {
    const body = { payment_type: 'credit_card', transaction_details: { order_id: 'i-1', gross_amount: 145000 }, credit_card: { token_id: 't' } };
    stub.script({ status: 200, body: txBody('i-1', 'capture', 'accept', '200') });
    const a = await right(client.charge(body));
    expect(a.ingested).toMatchObject({ outcome: 'applied', orderId: 'i-1' });
    expect(await lines('i-1')).toEqual([
      { kind: 'charge_request', payload: body },
      { kind: 'charge_response', payload: txBody('i-1', 'capture', 'accept', '200'), request: { method: 'POST', path: '/v2/charge', body } },
    ]);
  });

  it('status and actions are recorded as status_response and action_response with their request', async () => {
    await seedOrder(ingestor, 'i-2', 'capture/challenge');
    stub.script({ status: 200, body: txBody('i-2', 'capture', 'accept', '200') });
    await right(client.approve('i-2'));
    stub.script({ status: 200, body: txBody('i-2', 'capture', 'accept', '200') });
    const s = await right(client.status('tid-i-2'));
    expect(s.ingested.outcome).toBe('duplicate');
    const recorded = (await lines('i-2')).slice(2);
    expect(recorded).toEqual([
      { kind: 'action_response', action: 'approve', payload: txBody('i-2', 'capture', 'accept', '200'), request: { method: 'POST', path: '/v2/i-2/approve' } },
      { kind: 'status_response', payload: txBody('i-2', 'capture', 'accept', '200'), request: { method: 'GET', path: '/v2/tid-i-2/status' } },
    ]);
  });

  it('error answers are recorded too, and the engine classifies them', async () => {
    await seedOrder(ingestor, 'i-3', 'capture/challenge');
    stub.script({ status: 200, body: { status_code: '412', status_message: 'Merchant cannot modify the status of the transaction' } });
    const e = await left(client.deny('i-3'));
    expect(e._tag).toBe('MidtransError');
    const ingested = (e as Extract<CoreApiError, { _tag: 'MidtransError' }>).ingested;
    expect(ingested).toMatchObject({ outcome: 'ignored' });
    expect(ingested?.state?.flags.map((f) => f.flag)).toEqual(['action_refused']);
    const last = (await lines('i-3')).at(-1);
    expect(last).toMatchObject({ kind: 'action_response', action: 'deny', payload: { status_code: '412' } });
  });

  it('the answer is durable when the call resolves (recorded before returning)', async () => {
    const order: string[] = [];
    const tracking: Ingestor = {
      ...ingestor,
      ingest: (line, o) => async () => {
        order.push(`ingest ${line.kind} start`);
        const r = await ingestor.ingest(line, o)();
        order.push(`ingest ${line.kind} done`);
        return r;
      },
    };
    const c = make({ ingestor: tracking });
    stub.script({ status: 200, body: txBody('i-4', 'capture', 'accept', '200') });
    await right(c.charge({ payment_type: 'credit_card', transaction_details: { order_id: 'i-4', gross_amount: 145000 } }));
    order.push('returned');
    expect(order).toEqual(['ingest charge_request start', 'ingest charge_request done', 'ingest charge_response start', 'ingest charge_response done', 'returned']);
  });

  it('a store failure is a StoreError and the answer is not returned', async () => {
    const failing: Ingestor = { ...ingestor, ingest: () => TE.left(storeUnavailable('disk full')) };
    stub.script({ status: 200, body: txBody('i-5', 'capture', 'accept', '200') });
    expect(await left(make({ ingestor: failing }).status('i-5'))).toMatchObject({ _tag: 'StoreError', error: { _tag: 'StoreUnavailable' } });
  });
});

describe('Core API client: the server key stays secret', () => {
  it('never appears in errors, even when a failure message or a body contains it', async () => {
    const leaky: typeof fetch = async () => {
      throw new Error(`connect failed for https://${SERVER_KEY}:@api.example`);
    };
    const e1 = await left(make({ fetch: leaky, retries: 0 }).status('x'));
    stub.script({ status: 200, body: { status_code: '401', status_message: `unknown key ${SERVER_KEY}` } });
    const e2 = await left(client.status('x'));
    const auth = Buffer.from(`${SERVER_KEY}:`).toString('base64');
    for (const e of [e1, e2]) {
      const text = `${JSON.stringify({ ...e, body: undefined, ingested: undefined })} ${renderCoreApiError(e)}`;
      expect(text).not.toContain(SERVER_KEY);
      expect(text).not.toContain(auth);
    }
    expect(renderCoreApiError(e1)).toContain('[server key]');
  });
});
