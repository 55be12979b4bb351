/**
 * The replayed-signature attack in confirm mode (DOMAIN §6a): a captured, validly signed capture
 * notification edited only where the signature does not reach (transaction_status, fraud_status,
 * refund_amount), for every value whose status_code still pairs, posted to the real HTTP webhook,
 * leaves the order's state, flags and answers as GET status says. GET status that cannot be had
 * is a 503 with nothing recorded.
 */
import * as E from 'fp-ts/lib/Either.js';
import { answersFor, FRAUD_STATUSES, notificationStatusCodes, TRANSACTION_STATUSES, type FraudStatus, type TransactionStatus } from '@paystate/engine';
import { createPaystate, type Paystate } from '../../src/ingest/paystate';
import { verifyStore } from '../../src/ingest/verify';
import { signNotification, toObservation } from '../../src/midtrans/index';
import { cardOrder, chargeRequest, chargeResponse, notificationPayload, type CardOrder } from '../../src/midtrans/fixtures';
import { getInMemoryEventStore } from '../../src/store/inMemoryEventStore';
import { json, paymentEvents, send, startInProcess, type InProcess } from '../http/support/http';
import { startFakeCoreApi, statusBodyOf, type FakeCoreApi } from '../http/support/fakeCoreApi';
import { openApiDocument, responseSchemaName, schemaValidators } from '../http/support/openapi';

const doc = openApiDocument();
const validator = schemaValidators(doc);
/** Whether an answer of the webhook is what docs/openapi.json documents for its status. */
const documented = (r: { status: number; text: string }): unknown => {
  const v = validator(responseSchemaName(doc, '/notifications', 'post', r.status));
  return v(JSON.parse(r.text)) ? true : v.errors;
};

const KEY = 'SB-Mid-server-REPLAYED';

let core: FakeCoreApi;
beforeAll(async () => {
  core = await startFakeCoreApi();
});
afterAll(() => core.close());

interface Setup {
  readonly paystate: Paystate;
  readonly server: InProcess;
  readonly order: CardOrder;
  close(): Promise<void>;
}

/** A paystate server in confirm mode over a fresh store, with one order charged (pending). */
const setup = async (n: number, trust?: 'signature'): Promise<Setup> => {
  const paystate = createPaystate({
    store: getInMemoryEventStore(),
    serverKey: KEY,
    coreApi: { baseUrl: core.baseUrl, confirmTimeoutMs: 300 },
    ...(trust !== undefined ? { trust } : {}),
  });
  const order = cardOrder('replayed', n, KEY);
  expect(E.isRight(await paystate.recordCharge(chargeRequest(order).payload, chargeResponse(order).payload)())).toBe(true);
  const server = await startInProcess(paystate);
  return { paystate, server, order, close: () => server.close() };
};

const post = (s: Setup, body: unknown) => send(s.server.port, { body: typeof body === 'string' ? body : JSON.stringify(body) });

const picture = async (s: Setup) => {
  const p = await s.paystate.payment(s.order.orderId)();
  if (E.isLeft(p) || p.right === undefined) throw new Error('no payment');
  const { state } = p.right;
  return { attempts: state.attempts, flags: state.flags, answers: answersFor(state) };
};

/** Every edit of a signed capture notification whose status_code ("200") still pairs with what it claims. */
const edits = (): { status: TransactionStatus; fraud: FraudStatus | undefined; refund: string | undefined }[] => {
  const out: { status: TransactionStatus; fraud: FraudStatus | undefined; refund: string | undefined }[] = [];
  for (const status of TRANSACTION_STATUSES)
    for (const fraud of [...FRAUD_STATUSES, undefined])
      for (const refund of [undefined, '1.00', '48333.00', '145000.00', '999999999.00']) {
        if (!notificationStatusCodes(status, fraud ?? null).includes('200')) continue;
        out.push({ status, fraud, refund });
      }
  return out;
};

/** The captured capture notification, edited where the signature does not reach. */
const edited = (o: CardOrder, e: ReturnType<typeof edits>[number]): Record<string, unknown> => {
  const { fraud_status: _f, refund_amount: _r, ...genuine } = notificationPayload(o, 'capture');
  return { ...genuine, transaction_status: e.status, ...(e.fraud !== undefined ? { fraud_status: e.fraud } : {}), ...(e.refund !== undefined ? { refund_amount: e.refund } : {}) };
};

