/**
 * The Promise API: each method resolves to what the fp-ts method's Right holds, and a failure of
 * the store rejects with a PaystateError whose code is the failure's tag and whose message never
 * carries the server key.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { createPaystateAsync, PaystateError, type BusinessChange, type EventStore, type PaystateAsync, type StoreError } from '../../src/index';
import { cardOrder, chargeRequest, chargeResponse, notificationBody, type CardOrder } from '../../src/midtrans/fixtures';
import { getInMemoryEventStore } from '../../src/store/index';

const KEY = 'SB-Mid-server-ASYNC-TEST-4b1e';

let n = 0;
const order = (): CardOrder => cardOrder('async', ++n, KEY);

/** An in-memory store whose every read and write fails with `error`. */
const failingStore = (error: StoreError): EventStore => {
  const fail = () => TE.left(error);
  return {
    ...getInMemoryEventStore(),
    appendToStream: fail,
    appendMany: fail,
    readStream: fail,
    readAll: fail,
    catchUp: fail,
    putAlias: fail,
    getAlias: fail,
    recordRejection: fail,
    readRejections: fail,
    getCheckpoint: fail,
    putCheckpoint: fail,
  };
};

/** A Promise API over a store that is already closed: every call fails with StoreUnavailable. */
const closedPaystate = async (): Promise<PaystateAsync> => {
  const store = getInMemoryEventStore();
  await store.close();
  return createPaystateAsync({ store, serverKey: KEY });
};

/** What a promise rejects with (fails the test if it resolves). */
const rejection = async (p: Promise<unknown>): Promise<PaystateError> => {
  const outcome = await p.then(
    (value) => ({ resolved: value }),
    (e: unknown) => ({ rejected: e }),
  );
  if (!('rejected' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.resolved)}`);
  expect(outcome.rejected).toBeInstanceOf(PaystateError);
  return outcome.rejected as PaystateError;
};

let paystate: PaystateAsync;
beforeEach(() => {
  paystate = createPaystateAsync({ store: getInMemoryEventStore(), serverKey: KEY });
});
afterEach(() => paystate.fp.close());

describe('recordCharge', () => {
  test('resolves to the result of the last observation recorded', async () => {
    const o = order();
    const request = await paystate.recordCharge(chargeRequest(o).payload);
    expect([request.outcome, request.orderId]).toEqual(['applied', o.orderId]);
    const o2 = order();
    const both = await paystate.recordCharge(chargeRequest(o2).payload, chargeResponse(o2).payload);
    expect([both.outcome, both.orderId, both.reason]).toEqual(['applied', o2.orderId, expect.stringContaining('opens attempt')]);
  });

  test('rejects with a PaystateError when the store is unavailable', async () => {
    const down = await closedPaystate();
    const e = await rejection(down.recordCharge(chargeRequest(order()).payload));
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('PaystateError');
    expect(e.code).toBe('StoreUnavailable');
    expect(e.error._tag).toBe('StoreUnavailable');
    expect(e.message).toMatch(/^store unavailable: /);
  });
});

describe('ingestNotification', () => {
  test('takes the body as a string or as a Buffer; a forged one resolves to a rejected result', async () => {
    const o = order();
    await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload);
    const applied = await paystate.ingestNotification(notificationBody(o, 'capture'));
    expect([applied.outcome, applied.answers.paid.value]).toEqual(['applied', true]);
    const again = await paystate.ingestNotification(Buffer.from(notificationBody(o, 'capture'), 'utf8'));
    expect(again.outcome).toBe('duplicate');
    const forged = await paystate.ingestNotification(notificationBody({ ...o, serverKey: 'SB-Mid-server-SOMEONE-ELSE' }, 'settlement'));
    expect([forged.outcome, forged.reason]).toEqual(['rejected', expect.stringMatching(/^signature_key:/)]);
    const notJson = await paystate.ingestNotification(Buffer.from('{"order_id": '));
    expect(notJson.outcome).toBe('rejected');
  });

  test('rejects with a PaystateError when the store fails', async () => {
    const o = order();
    const down = createPaystateAsync({ store: failingStore({ _tag: 'StoreFailed', cause: 'disk I/O error' }), serverKey: KEY });
    const e = await rejection(down.ingestNotification(notificationBody(o, 'capture')));
    expect([e.code, e.message]).toEqual(['StoreFailed', 'store failed: disk I/O error']);
  });

  test("the message never carries the server key, even when the failure's text does", async () => {
    const basic = Buffer.from(`${KEY}:`).toString('base64');
    const store = failingStore({ _tag: 'StoreUnavailable', cause: `refused for ${KEY} (${basic}) at postgres://app:hunter2@db/payments` });
    const down = createPaystateAsync({ store, serverKey: KEY });
    const e = await rejection(down.ingestNotification(Buffer.from(notificationBody(order(), 'capture'))));
    expect(e.code).toBe('StoreUnavailable');
    expect(e.message).toContain('refused for');
    expect(e.message).not.toContain(KEY);
    expect(e.message).not.toContain(basic);
    expect(e.message).not.toContain('hunter2');
    expect(String(e)).not.toContain(KEY);
  });
});

