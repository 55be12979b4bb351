/**
 * Hostile input against `paystate serve` (a child process on SQLite): fuzzed bodies, huge bodies,
 * wrong content types, aborted uploads and forged signatures at volume. The process never
 * crashes, nothing is answered 5xx (or 2xx), and no payment stream gains a record.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { createPaystate } from '../../../adapters/src/ingest/index';
import { cardOrder, chargeRequest, chargeResponse, notificationPayload, type CardOrder } from '@paystate/adapters/testing';
import { paystateArgv, spawnListening, stopProcess, type ServeProcess } from '../../src/processes';
import { signNotification } from '../../../adapters/src/midtrans/index';
import { getSqliteEventStore } from '@paystate/adapters/sqlite';
import { paymentEvents, send, type Reply } from '../../../adapters/test/http/support/http';

const KEY = 'SB-Mid-server-HOSTILE-5d1e';
const REJECTING = [400, 401, 404, 413];

let dir: string;
let file: string;
let server: ServeProcess;
let agent: Agent;
const orders: readonly CardOrder[] = Array.from({ length: 5 }, (_, i) => cardOrder('hostile', i, KEY));
const seen: Reply[] = [];

const post = async (body: string | Buffer, options: Parameters<typeof send>[1] = {}): Promise<Reply> => {
  const r = await send(server.port, { body, agent, ...options });
  seen.push(r);
  return r;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paystate-hostile-'));
  file = join(dir, 'hostile.db');
  const setup = getSqliteEventStore({ filename: file });
  if (E.isLeft(setup)) throw new Error(setup.left._tag);
  const opener = createPaystate({ store: setup.right, serverKey: KEY });
  for (const o of orders) expect(E.isRight(await opener.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)())).toBe(true);
  await opener.close();
  server = await spawnListening(paystateArgv(['serve', '--port', '0', '--store', `sqlite:${file}`, '--server-key', KEY]));
  agent = new Agent({ keepAlive: true, maxSockets: 16 });
});

afterAll(async () => {
  agent?.destroy();
  if (server !== undefined) await stopProcess(server, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const known = () => fc.constantFrom(...orders);

/** Bodies that look more or less like a notification, none signed with the key. */
const arbHostileBody: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc
    .record({
      order: known(),
      status: fc.constantFrom('pending', 'capture', 'settlement', 'refund', 'deny', 'cancel', 'bogus', ''),
      statusCode: fc.oneof(fc.constantFrom('200', '201', '202'), fc.string({ maxLength: 5 }), fc.integer()),
      gross: fc.oneof(fc.constantFrom('145000.00', '145000', '1e5', '-1', ''), fc.integer(), fc.double()),
      signature: fc.oneof(fc.string({ maxLength: 10 }), fc.stringMatching(/^[0-9a-f]{128}$/), fc.constant(undefined)),
      extra: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      orderId: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 20 }), fc.constant('a\u0000b'), fc.integer()),
    })
    .map(({ order, status, statusCode, gross, signature, extra, orderId }) =>
      JSON.stringify({
        ...extra,
        ...notificationPayload(order, 'capture'),
        transaction_status: status,
        status_code: statusCode,
        gross_amount: gross,
        signature_key: signature,
        ...(orderId !== undefined ? { order_id: orderId } : {}),
      }),
    ),
);

test('fuzzed bodies are answered 4xx, never 2xx or 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(arbHostileBody, async (body) => {
      const r = await post(body);
      expect(REJECTING).toContain(r.status);
    }),
    { numRuns: 300, seed: 424242 },
  );
});

test('pathological JSON: deep nesting, huge numbers, long strings, a NUL in the order id', async () => {
  const deep = '['.repeat(30_000) + ']'.repeat(30_000);
  const wide = JSON.stringify({ order_id: 'x'.repeat(60_000) });
  const nul = JSON.stringify(signNotification({ ...notificationPayload(orders[0]!, 'capture'), order_id: 'hostile-0\u0000' }, 'not-the-key'));
  for (const body of [deep, wide, nul, '1'.repeat(60_000), '{"__proto__":{"polluted":true},"order_id":"hostile-0"}', '']) {
    expect(REJECTING).toContain((await post(body)).status);
  }
});

test('huge bodies: 413 whether announced or streamed, and the server keeps serving', async () => {
  for (const size of [64 * 1024 + 1, 1024 * 1024, 8 * 1024 * 1024]) {
    const announced = await send(server.port, { body: Buffer.alloc(size, '{') });
    const streamed = await send(server.port, { body: Buffer.alloc(size, '{'), chunked: true });
    seen.push(announced, streamed);
    expect(announced.status).toBe(413);
    // The rest of the body is read and discarded (up to 16 MiB), so the client reads the answer, not a reset.
    expect(streamed.status).toBe(413);
  }
  expect((await send(server.port, { method: 'GET', path: '/health' })).status).toBe(200);
});

test('a content type changes nothing: the body decides (and these are unsigned)', async () => {
  const unsigned = JSON.stringify({ ...notificationPayload(orders[1]!, 'settlement'), signature_key: 'f'.repeat(128) });
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=latin1', '']) {
    const r = await post(unsigned, { headers: { 'content-type': type } });
    expect(r.status).toBe(401);
    expect((await post(`order_id=${orders[1]!.orderId}&status_code=200`, { headers: { 'content-type': type } })).status).toBe(400);
  }
});

test('uploads abandoned half way leave the server serving', async () => {
  for (let i = 0; i < 20; i++)
    await new Promise<void>((done) => {
      const req = request({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/notifications', headers: { 'content-length': 10_000 } });
      req.on('error', () => done());
      req.write('{"order_id":"hostile-1",', () => {
        req.destroy();
        done();
      });
    });
  expect((await send(server.port, { method: 'GET', path: '/health' })).status).toBe(200);
});

test('forged signatures at volume: 1,000 notifications signed with another key, 32 at a time', async () => {
  const statuses = ['capture', 'settlement', 'refund', 'cancel', 'deny'] as const;
  const forged = Array.from({ length: 1_000 }, (_, i) => JSON.stringify(notificationPayload({ ...orders[i % orders.length]!, serverKey: `forger-${i}` }, statuses[i % statuses.length]!)));
  const wide = new Agent({ keepAlive: true, maxSockets: 32 });
  let next = 0;
  const replies: Reply[] = [];
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < forged.length) replies.push(await send(server.port, { body: forged[next++]!, agent: wide }));
    }),
  );
  wide.destroy();
  seen.push(...replies);
  expect(replies.filter((r) => r.status !== 401)).toEqual([]);
});

test('afterwards: the process is alive, nothing was 2xx or 5xx, no payment stream gained a record, the key never left', async () => {
  expect(server.child.exitCode).toBeNull();
  expect((await send(server.port, { method: 'GET', path: '/health' })).status).toBe(200);
  expect(seen.length).toBeGreaterThan(1_300);
  expect(seen.filter((r) => r.status >= 500 || (r.status >= 200 && r.status < 300))).toEqual([]);
  for (const r of seen) expect(r.text).not.toContain(KEY);
  expect(server.lines.join('\n')).not.toContain(KEY);
  expect(server.stderr()).toBe('');

  const store = getSqliteEventStore({ filename: file });
  if (E.isLeft(store)) throw new Error(store.left._tag);
  try {
    const events = await paymentEvents(store.right);
    // Only the charge request and response of each order.
    expect(events).toHaveLength(orders.length * 2);
    const rejections = await store.right.readRejections({})();
    expect(E.isRight(rejections) && rejections.right.length).toBeGreaterThan(1_000);
  } finally {
    await store.right.close();
  }
});