test('every edit of a signed capture notification whose status_code still pairs leaves state, flags and answers as GET status says', async () => {
  const s = await setup(1);
  try {
    // Midtrans' truth: the payment was captured.
    core.answers.set(s.order.orderId, { body: statusBodyOf(notificationPayload(s.order, 'capture')) });
    const genuine = await post(s, notificationPayload(s.order, 'capture'));
    expect(genuine.status).toBe(200);
    expect(json(genuine)['outcome']).toBe('duplicate');
    const truth = await picture(s);
    expect(truth.attempts.map((a) => `${a.status}/${a.fraud}`)).toEqual(['capture/accept']);
    expect(truth.flags).toEqual([]);

    const all = edits();
    expect(all.length).toBeGreaterThan(60);
    const outcomes = new Map<string, number>();
    for (const e of all) {
      const r = await post(s, edited(s.order, e));
      const body = json(r);
      // Answered 200 (a retry could not change a thing), recorded without a flag, never applied.
      expect({ edit: e, status: r.status }).toEqual({ edit: e, status: 200 });
      expect(['duplicate', 'stale', 'rejected']).toContain(body['outcome']);
      const key = `${String(body['outcome'])}${body['outcome'] === 'rejected' ? `:${s.server.logs[s.server.logs.length - 1]?.code}` : ''}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    expect([...outcomes.keys()].sort()).toEqual(['duplicate', 'rejected:contradicted_by_status', 'stale']);
    expect(outcomes.get('rejected:contradicted_by_status')).toBeGreaterThan(50);
    expect(await picture(s)).toEqual(truth);

    // What was recorded is the live decisions again: re-deciding the stored lines finds no difference.
    const audit = await verifyStore(s.paystate.store, { remap: (line) => toObservation(line, { serverKey: KEY }) })();
    expect(E.isRight(audit) && { differences: audit.right.differences, unreadable: audit.right.unreadable }).toEqual({ differences: [], unreadable: [] });
    const kinds = (await paymentEvents(s.paystate.store)).map((e) => (e.data as { line: { kind: string; mode?: string } }).line);
    expect(kinds.filter((l) => l.kind === 'notification').every((l) => l.mode === 'confirm')).toBe(true);
    expect(kinds.filter((l) => l.kind === 'status_response')).toHaveLength(all.length + 1);
  } finally {
    await s.close();
  }
}, 30_000);

test('the same edits move the order in signature mode (what confirm mode prevents)', async () => {
  const s = await setup(2, 'signature');
  try {
    const r = await post(s, edited(s.order, { status: 'refund', fraud: 'accept', refund: '145000.00' }));
    expect(r.status).toBe(200);
    expect(json(r)['outcome']).toBe('applied');
    expect((await picture(s)).attempts.map((a) => a.status)).toEqual(['refund']);
  } finally {
    await s.close();
  }
});

test('a contradicted notification is answered 200, recorded as rejected contradicted_by_status, and raises no flag', async () => {
  const s = await setup(3);
  try {
    core.answers.set(s.order.orderId, { body: statusBodyOf(notificationPayload(s.order, 'capture')) });
    const r = await post(s, edited(s.order, { status: 'settlement', fraud: 'accept', refund: undefined }));
    expect(r.status).toBe(200);
    expect(json(r)).toMatchObject({ outcome: 'rejected', order_id: s.order.orderId });
    expect(String(json(r)['reason'])).toContain('contradicted by GET status, which reports capture/accept');
    expect(s.server.logs.at(-1)?.code).toBe('contradicted_by_status');
    expect(documented(r)).toBe(true);
    const p = await picture(s);
    expect(p.attempts.map((a) => `${a.status}/${a.fraud}`)).toEqual(['capture/accept']);
    expect(p.flags).toEqual([]);
    expect(await s.paystate.store.readRejections({})()).toEqual(E.right([]));
  } finally {
    await s.close();
  }
});

test.each([
  ['times out', { body: {}, delayMs: 2_000 }],
  ['answers 500', { body: { status_code: '500', status_message: 'Internal Server Error' }, httpStatus: 500 }],
  ['answers 503 in the body', { body: { status_code: '503', status_message: 'Service Unavailable' } }],
  ['refuses the key (401)', { body: { status_code: '401', status_message: 'Unknown Merchant server_key/id' }, httpStatus: 401 }],
  ['answers what is not JSON', { body: '<html>', httpStatus: 502 }],
])('GET status that %s: 503, nothing recorded, and the retry after it is recorded', async (_what, answer) => {
  const s = await setup(10 + _what.length);
  try {
    core.answers.set(s.order.orderId, answer);
    const before = (await paymentEvents(s.paystate.store)).length;
    const started = Date.now();
    const r = await post(s, notificationPayload(s.order, 'capture'));
    expect(r.status).toBe(503);
    expect(json(r)['error']).toBe('status_unavailable');
    expect(r.headers['retry-after']).toBe('5');
    expect(documented(r)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(await paymentEvents(s.paystate.store)).toHaveLength(before);
    expect(await s.paystate.store.readRejections({})()).toEqual(E.right([]));
    expect((await picture(s)).attempts.map((a) => a.status)).toEqual(['pending']);
    // Midtrans retries once GET status answers again: the truth is folded, the notification confirmed.
    core.answers.set(s.order.orderId, { body: statusBodyOf(notificationPayload(s.order, 'capture')) });
    const retried = await post(s, notificationPayload(s.order, 'capture'));
    expect(retried.status).toBe(200);
    expect((await picture(s)).attempts.map((a) => a.status)).toEqual(['capture']);
  } finally {
    await s.close();
  }
});

test('a forged notification never makes paystate ask GET status', async () => {
  const s = await setup(30);
  try {
    const asked = core.asked.length;
    const forged = { ...notificationPayload(s.order, 'settlement'), signature_key: 'f'.repeat(128) };
    const r = await post(s, forged);
    expect(r.status).toBe(401);
    const unknown = signNotification({ ...notificationPayload(cardOrder('nobody', 1, KEY), 'capture') }, KEY);
    expect((await post(s, unknown)).status).toBe(404);
    expect(core.asked.length).toBe(asked);
  } finally {
    await s.close();
  }
});
