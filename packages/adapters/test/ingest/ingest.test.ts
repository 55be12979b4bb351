import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { createPaystate, getInMemoryEventStore, rebuildPayments, createPaymentsProjection, readReplayInput, replayLines, signNotification, type EventStore, type RawObservation, type BusinessChange } from '../../src/index';
import { getSqliteEventStore } from '../../src/sqlite';

const SHARED = join(__dirname, '..', '..', '..', '..', '..', 'shared', 'corpus');
const OWN = join(__dirname, '..', '..', '..', '..', 'corpus');
const KEY = 'SB-Mid-server-TEST';

const scenarios = [SHARED, OWN].flatMap((d) => {
  try {
    return readdirSync(d).filter((f) => f.endsWith('.json')).map((f) => join(d, f));
  } catch {
    return [];
  }
});

const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(`expected Right, got ${JSON.stringify(e.left)}`);
  return e.right;
};

const stores: [string, () => { store: EventStore; cleanup: () => void }][] = [
  ['in-memory', () => ({ store: getInMemoryEventStore(), cleanup: () => undefined })],
  [
    'sqlite',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'paystate-ingest-'));
      const store = right(getSqliteEventStore({ filename: join(dir, 'p.db') }));
      return { store, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
];

const notification = (orderId: string, tid: string, status: string, statusCode: string, extra: Record<string, unknown> = {}) =>
  signNotification(
    {
      transaction_time: '2024-05-14 10:15:20',
      transaction_status: status,
      transaction_id: tid,
      status_message: 'midtrans payment notification',
      status_code: statusCode,
      payment_type: 'credit_card',
      order_id: orderId,
      gross_amount: '145000.00',
      fraud_status: 'accept',
      currency: 'IDR',
      ...extra,
    },
    KEY,
  );

const chargeResponse = (orderId: string, tid: string, status = 'pending', code = '201'): RawObservation => ({
  kind: 'charge_response',
  payload: {
    status_code: code,
    status_message: 'Success, Credit Card transaction is successful',
    transaction_id: tid,
    order_id: orderId,
    gross_amount: '145000.00',
    currency: 'IDR',
    payment_type: 'credit_card',
    transaction_time: '2024-05-14 10:15:20',
    transaction_status: status,
    fraud_status: 'accept',
  },
});

