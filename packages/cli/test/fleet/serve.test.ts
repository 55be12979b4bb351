/**
 * Webhooks on several instances: two `paystate serve` processes on one PostgreSQL schema receive
 * the notifications of the same orders at once, shuffled and each sent three times, spread over
 * both (a 503 is sent again, as Midtrans does). Every delivery answered 200 is recorded once,
 * nothing is applied twice, and every order ends in the state of its history folded in order.
 */
import { Agent } from 'node:http';
import * as E from 'fp-ts/lib/Either.js';
import { createLedger, summarizeOrder } from '@paystate/engine';
import { createPaystate, foldStream, streamIdOf } from '../../../adapters/src/ingest/index';
import { toObservation } from '../../../adapters/src/midtrans/index';
import { cardOrder, chargeRequest, chargeResponse, LEGAL_HISTORY, notificationBody, type CardOrder } from '@paystate/adapters/testing';
import { dropSchema, freshSchema, openPostgres, postgresSkipReason, postgresUrl } from '../../../adapters/test/store/support/postgres';
import { observationOf, send, shuffled, type Reply } from '../../../adapters/test/http/support/http';
import { paystateArgv, spawnListening, stopProcess, type ServeProcess } from '../../src/processes';
import type { EventStore } from '@paystate/adapters';

const KEY = 'SB-Mid-server-FLEET-SERVE';
const ORDERS = 60;
const COPIES = 3;
const CONNECTIONS = 32;

jest.setTimeout(90_000);

const inOrderFold = (o: CardOrder) => {
  const ledger = createLedger();
  for (const line of [chargeRequest(o), chargeResponse(o), ...LEGAL_HISTORY.map((s) => ({ kind: 'notification', payload: JSON.parse(notificationBody(o, s)) as unknown }))])
    ledger.observe(toObservation(line, { serverKey: KEY }));
  return { ...summarizeOrder(ledger.order(o.orderId)!), flags: [] };
};

/** Sends each body to one of the ports (alternating), over `CONNECTIONS` connections at once; a 503 is sent again after a pause. */
const deliver = async (ports: readonly number[], bodies: readonly string[]): Promise<{ body: string; reply: Reply; tries: number }[]> => {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS * ports.length });
  const out: { body: string; reply: Reply; tries: number }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const i = next++;
      let tries = 0;
      let reply: Reply;
      do {
        reply = await send(ports[(i + tries) % ports.length]!, { body: bodies[i]!, agent });
        tries += 1;
        if (reply.status === 503) await new Promise((r) => setTimeout(r, 50));
      } while (reply.status === 503 && tries < 20);
      out.push({ body: bodies[i]!, reply, tries });
    }
  };
  try {
    await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  } finally {
    agent.destroy();
  }
  return out;
};

(postgresSkipReason === undefined ? describe : describe.skip)('two paystate serve processes on one PostgreSQL schema', () => {
  const schema = freshSchema();
  let store: EventStore | undefined;
  const servers: ServeProcess[] = [];
  afterAll(async () => {
    for (const s of servers) await stopProcess(s, 'SIGKILL');
    await store?.close();
    await dropSchema(schema);
  });

  test('shuffled, triplicated notifications of the same orders to both: none lost, none applied twice, every state the in-order fold', async () => {
    store = await openPostgres(schema);
    const opener = createPaystate({ store, serverKey: KEY });
    const orders = Array.from({ length: ORDERS }, (_, i) => cardOrder('fleet-serve', i, KEY));
    for (const o of orders) expect(E.isRight(await opener.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)())).toBe(true);
    const url = `${postgresUrl}${postgresUrl.includes('?') ? '&' : '?'}schema=${schema}`;
    for (let i = 0; i < 2; i++) servers.push(await spawnListening(paystateArgv(['serve', '--port', '0', '--store', url, '--server-key', KEY, '--log-level', 'warn']), { timeoutMs: 30_000 }));
    const bodies = shuffled(
      orders.flatMap((o) => LEGAL_HISTORY.flatMap((s) => Array.from({ length: COPIES }, () => notificationBody(o, s)))),
      41,
    );
    const started = Date.now();
    const delivered = await deliver(servers.map((s) => s.port), bodies);
    const ms = Date.now() - started;
    expect(delivered.filter((d) => d.reply.status !== 200).map((d) => d.reply.status)).toEqual([]);
    for (const s of servers) expect(await stopProcess(s)).toEqual({ code: 0, signal: null });

    let lost = 0;
    let doubleApplied = 0;
    let recordedTwice = 0;
    let wrongState = 0;
    for (const o of orders) {
      const read = await store.readStream(streamIdOf(o.orderId))();
      if (E.isLeft(read)) throw new Error(read.left._tag);
      const events = read.right.events.slice(2);
      const payloads = events.map((e) => JSON.stringify(observationOf(e)!.line.payload));
      const mine = delivered.filter((d) => d.body.includes(`"order_id":"${o.orderId}"`));
      // Every delivery answered 200 is in the stream, and nothing else is: one event per delivery.
      for (const d of mine) if (!payloads.includes(JSON.stringify(JSON.parse(d.body)))) lost += 1;
      recordedTwice += Math.max(0, events.length - mine.length);
      lost += Math.max(0, mine.length - events.length);
      const applied = events.filter((e) => observationOf(e)!.decision.outcome === 'applied').map((e) => JSON.stringify(observationOf(e)!.line.payload));
      doubleApplied += applied.length - new Set(applied).size;
      if (JSON.stringify({ ...summarizeOrder(foldStream(read.right.events)!), flags: [] }) !== JSON.stringify(inOrderFold(o))) wrongState += 1;
    }
    const retried = delivered.filter((d) => d.tries > 1).length;
    console.log(`two serve processes: ${bodies.length} deliveries of ${ORDERS} orders in ${ms} ms (${Math.round((bodies.length / ms) * 1000)}/s), ${retried} answered 503 first and sent again; lost ${lost}, recorded twice ${recordedTwice}, applied twice ${doubleApplied}, wrong final state ${wrongState}`);
    expect({ lost, recordedTwice, doubleApplied, wrongState }).toEqual({ lost: 0, recordedTwice: 0, doubleApplied: 0, wrongState: 0 });
  });
});
