/**
 * `paystate serve` as a user runs it: a spawned process, a real SQLite file, the listening line,
 * one JSON log line per request, graceful stop on SIGTERM/SIGINT, one-line errors.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cardOrder, chargeRequest, chargeResponse, notificationBody } from '@paystate/adapters/testing';
import { paystateArgv, spawnListening, stopProcess, type ServeProcess } from '../src/processes';
import { cleanEnv, json, runPaystate, send } from '../../adapters/test/http/support/http';

const KEY = 'SB-Mid-server-CLI-SERVE-91c2';
const order = cardOrder('serve-cli', 1, KEY);

let dir: string;
const children: ServeProcess[] = [];
const serve = async (args: readonly string[], env: Record<string, string>, cwd: string) => {
  const p = await spawnListening(paystateArgv(['serve', ...args]), { cwd, env: cleanEnv(env) });
  children.push(p);
  return p;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'paystate-serve-cli-'));
});
afterAll(async () => {
  for (const c of children) await stopProcess(c, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('one-line errors before listening: no key, a bad port or store URL (exit 2), a store it cannot open (exit 1)', async () => {
  const [noKey, badPort, badUrl, badStore] = await Promise.all([
    runPaystate(['serve', '--port', '0'], { cwd: dir }),
    runPaystate(['serve', '--port', 'http', '--server-key', KEY], { cwd: dir }),
    runPaystate(['serve', '--store', 'mysql://x', '--server-key', KEY], { cwd: dir }),
    runPaystate(['serve', '--port', '0', '--store', `sqlite:${join(dir, 'missing', 'dir', 'x.db')}`], { cwd: dir, env: cleanEnv({ MIDTRANS_SERVER_KEY: KEY }) }),
  ]);
  expect([noKey.code, noKey.stderr]).toEqual([2, 'paystate serve: no server key: set MIDTRANS_SERVER_KEY, or pass --server-key-file PATH (or set MIDTRANS_SERVER_KEY_FILE)\n']);
  expect(existsSync(join(dir, 'paystate.db'))).toBe(false);
  expect([badPort.code, badPort.stderr]).toEqual([2, 'paystate serve: --port must be an integer 0..65535, got "http"\n']);
  expect(badUrl.code).toBe(2);
  expect(badUrl.stderr).toMatch(/^paystate serve: --store: invalid argument: unsupported scheme in store URL "mysql:\/\/x"; accepted forms: .*\n$/);
  expect(badStore.code).toBe(1);
  expect(badStore.stderr).toMatch(/^paystate serve: cannot open store sqlite:.*: store unavailable: .*\n$/);
  for (const r of [noKey, badPort, badUrl, badStore]) {
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  }
});

test('serves from the default store with the key from MIDTRANS_SERVER_KEY, logs one JSON line per request, stops on SIGTERM after the request in flight', async () => {
  const cwd = mkdtempSync(join(dir, 'default-'));
  writeFileSync(join(cwd, 'charges.ndjson'), [chargeRequest(order), chargeResponse(order)].map((l) => JSON.stringify(l)).join('\n') + '\n');
  expect((await runPaystate(['ingest', 'charges.ndjson'], { cwd })).stdout).toBe('applied 2, duplicate 0, ignored 0, stale 0, illegal 0, rejected 0\n');

  const server = await serve(['--port', '0'], { MIDTRANS_SERVER_KEY: KEY }, cwd);
  expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  const health = await send(server.port, { method: 'GET', path: '/health' });
  expect([health.status, json(health)]).toEqual([200, { status: 'ok' }]);
  const body = notificationBody(order, 'capture');
  const ok = await send(server.port, { body });
  expect([ok.status, json(ok)['outcome']]).toEqual([200, 'applied']);
  const forged = await send(server.port, { body: notificationBody({ ...order, serverKey: 'nope' }, 'settlement') });
  expect(forged.status).toBe(401);

  // A request in flight when SIGTERM arrives: its body is still coming.
  const inFlight = new Promise<{ status: number; text: string }>((done, fail) => {
    const settlement = notificationBody(order, 'settlement');
    const req = request(
      { host: '127.0.0.1', port: server.port, method: 'POST', path: '/notifications', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(settlement) } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => done({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', fail);
    req.write(settlement.slice(0, 100), () => {
      server.child.kill('SIGTERM');
      setTimeout(() => req.end(settlement.slice(100)), 300);
    });
  });
  const late = await inFlight;
  expect([late.status, (JSON.parse(late.text) as { outcome: string }).outcome]).toEqual([200, 'applied']);
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(server.stderr()).toBe('');

  // After the listening line: pino's JSON lines, the request log among them.
  const logs = server.lines.filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(logs.map((l) => l['msg'])).toEqual(['listening', 'signature mode: no Core API configured (--core-api), so notifications are trusted on their signature alone', 'GET /health 200', 'POST /notifications 200', 'POST /notifications 401', 'stopping: finishing the requests in flight', 'POST /notifications 200', 'stopped']);
  const requests = logs.filter((l) => 'request_id' in l);
  expect(requests.map((l) => [l['level'], l['method'], l['path'], l['status'], l['outcome'], l['order_id']])).toEqual([
    ['info', 'GET', '/health', 200, null, null],
    ['info', 'POST', '/notifications', 200, 'applied', order.orderId],
    ['warn', 'POST', '/notifications', 401, 'rejected', order.orderId],
    ['info', 'POST', '/notifications', 200, 'applied', order.orderId],
  ]);
  for (const l of requests) {
    expect(Object.keys(l)).toEqual(['level', 'time', 'request_id', 'method', 'path', 'status', 'outcome', 'code', 'order_id', 'ms', 'msg']);
    expect(typeof l['ms']).toBe('number');
    expect(l['request_id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(String(l['time'])))).toBe(false);
  }
  const text = server.lines.join('\n');
  expect(text).not.toContain(KEY);
  expect(text).not.toContain(String(JSON.parse(body).signature_key));
  expect(text).not.toContain('masked_card');

  const inspected = await runPaystate(['inspect', order.orderId, '--format', 'json'], { cwd });
  expect((JSON.parse(inspected.stdout) as { transaction_status: string }).transaction_status).toBe('settlement');
});

test('--store from PAYSTATE_STORE, --server-key on the command line; SIGINT stops it too; a busy port is one line', async () => {
  const file = join(dir, 'env.db');
  const server = await serve(['--port', '0', '--server-key', KEY], { PAYSTATE_STORE: `sqlite:${file}` }, dir);
  expect(existsSync(file)).toBe(true);
  const busy = await runPaystate(['serve', '--port', String(server.port), '--store', `sqlite:${file}`, '--server-key', KEY], { cwd: dir });
  expect(busy.code).toBe(1);
  expect(busy.stderr).toMatch(new RegExp(`^paystate serve: cannot listen on 127.0.0.1:${server.port}: .*EADDRINUSE.*\\n$`));
  const unknown = await send(server.port, { body: notificationBody(order, 'capture') });
  expect([unknown.status, json(unknown)['error']]).toEqual([404, 'unknown_order']);
  expect(await stopProcess(server, 'SIGINT')).toEqual({ code: 0, signal: null });
});

test('the read API: off without a token (404), on with PAYSTATE_READ_TOKEN or --read-token (bearer, 401 otherwise); the token never logged; a short token is a usage error', async () => {
  const TOKEN = 'read-token-serve-cli-4f1e9a0c';
  const cwd = mkdtempSync(join(dir, 'read-'));
  const store = `sqlite:${join(cwd, 'read.db')}`;
  writeFileSync(join(cwd, 'charges.ndjson'), [chargeRequest(order), chargeResponse(order)].map((l) => JSON.stringify(l)).join('\n') + '\n');
  expect((await runPaystate(['ingest', '--store', store, '--server-key', KEY, 'charges.ndjson'], { cwd })).code).toBe(0);

  const short = await runPaystate(['serve', '--port', '0', '--store', store, '--read-token', 'short'], { cwd, env: cleanEnv({ MIDTRANS_SERVER_KEY: KEY }) });
  expect([short.code, short.stderr]).toEqual([2, 'paystate serve: the read token is too short: use at least 16 characters (e.g. openssl rand -hex 32)\n']);

  const off = await serve(['--port', '0', '--store', store], { MIDTRANS_SERVER_KEY: KEY }, cwd);
  const offAnswer = await send(off.port, { method: 'GET', path: `/orders/${order.orderId}`, headers: { authorization: `Bearer ${TOKEN}` } });
  expect([offAnswer.status, json(offAnswer)['error']]).toEqual([404, 'not_found']);
  expect(await stopProcess(off, 'SIGTERM')).toEqual({ code: 0, signal: null });

  // The second server sees the capture the first one recorded.
  for (const [args, env, before] of [
    [['--read-token', TOKEN], {}, 'pending'],
    [[], { PAYSTATE_READ_TOKEN: TOKEN }, 'capture'],
  ] as const) {
    const on = await serve(['--port', '0', '--store', store, ...args], { MIDTRANS_SERVER_KEY: KEY, ...env }, cwd);
    const read = await send(on.port, { method: 'GET', path: `/orders/${encodeURIComponent(order.orderId)}`, headers: { authorization: `Bearer ${TOKEN}` } });
    expect([read.status, json(read)['order_id'], json(read)['transaction_status']]).toEqual([200, order.orderId, before]);
    const anonymous = await send(on.port, { method: 'GET', path: `/orders/${order.orderId}` });
    expect([anonymous.status, anonymous.headers['www-authenticate']]).toEqual([401, 'Bearer realm="paystate"']);
    const webhook = await send(on.port, { body: notificationBody(order, 'capture') });
    expect(webhook.status).toBe(200);
    expect(await stopProcess(on, 'SIGTERM')).toEqual({ code: 0, signal: null });
    // one log line per request (the start and stop lines carry no method)
    const logged = on.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['method'] !== undefined);
    expect(logged.map((l) => [l['method'], l['path'], l['status'], l['code']])).toEqual([
      ['GET', `/orders/${order.orderId}`, 200, 'order'],
      ['GET', `/orders/${order.orderId}`, 401, 'unauthorized'],
      ['POST', '/notifications', 200, expect.any(String)],
    ]);
    expect(on.lines.join('\n')).not.toContain(TOKEN);
  }
});
