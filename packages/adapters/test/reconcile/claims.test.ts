/**
 * Reconcilers sharing one store's claims, in process: two reconcilers make one status call per
 * due order, a new reconciler (a restart) keeps the attempts and the backoff of the one before,
 * and a claim left by a worker that stopped mid-check holds its order until the lease expires.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { CoreApiAnswer, CoreApiClient, CoreApiError } from '../../src/coreApi/index';
import { createPaystate, type Paystate } from '../../src/ingest/index';
import { createReconciler, type ReconcileReport, type Reconciler } from '../../src/reconcile/index';
import { getInMemoryEventStore } from '../../src/store/index';
import { KEY, MINUTE } from './support';

const T = Date.parse('2024-05-14T03:10:00Z'); // the orders' 3DS expiry (10:10 GMT+7)

/** Orders pending since 10:00 GMT+7, their 3DS expiry at T. */
const pendingOrders = async (paystate: Paystate, n: number): Promise<string[]> => {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `c-${i}`;
    await paystate.recordCharge({ transaction_details: { order_id: id, gross_amount: 1000 } }, {
      status_code: '201',
      transaction_id: `tid-${id}`,
      order_id: id,
      gross_amount: '1000.00',
      transaction_status: 'pending',
      fraud_status: 'accept',
      transaction_time: '2024-05-14 10:00:00',
      expiry_time: '2024-05-14 10:10:00',
    })();
    ids.push(id);
  }
  return ids;
};

/** A client whose status calls fail (the order stays due), counted per order; each call waits a turn first. */
const countingClient = () => {
  const calls = new Map<string, number>();
  const client: Pick<CoreApiClient, 'status'> = {
    status: (id) => async () => {
      calls.set(id, (calls.get(id) ?? 0) + 1);
      await new Promise((r) => setImmediate(r));
      return E.left<CoreApiError, CoreApiAnswer>({ _tag: 'Network', call: 'status', message: 'ECONNREFUSED', attempts: 1 });
    },
  };
  return { client, calls };
};

const once = async (r: Reconciler, at: number): Promise<ReconcileReport> => {
  const report = await r.reconcileOnce(new Date(at))();
  if (E.isLeft(report)) throw new Error(JSON.stringify(report.left));
  return report.right;
};

test('two reconcilers on one store: one status call per due order per due time', async () => {
  const paystate = createPaystate({ store: getInMemoryEventStore(), serverKey: KEY });
  const ids = await pendingOrders(paystate, 30);
  const { client, calls } = countingClient();
  const options = { client, ingestor: paystate.ingestor, baseBackoffMs: MINUTE, concurrency: 4 };
  const [a, b] = [createReconciler({ ...options, workerId: 'a' }), createReconciler({ ...options, workerId: 'b' })];
  const [ra, rb] = await Promise.all([once(a, T), once(b, T)]);
  expect(ra.checked.length + rb.checked.length).toBe(30);
  expect(ra.checked.length + ra.claimedElsewhere).toBe(30);
  expect(ids.map((id) => calls.get(id))).toEqual(ids.map(() => 1));
  // Backing off: nothing before the minute, each once more after it.
  const early = await Promise.all([once(a, T + MINUTE - 1), once(b, T + MINUTE - 1)]);
  expect(early.map((r) => [r.checked.length, r.backingOff])).toEqual([[0, 30], [0, 30]]);
  await Promise.all([once(a, T + MINUTE), once(b, T + MINUTE)]);
  expect(ids.map((id) => calls.get(id))).toEqual(ids.map(() => 2));
});

test('a new reconciler on the store (a restart) keeps the attempts and the backoff', async () => {
  const paystate = createPaystate({ store: getInMemoryEventStore(), serverKey: KEY });
  await pendingOrders(paystate, 1);
  const { client, calls } = countingClient();
  const options = { client, ingestor: paystate.ingestor, baseBackoffMs: MINUTE };
  await once(createReconciler(options), T);
  await once(createReconciler(options), T + MINUTE);
  const third = createReconciler(options);
  // The second check set the next one two minutes later: not sooner, whoever asks.
  expect((await once(third, T + 3 * MINUTE - 1)).checked).toHaveLength(0);
  expect((await once(third, T + 3 * MINUTE)).checked).toHaveLength(1);
  expect(third.backoff().get('c-0')).toEqual({ failures: 3, nextAt: new Date(T + 7 * MINUTE).toISOString() });
  expect(calls.get('c-0')).toBe(3);
  // The deadline was recorded as passed once, across the three workers.
  const p = await paystate.payment('c-0')();
  expect(E.isRight(p) && p.right?.state.flags.map((f) => f.flag)).toEqual(['deadline_passed']);
});

test('a claim left by a worker that stopped mid-check holds the order until its lease expires', async () => {
  const store = getInMemoryEventStore();
  const paystate = createPaystate({ store, serverKey: KEY });
  await pendingOrders(paystate, 1);
  // The stopped worker's claim, as it was left.
  const left = await store.reconcileClaims!.claim({ orderId: 'c-0', token: 'gone/1', nowMs: T, leaseMs: 30_000, seenPosition: 0 })();
  expect(E.isRight(left) && left.right?.attempts).toBe(1);
  const { client, calls } = countingClient();
  const r = createReconciler({ client, ingestor: paystate.ingestor, leaseMs: 30_000 });
  expect(await once(r, T + 29_999)).toMatchObject({ due: 1, checked: [], claimedElsewhere: 1 });
  expect((await once(r, T + 30_000)).checked).toMatchObject([{ order_id: 'c-0', retryAt: new Date(T + 30_000 + 2 * MINUTE).toISOString() }]);
  expect(calls.get('c-0')).toBe(1);
});
