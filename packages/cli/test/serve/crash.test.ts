/**
 * `kill -9` of `paystate serve` on a SQLite file during a load: after a restart, every
 * notification that was answered 200 is in the store, and redelivering everything applies
 * nothing twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { createPaystate } from '../../../adapters/src/ingest/index';
import { cardOrder, chargeRequest, chargeResponse, notificationBody } from '@paystate/adapters/testing';
import { paystateArgv, spawnListening, stopProcess, type ServeProcess } from '../../src/processes';
import { getSqliteEventStore } from '@paystate/adapters/sqlite';
import { json, observationOf, paymentEvents, send, type Reply } from '../../../adapters/test/http/support/http';

const KEY = 'SB-Mid-server-CRASH';
const ORDERS = 150;
const CONCURRENCY = 16;

let dir: string;
const children: ServeProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'paystate-crash-'));
});
afterAll(async () => {
  for (const c of children) await stopProcess(c, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const serve = async (file: string) => {
  const p = await spawnListening(paystateArgv(['serve', '--port', '0', '--store', `sqlite:${file}`, '--server-key', KEY]));
  children.push(p);
  return p;
};

test('every notification answered 200 before the kill is in the store after the restart', async () => {
  const file = join(dir, 'crash.db');
  const orders = Array.from({ length: ORDERS }, (_, i) => cardOrder('crash', i, KEY));
  const setup = getSqliteEventStore({ filename: file });
  if (E.isLeft(setup)) throw new Error(setup.left._tag);
  const opener = createPaystate({ store: setup.right, serverKey: KEY });
  for (const o of orders) expect(E.isRight(await opener.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)())).toBe(true);
  await opener.close();

  const bodies = [...orders.map((o) => notificationBody(o, 'capture')), ...orders.map((o) => notificationBody(o, 'settlement'))];
  const first = await serve(file);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const answered: { body: string; reply: Reply }[] = [];
  let next = 0;
  let killed = false;
  const worker = async () => {
    while (next < bodies.length && !killed) {
      const body = bodies[next++]!;
      const reply = await send(first.port, { body, agent });
      answered.push({ body, reply });
      // Kill in the middle of the load, with requests in flight.
      if (!killed && answered.filter((a) => a.reply.status === 200).length >= 120) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
  const ok = answered.filter((a) => a.reply.status === 200);
  expect(ok.length).toBeGreaterThanOrEqual(120);
  expect(ok.length).toBeLessThan(bodies.length);
  // Nothing but 200 before the kill, and no answer at all after it.
  expect(answered.filter((a) => a.reply.status !== 200 && a.reply.status !== 0)).toEqual([]);

  const second = await serve(file);
  expect((await send(second.port, { method: 'GET', path: '/health' })).status).toBe(200);
  const store = getSqliteEventStore({ filename: file });
  if (E.isLeft(store)) throw new Error(store.left._tag);
  try {
    const payloads = new Set((await paymentEvents(store.right)).map((e) => JSON.stringify(observationOf(e)!.line.payload)));
    const missing = ok.filter((a) => !payloads.has(JSON.stringify(JSON.parse(a.body))));
    expect(missing).toEqual([]);

    // Midtrans redelivers everything (the captures, then the settlements): each is 200, and no observation is applied twice.
    const half = bodies.length / 2;
    const captures = await Promise.all(bodies.slice(0, half).map((body) => send(second.port, { body })));
    const again = [...captures, ...(await Promise.all(bodies.slice(half).map((body) => send(second.port, { body }))))];
    expect(again.filter((r) => r.status !== 200)).toEqual([]);
    const alreadyApplied = ok.filter((a) => json(a.reply)['outcome'] === 'applied').map((a) => a.body);
    for (const body of alreadyApplied) expect(json(again[bodies.indexOf(body)]!)['outcome']).toBe('duplicate');
    const applied = (await paymentEvents(store.right)).filter((e) => observationOf(e)!.decision.outcome === 'applied' && observationOf(e)!.line.kind === 'notification');
    expect(applied).toHaveLength(bodies.length);
    expect(new Set(applied.map((e) => e.idempotencyKey)).size).toBe(bodies.length);
  } finally {
    await store.right.close();
  }
  expect(await stopProcess(second)).toEqual({ code: 0, signal: null });
});
