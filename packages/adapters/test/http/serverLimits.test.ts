/**
 * The server's bounds on slow clients and connections: a client that stalls inside its headers or
 * its body is dropped within the timeout (not node's 30 s check interval), past the connection cap
 * the oldest connection without a request in progress makes room (else the new one is closed), and
 * bad bounds are refused when the server is made.
 */
import { connect } from 'node:net';
import { createPaystate } from '../../src/ingest/index';
import { createPaystateServer } from '../../src/http/index';
import { getInMemoryEventStore } from '../../src/store/index';
import { send, startInProcess, type InProcess } from './support/http';

const KEY = 'SB-Mid-server-LIMITS';

/** Opens a connection, writes `head`, and resolves to what came back and after how long the server closed it (bounded by 10 s). */
const stall = (port: number, head: string): Promise<{ reply: string; ms: number }> =>
  new Promise((done) => {
    const started = performance.now();
    const s = connect(port, '127.0.0.1', () => s.write(head));
    let reply = '';
    s.on('data', (d: Buffer) => (reply += d.toString('latin1')));
    s.on('error', () => undefined);
    const bound = setTimeout(() => s.destroy(), 10_000);
    s.on('close', () => {
      clearTimeout(bound);
      done({ reply, ms: performance.now() - started });
    });
  });

describe('server limits', () => {
  let server: InProcess;
  const paystate = createPaystate({ store: getInMemoryEventStore(), serverKey: KEY });
  beforeAll(async () => {
    server = await startInProcess(paystate, { headersTimeoutMs: 500, requestTimeoutMs: 1_000, maxConnections: 3 });
  });
  afterAll(async () => {
    await server.close();
    await paystate.close();
  });

  test('a client stalling inside its headers is answered 408 and dropped within the header timeout', async () => {
    const r = await stall(server.port, 'POST /notifications HTTP/1.1\r\nHost: x\r\n');
    expect(r.reply).toMatch(/^HTTP\/1\.1 408/);
    expect(r.ms).toBeGreaterThanOrEqual(450);
    expect(r.ms).toBeLessThan(500 + 1_000);
  });

  test('a client stalling inside its body is dropped within the request timeout', async () => {
    const r = await stall(server.port, 'POST /notifications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":');
    expect(r.ms).toBeLessThan(1_000 + 1_000);
    expect(r.reply).not.toMatch(/^HTTP\/1\.1 200/);
  });

  test('past the cap, the connection waiting longest for its headers makes room: a genuine request is served at once', async () => {
    const held = [0, 1, 2].map(() => stall(server.port, 'GET /health HTTP/1.1\r\nHost: x\r\n'));
    await new Promise((r) => setTimeout(r, 100));
    const genuine = await send(server.port, { method: 'GET', path: '/health' });
    expect(genuine.status).toBe(200);
    // The oldest slow client was closed for it, long before its header timeout; the others ran into the timeout.
    const lifetimes = (await Promise.all(held)).map((h) => h.ms).sort((a, b) => a - b);
    expect(lifetimes[0]).toBeLessThan(400);
    expect(lifetimes[2]).toBeGreaterThanOrEqual(450);
  });

  test('connections with a request in progress are never closed for room: then the new one is', async () => {
    const body = 'POST /notifications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":';
    const held = [0, 1, 2].map(() => stall(server.port, body));
    await new Promise((r) => setTimeout(r, 100));
    const refused = await send(server.port, { method: 'GET', path: '/health' });
    expect(refused.status).toBe(0);
    await Promise.all(held);
    expect((await send(server.port, { method: 'GET', path: '/health' })).status).toBe(200);
  });

  test('bounds that are not positive integers are refused', () => {
    expect(() => createPaystateServer(paystate, { maxConnections: 0 })).toThrow('maxConnections must be a positive integer');
    expect(() => createPaystateServer(paystate, { headersTimeoutMs: 1.5 })).toThrow('headersTimeoutMs must be a positive integer');
  });
});