describe('payment', () => {
  test('resolves to the payment by order_id or transaction_id, and to undefined for an unknown order', async () => {
    const o = order();
    await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload);
    await paystate.ingestNotification(notificationBody(o, 'settlement'));
    const byOrder = await paystate.payment(o.orderId);
    expect([byOrder?.orderId, byOrder?.summary.transaction_status, byOrder?.answers.paid.value]).toEqual([o.orderId, 'settlement', true]);
    expect((await paystate.payment(o.transactionId))?.orderId).toBe(o.orderId);
    expect(await paystate.payment('never-seen')).toBeUndefined();
  });

  test('rejects with a PaystateError when the store fails', async () => {
    const down = createPaystateAsync({ store: failingStore({ _tag: 'InvalidArgument', reason: 'orderId must not contain NUL characters' }), serverKey: KEY });
    const e = await rejection(down.payment('x'));
    expect([e.code, e.error]).toEqual(['InvalidArgument', { _tag: 'InvalidArgument', reason: 'orderId must not contain NUL characters' }]);
    expect((await rejection((await closedPaystate()).payment('x'))).code).toBe('StoreUnavailable');
  });
});

describe('subscribe and fp', () => {
  test('subscribe hands over each business change once, as the fp-ts one does', async () => {
    const o = order();
    const seen: BusinessChange[] = [];
    const sub = paystate.subscribe(async (change) => void seen.push(change), { subscriberId: 'async-test', pollIntervalMs: 5 });
    try {
      await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload);
      await paystate.ingestNotification(notificationBody(o, 'capture'));
      await sub.caughtUp();
      await sub.caughtUp();
      expect(seen.map((c) => c.id)).toEqual([`${o.orderId}@3:paid`]);
    } finally {
      await sub.stop();
    }
  });

  test('subscribe reports a failing store to onError', async () => {
    const down = createPaystateAsync({ store: failingStore({ _tag: 'StoreUnavailable', cause: 'connection refused' }), serverKey: KEY });
    const errors: unknown[] = [];
    const reported = new Promise<void>((resolve) => {
      const sub = down.subscribe(async () => undefined, {
        subscriberId: 'async-down',
        pollIntervalMs: 5,
        onError: (e) => {
          errors.push(e);
          void sub.stop().then(resolve);
        },
      });
    });
    await reported;
    expect(errors[0]).toMatchObject({ _tag: 'StoreUnavailable' });
  });

  test('fp is the fp-ts API over the same store', async () => {
    const o = order();
    await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload);
    const viaFp = await paystate.fp.payment(o.orderId)();
    expect(E.isRight(viaFp) && viaFp.right?.orderId).toBe(o.orderId);
    const line = await paystate.fp.ingest({ kind: 'notification', payload: JSON.parse(notificationBody(o, 'capture')) as unknown })();
    expect(E.isRight(line) && line.right.outcome).toBe('applied');
    expect((await paystate.payment(o.orderId))?.summary.transaction_status).toBe('capture');
  });
});

describe('PaystateError', () => {
  test('the code is the tag, the error the tagged value, the message one line', () => {
    const error: StoreError = { _tag: 'VersionConflict', streamId: 'order:o-1', expected: 2, actual: 3 };
    const e = new PaystateError(error);
    expect([e.code, e.error, e.message]).toEqual(['VersionConflict', error, 'version conflict on stream "order:o-1": expected 2, actual 3']);
    expect(new PaystateError(error, 'custom').message).toBe('custom');
  });
});
