/**
 * 50 concurrent deliveries to one order — duplicates and out-of-order notifications of a legal
 * history — through `paystate serve` on SQLite (a child process) and in-process on PostgreSQL
 * (two app instances sharing one schema): the final state is the in-order fold, every delivery
 * answered 200 is in the stream, and nothing is applied twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { createLedger, summarizeOrder } from '@paystate/engine';
import { createPaystate, foldStream, streamIdOf, type Paystate } from '../../../adapters/src/ingest/index';
import { cardOrder, chargeRequest, chargeResponse, LEGAL_HISTORY, notificationBody, type CardOrder } from '@paystate/adapters/testing';
import { paystateArgv, spawnListening, stopProcess, type ServeProcess } from '../../src/processes';
import { toObservation } from '../../../adapters/src/midtrans/index';
import type { EventStore } from '@paystate/adapters';
import { getSqliteEventStore } from '@paystate/adapters/sqlite';
import { dropSchema, freshSchema, openPostgres, postgresSkipReason } from '../../../adapters/test/store/support/postgres';
import { json, observationOf, send, shuffled, startInProcess, type InProcess, type Reply } from '../../../adapters/test/http/support/http';

const KEY = 'SB-Mid-server-CONCURRENCY';
const COPIES = 10;

/** LEGAL_HISTORY × 10 (50 deliveries), shuffled. */
const deliveriesOf = (o: CardOrder, seed: number): string[] =>
  shuffled(
    LEGAL_HISTORY.flatMap((s) => Array.from({ length: COPIES }, () => notificationBody(o, s))),
    seed,
  );

/** The order's summary after its history folded in order, flags aside (they record what was seen when). */
const inOrderFold = (o: CardOrder) => {
  const ledger = createLedger();
  for (const line of [chargeRequest(o), chargeResponse(o), ...LEGAL_HISTORY.map((s) => ({ kind: 'notification', payload: JSON.parse(notificationBody(o, s)) as unknown }))])
    ledger.observe(toObservation(line, { serverKey: KEY }));
  return { ...summarizeOrder(ledger.order(o.orderId)!), flags: [] };
};

const openOrders = async (paystate: Paystate, orders: readonly CardOrder[]) => {
  for (const o of orders) expect(E.isRight(await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)())).toBe(true);
};

/** Sends every delivery at once, each over its own connection, to one of the ports. */
const deliverAll = async (ports: readonly number[], bodies: readonly string[]): Promise<{ body: string; reply: Reply }[]> => {
  const agent = new Agent({ keepAlive: true, maxSockets: bodies.length });
  try {
    return await Promise.all(bodies.map(async (body, i) => ({ body, reply: await send(ports[i % ports.length]!, { body, agent }) })));
  } finally {
    agent.destroy();
  }
};

/** The three properties, from what the store holds. */
const checkOrder = async (store: EventStore, o: CardOrder, delivered: readonly { body: string; reply: Reply }[]) => {
  const read = await store.readStream(streamIdOf(o.orderId))();
  if (E.isLeft(read)) throw new Error(read.left._tag);
  const events = read.right.events;
  const observed = events.map((e) => observationOf(e)!);

  // The final state equals the in-order fold.
  expect({ ...summarizeOrder(foldStream(events)!), flags: [] }).toEqual(inOrderFold(o));

  // Every delivery answered 200 is in the stream; a 200 "already recorded" points at the event that holds it.
  const ok = delivered.filter((d) => d.reply.status === 200);
  const payloads = observed.map((s) => JSON.stringify(s.line.payload));
  for (const d of ok) expect(payloads).toContain(JSON.stringify(JSON.parse(d.body)));
  const alreadyRecorded = ok.filter((d) => String(json(d.reply)['reason']).startsWith('already recorded')).length;
  expect(events.length - 2).toBe(ok.length - alreadyRecorded);

  // None applied twice: one applied event per fingerprint, and per distinct payload.
  const applied = events.filter((e) => observationOf(e)!.decision.outcome === 'applied');
  const keys = applied.map((e) => e.idempotencyKey);
  expect(new Set(keys).size).toBe(keys.length);
  const appliedPayloads = applied.map((e) => JSON.stringify(observationOf(e)!.line.payload));
  expect(new Set(appliedPayloads).size).toBe(appliedPayloads.length);
  return { ok: ok.length, statuses: delivered.map((d) => d.reply.status) };
};

describe('paystate serve on SQLite (child process)', () => {
  let dir: string;
  let server: ServeProcess | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'paystate-concurrency-'));
  });
  afterAll(async () => {
    if (server !== undefined) await stopProcess(server, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('50 concurrent deliveries to each of two orders', async () => {
    const file = join(dir, 'serve.db');
    const orders = [cardOrder('conc-sqlite', 1, KEY), cardOrder('conc-sqlite', 2, KEY)];
    const setup = getSqliteEventStore({ filename: file });
    if (E.isLeft(setup)) throw new Error(setup.left._tag);
    const opener = createPaystate({ store: setup.right, serverKey: KEY });
    await openOrders(opener, orders);
    await opener.close();

    server = await spawnListening(paystateArgv(['serve', '--port', '0', '--store', `sqlite:${file}`, '--server-key', KEY]));
    const bodies = orders.map((o, i) => deliveriesOf(o, 11 + i));
    const delivered = await deliverAll([server.port], shuffled(bodies.flat(), 5));
    expect(delivered.map((d) => d.reply.status).filter((s) => s !== 200)).toEqual([]);
    expect(await stopProcess(server)).toEqual({ code: 0, signal: null });

    const store = getSqliteEventStore({ filename: file });
    if (E.isLeft(store)) throw new Error(store.left._tag);
    try {
      for (const o of orders) {
        const r = await checkOrder(store.right, o, delivered.filter((d) => d.body.includes(`"order_id":"${o.orderId}"`)));
        expect(r.ok).toBe(50);
      }
    } finally {
      await store.right.close();
    }
  });
});

// Skipped only when the server is unreachable and PAYSTATE_REQUIRE_POSTGRES is not 1 (see ../store/support/postgres.ts).
(postgresSkipReason === undefined ? describe : describe.skip)('in process on PostgreSQL, two app instances on one schema', () => {
  const schema = freshSchema();
  let stores: EventStore[] = [];
  let servers: InProcess[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
    for (const s of stores) await s.close();
    await dropSchema(schema);
  });

  test('50 concurrent deliveries to one order, spread over both instances', async () => {
    stores = [await openPostgres(schema), await openPostgres(schema)];
    const instances = stores.map((store) => createPaystate({ store, serverKey: KEY }));
    servers = await Promise.all(instances.map((p) => startInProcess(p)));
    const o = cardOrder('conc-pg', 1, KEY);
    await openOrders(instances[0]!, [o]);
    const delivered = await deliverAll(
      servers.map((s) => s.port),
      deliveriesOf(o, 23),
    );
    // A conflict between instances is retried; should it outlive the retries it is a 503 (retry later), never a lost 200.
    expect(delivered.map((d) => d.reply.status).filter((s) => s !== 200 && s !== 503)).toEqual([]);
    const r = await checkOrder(stores[0]!, o, delivered);
    expect(r.ok).toBe(50);
  });
});
