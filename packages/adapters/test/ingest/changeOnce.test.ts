/** change.once and change.onceInTransaction: effects once per change id, across redeliveries and processes. */
import * as E from 'fp-ts/lib/Either.js';
import { createPaystate, getInMemoryEventStore, type BusinessChange, type EventStore, type OnceOutcome } from '../../src/index';
import { paidCharge } from '../fleet/workload';
import { dropSchema, freshSchema, openPostgres, postgresSkipReason, withAdmin } from '../store/support/postgres';

const KEY = 'SB-Mid-server-ONCE';
const paid = paidCharge;

const record = async (store: EventStore, ...orders: string[]): Promise<void> => {
  const paystate = createPaystate({ store, serverKey: KEY });
  for (const o of orders) if (E.isLeft(await paystate.ingest(paid(o))())) throw new Error('ingest failed');
};

/** Subscribes until caught up once the handler has run for every change it is expected to see. */
const handleAll = async (store: EventStore, handler: (c: BusinessChange) => Promise<void>, subscriberId = 'fulfilment'): Promise<void> => {
  const sub = createPaystate({ store, serverKey: KEY }).subscribe(handler, { subscriberId, pollIntervalMs: 5 });
  await sub.caughtUp();
  await sub.caughtUp();
  await sub.stop();
};

describe('change.once', () => {
  test('a crash after the effect and before the checkpoint redelivers the change, and the effect is not run again', async () => {
    const store = getInMemoryEventStore();
    await record(store, 'o1');
    const shipped: string[] = [];
    const outcomes: OnceOutcome[] = [];
    let crash = true;
    await handleAll(store, async (change) => {
      outcomes.push(await change.once(async () => void shipped.push(change.id)));
      if (crash) {
        crash = false;
        throw new Error('crashed between the effect and the checkpoint');
      }
    });
    expect(shipped).toEqual(['o1@1:paid']);
    expect(outcomes).toEqual(['ran', 'done_before']);
    expect(E.isRight(await store.readUnfinishedEffects('fulfilment')()) && (await store.readUnfinishedEffects('fulfilment')())).toEqual(E.right([]));
  });

  test('an effect that throws gives its claim up, so the redelivered change runs it again', async () => {
    const store = getInMemoryEventStore();
    await record(store, 'o2');
    let attempts = 0;
    await handleAll(store, async (change) => {
      await change.once(async () => {
        attempts++;
        if (attempts === 1) throw new Error('shipping API down');
      });
    });
    expect(attempts).toBe(2);
    expect(await store.claimEffect('fulfilment', 'o2@1:paid')()).toEqual(E.right('done'));
  });

  test('an effect claimed and never finished (the process died inside it) is skipped by default, run again with ifInterrupted: retry', async () => {
    const store = getInMemoryEventStore();
    await record(store, 'o3');
    await store.claimEffect('fulfilment', 'o3@1:paid')();
    await store.claimEffect('retrying', 'o3@1:paid')();
    const seen: [string, OnceOutcome][] = [];
    await handleAll(store, async (change) => void seen.push(['skip', await change.once(async () => undefined)]));
    await handleAll(store, async (change) => void seen.push(['retry', await change.once(async () => undefined, { ifInterrupted: 'retry' })]), 'retrying');
    expect(seen).toEqual([
      ['skip', 'interrupted'],
      ['retry', 'ran'],
    ]);
    expect(await store.readUnfinishedEffects('fulfilment')()).toEqual(E.right([expect.objectContaining({ key: 'o3@1:paid' })]));
  });

  test('a key of the handler\'s own gives one change several effects, each once', async () => {
    const store = getInMemoryEventStore();
    await record(store, 'o4');
    const done: string[] = [];
    await handleAll(store, async (change) => {
      await change.once(async () => void done.push('ship'), { key: `${change.id}:ship` });
      await change.once(async () => void done.push('mail'), { key: `${change.id}:mail` });
      await change.once(async () => void done.push('ship again'), { key: `${change.id}:ship` });
    });
    expect(done).toEqual(['ship', 'mail']);
  });

  test('onceInTransaction needs the PostgreSQL store', async () => {
    const store = getInMemoryEventStore();
    await record(store, 'o5');
    const errors: unknown[] = [];
    const sub = createPaystate({ store, serverKey: KEY }).subscribe(
      async (change) => {
        await change.onceInTransaction(async () => undefined);
      },
      { subscriberId: 'tx', pollIntervalMs: 5, onError: (e) => errors.push(e) },
    );
    for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await sub.stop();
    expect(String(errors[0])).toMatch(/onceInTransaction needs the PostgreSQL store/);
  });

  test('two subscriptions of one subscriber in one process share the segments, and each change is handled once', async () => {
    const store = getInMemoryEventStore();
    const orders = Array.from({ length: 40 }, (_, i) => `m${i}`);
    await record(store, ...orders);
    const handled: string[] = [];
    const options = { subscriberId: 'shared', pollIntervalMs: 5, leaseMs: 400, renewIntervalMs: 50 };
    const paystate = createPaystate({ store, serverKey: KEY });
    const a = paystate.subscribe(async (c) => void handled.push(`a ${c.id}`), options);
    const b = paystate.subscribe(async (c) => void handled.push(`b ${c.id}`), options);
    for (let i = 0; i < 200 && handled.length < 40; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 300));
    const segments = [a.segments(), b.segments()];
    await Promise.all([a.stop(), b.stop()]);
    expect(handled.map((h) => h.slice(2)).sort()).toEqual(orders.map((o) => `${o}@1:paid`).sort());
    expect(segments.map((s) => s.length).sort()).toEqual([4, 4]);
  });
});

const pgSuite = postgresSkipReason === undefined ? describe : describe.skip;

pgSuite('change.onceInTransaction (PostgreSQL)', () => {
  test("the effect's SQL and the claim commit together: a failed attempt leaves neither, the next commits both once", async () => {
    const schema = freshSchema();
    const store = await openPostgres(schema);
    try {
      await withAdmin((c) => c.query(`CREATE TABLE "${schema}".shipments (change_id text PRIMARY KEY, order_id text NOT NULL)`));
      await record(store, 'p1', 'p2');
      let attempts = 0;
      const outcomes: OnceOutcome[] = [];
      await handleAll(store, async (change) => {
        outcomes.push(
          await change.onceInTransaction(async (sql) => {
            await sql.query(`INSERT INTO "${schema}".shipments (change_id, order_id) VALUES ($1, $2)`, [change.id, change.orderId]);
            if (change.orderId === 'p1' && ++attempts === 1) throw new Error('crashed inside the transaction');
          }),
        );
        if (change.orderId === 'p2' && outcomes.length === 2) throw new Error('crashed after the commit, before the checkpoint');
      });
      const rows = await withAdmin((c) => c.query(`SELECT change_id FROM "${schema}".shipments ORDER BY change_id`));
      expect(rows.rows.map((r: { change_id: string }) => r.change_id)).toEqual(['p1@1:paid', 'p2@1:paid']);
      expect(outcomes).toEqual(['ran', 'ran', 'done_before']);
      expect(await store.readUnfinishedEffects('fulfilment')()).toEqual(E.right([]));
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });
});
