/**
 * `paystate serve` as an operator sees it: the plain listening line first, then pino's JSON lines
 * (level, request id, never the key or a card number, even planted in a payload), `--log-level`
 * and `$PAYSTATE_LOG_LEVEL`, `GET /metrics` in Prometheus text unless `--no-metrics`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cardOrder, notificationBody } from '@paystate/adapters/testing';
import { paystateArgv, spawnListening, stopProcess, type ServeProcess } from '../../src/processes';
import { cleanEnv, runPaystate, send } from '../../../adapters/test/http/support/http';
import { parsePrometheus, total } from '../../../adapters/test/observe/support';

const KEY = 'SB-Mid-server-CLI-OBSERVE-77aa';
const PAN = '4811111111111114';
const order = cardOrder('observe-cli', 1, KEY);

let dir: string;
const children: ServeProcess[] = [];
const serve = async (args: readonly string[], env: Record<string, string> = {}) => {
  const p = await spawnListening(paystateArgv(['serve', '--port', '0', '--store', 'memory:', ...args]), { cwd: dir, env: cleanEnv({ MIDTRANS_SERVER_KEY: KEY, ...env }) });
  children.push(p);
  return p;
};
const lines = (p: ServeProcess) => p.lines.filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'paystate-serve-observe-'));
});
afterAll(async () => {
  for (const c of children) await stopProcess(c, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('JSON log lines with level and request id; the key and a card number planted in payloads never appear; /metrics moves', async () => {
  const server = await serve([]);
  const planted = notificationBody(order, 'capture', { custom_field1: PAN, custom_field2: KEY });
  // Unknown order (the store is empty): 404, logged as a warning with the order named like a card.
  const unknownCard = notificationBody({ ...cardOrder('x', 1, KEY), orderId: PAN }, 'settlement');
  const replies = [
    await send(server.port, { body: planted, headers: { 'x-request-id': 'lb-7f00.1' } }),
    await send(server.port, { body: unknownCard }),
    await send(server.port, { body: `{"order_id": "${PAN}", "note": "${KEY}"` }),
  ];
  expect(replies.map((r) => r.status)).toEqual([404, 404, 400]);
  expect(replies[0]!.headers['x-request-id']).toBe('lb-7f00.1');

  const metrics = await send(server.port, { method: 'GET', path: '/metrics' });
  expect(metrics.status).toBe(200);
  const e = parsePrometheus(metrics.text);
  expect(total(e, 'paystate_observations_total')).toBe(3);
  expect(total(e, 'paystate_rejections_total', { code: 'unknown_order' })).toBe(2);
  expect(total(e, 'paystate_webhook_request_duration_seconds_count', { status: '404' })).toBe(2);
  expect(total(e, 'paystate_process_resident_memory_bytes')).toBeGreaterThan(0);

  expect(await stopProcess(server)).toEqual({ code: 0, signal: null });
  const logged = lines(server);
  const requests = logged.filter((l) => 'request_id' in l);
  expect(requests.map((l) => [l['level'], l['status'], l['request_id'] === replies[requests.indexOf(l)]!.headers['x-request-id']])).toEqual([
    ['warn', 404, true],
    ['warn', 404, true],
    ['warn', 400, true],
  ]);
  expect(requests[1]!['order_id']).toBe('************1114');
  const all = server.lines.join('\n') + server.stderr();
  expect(all).not.toContain(KEY);
  expect(all).not.toContain(PAN);
});

test('--log-level warn keeps warnings only; $PAYSTATE_LOG_LEVEL=silent logs nothing; --no-metrics has no /metrics', async () => {
  const [warn, silent] = await Promise.all([serve(['--log-level', 'warn']), serve(['--no-metrics'], { PAYSTATE_LOG_LEVEL: 'silent' })]);
  for (const s of [warn, silent]) {
    await send(s.port, { method: 'GET', path: '/health' });
    await send(s.port, { body: notificationBody(order, 'capture') });
  }
  expect((await send(silent.port, { method: 'GET', path: '/metrics' })).status).toBe(404);
  expect((await send(warn.port, { method: 'GET', path: '/metrics' })).status).toBe(200);
  await Promise.all([stopProcess(warn), stopProcess(silent)]);
  expect(lines(warn).map((l) => [l['level'], l['status']])).toEqual([['warn', 404]]);
  expect(silent.lines.filter((l) => l !== '')).toEqual([]);
});

test('a bad --log-level or --log-format is a usage error (exit 2), before anything listens', async () => {
  const [level, format, env] = await Promise.all([
    runPaystate(['serve', '--log-level', 'loud', '--server-key', KEY], { cwd: dir }),
    runPaystate(['serve', '--log-format', 'xml', '--server-key', KEY], { cwd: dir }),
    runPaystate(['serve', '--server-key', KEY], { cwd: dir, env: cleanEnv({ PAYSTATE_LOG_LEVEL: 'verbose' }) }),
  ]);
  expect([level.code, level.stderr]).toEqual([2, 'paystate serve: --log-level must be one of fatal|error|warn|info|debug|trace|silent, got "loud"\n']);
  expect([format.code, format.stderr]).toEqual([2, 'paystate serve: --log-format must be one of json|pretty, got "xml"\n']);
  expect([env.code, env.stdout]).toEqual([2, '']);
});

test('--log-format pretty: the listening line is still first and plain, then readable lines without colour under NO_COLOR', async () => {
  const server = await serve(['--log-format', 'pretty'], { NO_COLOR: '1' });
  await send(server.port, { method: 'GET', path: '/health' });
  await stopProcess(server);
  const text = server.lines.join('\n');
  expect(text).toMatch(/INFO.*GET \/health 200/);
  expect(text).not.toMatch(/\u001b\[/);
  expect(text).not.toContain(KEY);
});
