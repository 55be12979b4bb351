/**
 * A slow-header connection flood against `paystate serve` (a child process on SQLite): 2,000
 * connections from this process on loopback that send half a request line and then nothing. The
 * server holds at most --max-connections of them, drops each within the header timeout, and
 * genuine signed notifications sent during the flood are still answered.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { createPaystate } from '../../../adapters/src/ingest/index';
import { cardOrder, chargeRequest, chargeResponse, notificationBody } from '@paystate/adapters/testing';
import { paystateArgv, spawnListening, stopProcess, type ServeProcess } from '../../src/processes';
import { getSqliteEventStore } from '@paystate/adapters/sqlite';
import { json, send } from '../../../adapters/test/http/support/http';

const KEY = 'SB-Mid-server-FLOOD-7a2c';
const FLOOD = 2_000;
const MAX_CONNECTIONS = 500;
const HEADERS_TIMEOUT_MS = 1_000;

let dir: string;
let server: ServeProcess;

afterAll(async () => {
  if (server !== undefined) await stopProcess(server, 'SIGKILL');
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

test('2,000 slow-header connections: at most the cap is held, each is dropped within the header timeout, genuine notifications are served', async () => {
  dir = mkdtempSync(join(tmpdir(), 'paystate-flood-'));
  const file = join(dir, 'flood.db');
  const setup = getSqliteEventStore({ filename: file });
  if (E.isLeft(setup)) throw new Error(setup.left._tag);
  const orders = Array.from({ length: 5 }, (_, i) => cardOrder('flood', i, KEY));
  const opener = createPaystate({ store: setup.right, serverKey: KEY });
  for (const o of orders) expect(E.isRight(await opener.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)())).toBe(true);
  await opener.close();
  server = await spawnListening(
    paystateArgv(['serve', '--port', '0', '--store', `sqlite:${file}`, '--server-key', KEY, '--log-level', 'silent',
      '--max-connections', String(MAX_CONNECTIONS), '--headers-timeout-ms', String(HEADERS_TIMEOUT_MS)]),
  );

  const started = performance.now();
  let open = 0;
  let heldAtOnce = 0;
  let neverConnected = 0;
  const lifetimes: number[] = [];
  const slow = (): Promise<void> =>
    new Promise((done) => {
      const s: Socket = connect(server.port, '127.0.0.1');
      const at = performance.now();
      s.on('connect', () => {
        open++;
        heldAtOnce = Math.max(heldAtOnce, open);
        s.write('POST /notifications HTTP/1.1\r\nHost: x\r\n');
      });
      s.on('error', () => undefined);
      // Reading lets the client see the server's 408 and close; the server's descriptor is gone either way (counted below).
      s.resume();
      s.on('close', () => {
        // A connection the kernel's listen backlog never completed is not one the server held.
        if (s.connecting) neverConnected++;
        else {
          open = Math.max(0, open - 1);
          lifetimes.push(performance.now() - at);
        }
        done();
      });
      // The test's own bound: nothing stays open past 20 s whatever the server does.
      setTimeout(() => s.destroy(), 20_000).unref();
    });
  // What the server holds: its open descriptors, sampled through the flood (Linux), at most 400 samples.
  const fdsOf = (): number => {
    try {
      return readdirSync(`/proc/${server.child.pid}/fd`).length;
    } catch {
      return -1;
    }
  };
  const fdsBefore = fdsOf();
  let fdsMax = fdsBefore;
  const sampler = setInterval(() => {
    fdsMax = Math.max(fdsMax, fdsOf());
  }, 50);
  const stopSampling = setTimeout(() => clearInterval(sampler), 20_000);
  const flood = Array.from({ length: FLOOD }, slow);
  // Genuine deliveries while the flood is on.
  const genuine = [];
  for (const o of orders) {
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    // Past the cap a new connection is closed at once, as Midtrans' would be; it retries, so this does (bounded).
    let r = await send(server.port, { body: notificationBody(o, 'capture') });
    let tries = 1;
    for (; r.status === 0 && tries < 20; tries++) {
      await new Promise((done) => setTimeout(done, 250));
      r = await send(server.port, { body: notificationBody(o, 'capture') });
    }
    genuine.push({ status: r.status, outcome: r.status === 200 ? json(r)['outcome'] : r.text, ms: performance.now() - t0, tries });
  }
  await Promise.all(flood);
  const floodMs = performance.now() - started;
  clearInterval(sampler);
  clearTimeout(stopSampling);
  const fdsAfter = fdsOf();
  lifetimes.sort((a, b) => a - b);
  const p = (q: number) => Math.round(lifetimes[Math.min(lifetimes.length - 1, Math.floor(q * lifetimes.length))]!);
  console.log(
    `flood of ${FLOOD}: over in ${Math.round(floodMs)} ms; slow clients dropped after p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${p(1)} ms; ` +
      `server descriptors ${fdsBefore} before, at most ${fdsMax} during, ${fdsAfter} after; client side saw at most ${heldAtOnce} open at once, ${neverConnected} never connected (listen backlog); genuine: ${genuine.map((g) => `${g.status} in ${Math.round(g.ms)} ms after ${g.tries} tries`).join(', ')}`,
  );
  expect(genuine.map((g) => [g.status, g.outcome])).toEqual(orders.map(() => [200, 'applied']));
  // Every slow client is gone within the header timeout plus node's check interval and scheduling.
  expect(p(1)).toBeLessThan(HEADERS_TIMEOUT_MS * 3 + 2_000);
  expect(lifetimes.length).toBeGreaterThan(FLOOD / 2);
  if (fdsBefore > 0) {
    // The cap holds: descriptors beyond the ones it had stay under the connection cap (plus accept slack).
    expect(fdsMax - fdsBefore).toBeLessThanOrEqual(MAX_CONNECTIONS + 50);
    expect(fdsAfter - fdsBefore).toBeLessThan(10);
  }
}, 60_000);