describe.each(stores)('ingestion on %s', (_name, make) => {
  let store: EventStore;
  let cleanup: () => void;
  beforeEach(() => ({ store, cleanup } = make()));
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  test('every corpus scenario ingested durably gets the same outcomes and state as paystate replay', async () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(15);
    for (const file of scenarios) {
      const text = readFileSync(file, 'utf8');
      const s = JSON.parse(text) as { server_key: string; events: RawObservation[]; expect: { order_id: string } };
      const paystate = createPaystate({ store, serverKey: s.server_key });
      const replayed = replayLines(readReplayInput(text, {}).lines).report;
      const outcomes: string[] = [];
      for (const line of s.events) outcomes.push(right(await paystate.ingest(line)()).outcome);
      expect([file, outcomes]).toEqual([file, replayed.events.map((e) => e.outcome)]);
      const p = right(await paystate.payment(s.expect.order_id)());
      const want = replayed.orders[s.expect.order_id];
      expect([file, p?.summary.transaction_status ?? null, p?.summary.fraud_status ?? null]).toEqual([
        file,
        want?.transaction_status ?? null,
        want?.fraud_status ?? null,
      ]);
    }
  });

  test('unauthenticated input goes to the rejection log only: never into a payment stream, no flag on the order it names', async () => {
    const paystate = createPaystate({ store, serverKey: KEY });
    right(await paystate.ingest(chargeResponse('o-rej', 't-rej'))());
    const forged = { ...notification('o-rej', 't-rej', 'settlement', '200'), signature_key: 'f'.repeat(128) };
    const r = right(await paystate.ingestNotification(JSON.stringify(forged))());
    expect(r.outcome).toBe('rejected');
    expect(r.reason).toMatch(/^signature_key:/);
    expect(r.reason).not.toContain(KEY);
    const notJson = right(await paystate.ingestNotification('{"order_id": "o-rej",')());
    expect(notJson.reason).toMatch(/^body: not valid JSON/);
    const stream = right(await store.readStream('order:o-rej')());
    expect(stream.events.map((e) => (e.data as { decision: { outcome: string } }).decision.outcome)).toEqual(['applied']);
    const log = right(await store.readRejections({})());
    expect(log.map((x) => x.rawBody)).toEqual([JSON.stringify(forged), '{"order_id": "o-rej",']);
    // filed under no order: anyone who knows an order id could otherwise hold up its shipping
    expect(log.map((x) => x.orderId)).toEqual([null, null]);
    const p = right(await paystate.payment('o-rej')());
    expect(p?.answers.needsReconciliation.value).toBe(false);
    expect(p?.state.flags).toEqual([]);
  });

  test('an unknown order is rejected and nothing is opened for it', async () => {
    const paystate = createPaystate({ store, serverKey: KEY });
    const r = right(await paystate.ingestNotification(JSON.stringify(notification('nobody', 't-x', 'capture', '200')))());
    expect([r.outcome, r.decision.code]).toEqual(['rejected', 'unknown_order']);
    expect(right(await store.readAll({})()).length).toBe(0);
  });

  test('the same notification delivered 20 times at once is applied exactly once, and every delivery is kept', async () => {
    const paystate = createPaystate({ store, serverKey: KEY });
    right(await paystate.ingest(chargeResponse('o-dup', 't-dup'))());
    const body = JSON.stringify(notification('o-dup', 't-dup', 'capture', '200'));
    const results = await Promise.all(Array.from({ length: 20 }, () => paystate.ingestNotification(body)()));
    const outcomes = results.map((r) => right(r).outcome);
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(19);
    const stream = right(await store.readStream('order:o-dup')());
    expect(stream.version).toBe(21);
  });

  test('out-of-order, duplicated, concurrent deliveries converge to the in-order state', async () => {
    const paystate = createPaystate({ store, serverKey: KEY });
    right(await paystate.ingest(chargeResponse('o-conc', 't-conc'))());
    const capture = JSON.stringify(notification('o-conc', 't-conc', 'capture', '200'));
    const settle = JSON.stringify(notification('o-conc', 't-conc', 'settlement', '200', { settlement_time: '2024-05-15 16:00:00' }));
    const bodies = Array.from({ length: 50 }, (_, i) => (i % 3 === 0 ? capture : settle));
    const results = await Promise.all(bodies.map((b) => paystate.ingestNotification(b)()));
    expect(results.every(E.isRight)).toBe(true);
    const p = right(await paystate.payment('o-conc')());
    expect(p?.summary.transaction_status).toBe('settlement');
    const stream = right(await store.readStream('order:o-conc')());
    expect(stream.version).toBe(51);
    const applied = stream.events.filter((e) => (e.data as { decision: { outcome: string } }).decision.outcome === 'applied');
    expect(applied.length).toBeLessThanOrEqual(3);
  });

  test('a retry after deny opens a second attempt; payment() finds the order by either transaction_id', async () => {
    const paystate = createPaystate({ store, serverKey: KEY });
    right(await paystate.ingest(chargeResponse('o-retry', 't-1', 'deny', '202'))());
    right(await paystate.ingest(chargeResponse('o-retry', 't-2', 'capture', '200'))());
    const byFirst = right(await paystate.payment('t-1')());
    expect(byFirst?.orderId).toBe('o-retry');
    expect(Object.keys(byFirst?.summary.attempts ?? {})).toEqual(['t-1', 't-2']);
    expect(byFirst?.answers.paid.value).toBe(true);
  });

  test('the payments projection rebuilt from zero equals the live one', async () => {
    const paystate = createPaystate({ store, serverKey: KEY });
    const live = createPaymentsProjection();
    for (const file of scenarios.slice(0, 10)) {
      const s = JSON.parse(readFileSync(file, 'utf8')) as { server_key: string; events: RawObservation[] };
      const ps = createPaystate({ store, serverKey: s.server_key });
      for (const line of s.events) {
        right(await ps.ingest(line)());
        right(await live.catchUp(store)());
      }
    }
    right(await paystate.ingest(chargeResponse('o-proj', 't-proj'))());
    right(await live.catchUp(store)());
    const rebuilt = right(await rebuildPayments(store, { batchSize: 7 })());
    expect(rebuilt.rows()).toEqual(live.rows());
    expect(rebuilt.row('o-proj')).toMatchObject({ status: 'pending', paid: false, next_deadline: { kind: '3ds_expiry', at: '2024-05-14 10:25:20' } });
    const queue = rebuilt.reconciliationQueue(new Date('2024-05-14T03:30:00Z'));
    expect(queue.map((q) => q.order_id)).toContain('o-proj');
    expect(rebuilt.reconciliationQueue(new Date('2024-05-14T03:20:00Z')).map((q) => q.order_id)).not.toContain('o-proj');
  });

  test('subscribers get each business change once per stream version, and resume from their durable checkpoint', async () => {
    const paystate = createPaystate({ store, serverKey: KEY });
    const seen: BusinessChange[] = [];
    const sub = paystate.subscribe(async (c) => void seen.push(c), { subscriberId: 'shipping', pollIntervalMs: 5 });
    right(await paystate.ingest(chargeResponse('o-sub', 't-sub'))());
    right(await paystate.ingestNotification(JSON.stringify(notification('o-sub', 't-sub', 'capture', '200')))());
    right(await paystate.ingestNotification(JSON.stringify(notification('o-sub', 't-sub', 'capture', '200')))());
    await sub.caughtUp();
    await sub.caughtUp();
    await sub.stop();
    expect(seen.map((c) => c.id)).toEqual(['o-sub@2:paid']);
    right(await paystate.ingestNotification(JSON.stringify(notification('o-sub', 't-sub', 'cancel', '202')))());
    const again: BusinessChange[] = [];
    const sub2 = paystate.subscribe(async (c) => void again.push(c), { subscriberId: 'shipping', pollIntervalMs: 5 });
    await sub2.caughtUp();
    await sub2.caughtUp();
    await sub2.stop();
    expect(again.map((c) => c.id)).toEqual(['o-sub@4:cancelled']);
  });

  test('a handler that fails is retried with the same change id (no loss), and nothing after it is skipped', async () => {
    const paystate = createPaystate({ store, serverKey: KEY });
    right(await paystate.ingest(chargeResponse('o-crash', 't-crash', 'capture', '200'))());
    let fail = true;
    const ids: string[] = [];
    const sub = paystate.subscribe(
      async (c) => {
        ids.push(c.id);
        if (fail) {
          fail = false;
          throw new Error('crashed between paid and ship');
        }
      },
      { subscriberId: 'ship', pollIntervalMs: 5 },
    );
    await sub.caughtUp();
    await sub.stop();
    expect(ids).toEqual(['o-crash@1:paid', 'o-crash@1:paid']);
    expect(right(await store.getCheckpoint('ship')())).toBe(1);
  });
});
