/**
 * `paystate serve --core-api URL`: confirm mode by default (each signed notification is confirmed
 * with GET status, a contradicted one changes nothing and is answered 200, GET status unavailable
 * is a 503), `--trust signature` warns once, no Core API says so once, and `verify` re-decides the
 * stored confirm-mode events without a difference.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cardOrder, chargeRequest, chargeResponse, notificationPayload } from '@paystate/adapters/testing';
import { paystateArgv, spawnListening, stopProcess, type ServeProcess } from '../../src/processes';
import { cleanEnv, json, runPaystate, send } from '../../../adapters/test/http/support/http';
import { startFakeCoreApi, statusBodyOf, type FakeCoreApi } from '../../../adapters/test/http/support/fakeCoreApi';

const KEY = 'SB-Mid-server-CLI-CONFIRM-5e1a';

let dir: string;
let core: FakeCoreApi;
const children: ServeProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paystate-serve-confirm-'));
  core = await startFakeCoreApi();
});
afterAll(async () => {
  for (const c of children) await stopProcess(c, 'SIGKILL');
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh store with the orders charged (pending), and serve over it. */
const serveOver = async (name: string, orders: readonly ReturnType<typeof cardOrder>[], args: readonly string[], env: Record<string, string> = {}) => {
  const cwd = mkdtempSync(join(dir, `${name}-`));
  writeFileSync(join(cwd, 'charges.ndjson'), orders.flatMap((o) => [chargeRequest(o), chargeResponse(o)]).map((l) => JSON.stringify(l)).join('\n') + '\n');
  expect((await runPaystate(['ingest', '--store', 'sqlite:p.db', 'charges.ndjson'], { cwd, env: cleanEnv({ MIDTRANS_SERVER_KEY: KEY }) })).code).toBe(0);
  const p = await spawnListening(paystateArgv(['serve', '--store', 'sqlite:p.db', '--port', '0', '--log-format', 'json', ...args]), { cwd, env: cleanEnv({ MIDTRANS_SERVER_KEY: KEY, ...env }) });
  children.push(p);
  return { p, cwd };
};

const logged = (p: ServeProcess) => p.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

test('--core-api: confirm mode; the truth is folded, a contradicted edit answers 200 and changes nothing, GET status down answers 503, and verify agrees', async () => {
  const o = cardOrder('serve-confirm', 1, KEY);
  const stalled = cardOrder('serve-confirm', 2, KEY);
  core.answers.set(o.orderId, { body: statusBodyOf(notificationPayload(o, 'capture')) });
  core.answers.set(stalled.orderId, { body: {}, delayMs: 3_000 });
  const { p, cwd } = await serveOver('confirm', [o, stalled], ['--core-api', core.baseUrl, '--confirm-timeout-ms', '400']);

  const genuine = await send(p.port, { body: JSON.stringify(notificationPayload(o, 'capture')) });
  expect([genuine.status, json(genuine)['outcome']]).toEqual([200, 'duplicate']);
  const tampered = await send(p.port, { body: JSON.stringify({ ...notificationPayload(o, 'capture'), transaction_status: 'settlement' }) });
  expect([tampered.status, json(tampered)['outcome']]).toEqual([200, 'rejected']);
  const down = await send(p.port, { body: JSON.stringify(notificationPayload(stalled, 'capture')) });
  expect([down.status, json(down)['error']]).toEqual([503, 'status_unavailable']);
  await stopProcess(p);

  const log = logged(p);
  expect(log.find((l) => l['msg'] === 'listening')?.['trust']).toBe('confirm');
  expect(log.filter((l) => String(l['msg']).startsWith('confirm mode'))).toHaveLength(1);
  expect(log.find((l) => l['status'] === 503)).toMatchObject({ level: 'error', code: 'status_unavailable', cause: 'no answer within 400 ms' });
  expect(p.lines.join('\n')).not.toContain(KEY);

  const inspect = await runPaystate(['inspect', '--store', 'sqlite:p.db', o.orderId], { cwd, env: cleanEnv() });
  expect(inspect.stdout).toMatch(/^attempts: \S+ capture\/accept gross 145000\.00 refunded 0\.00$/m);
  expect(inspect.stdout).toMatch(/^flags: none$/m);
  expect(inspect.stdout).toMatch(/notification +rejected +capture\/accept +notification \(settlement\/accept\) is contradicted by GET status/);
  const stalledInspect = await runPaystate(['inspect', '--store', 'sqlite:p.db', stalled.orderId], { cwd, env: cleanEnv() });
  expect(stalledInspect.stdout).toMatch(/pending/);
  const verify = await runPaystate(['verify', '--store', 'sqlite:p.db'], { cwd, env: cleanEnv({ MIDTRANS_SERVER_KEY: KEY }) });
  expect([verify.code, verify.stdout.trim().split('\n').at(-1)]).toEqual([0, '8 observations in 2 orders re-decided: 0 differences']);
}, 30_000);

test('--trust signature warns once; without a Core API serve says once that it trusts signatures alone', async () => {
  const o = cardOrder('serve-trust', 1, KEY);
  const { p: signature } = await serveOver('signature', [o], ['--trust', 'signature'], { MIDTRANS_CORE_API_URL: core.baseUrl });
  const { p: none } = await serveOver('none', [o], []);
  const moved = await send(signature.port, { body: JSON.stringify({ ...notificationPayload(o, 'capture'), transaction_status: 'settlement' }) });
  expect([moved.status, json(moved)['outcome']]).toEqual([200, 'applied']);
  await Promise.all([stopProcess(signature), stopProcess(none)]);
  const warned = logged(signature).filter((l) => l['level'] === 'warn');
  expect(warned).toHaveLength(1);
  expect(warned[0]).toMatchObject({ trust: 'signature', core_api: core.baseUrl });
  expect(String(warned[0]!['msg'])).toContain('--trust signature');
  const said = logged(none).filter((l) => l['trust'] === 'signature' && String(l['msg']).startsWith('signature mode'));
  expect(said).toHaveLength(1);
  expect(said[0]!['level']).toBe('info');
}, 30_000);

test('usage errors: --trust confirm without a Core API, a Core API URL that is not one, a bad deadline', async () => {
  const env = cleanEnv({ MIDTRANS_SERVER_KEY: KEY });
  const [confirmAlone, badUrl, withKey, badTimeout] = await Promise.all([
    runPaystate(['serve', '--trust', 'confirm'], { cwd: dir, env }),
    runPaystate(['serve', '--core-api', 'ftp://example.com'], { cwd: dir, env }),
    runPaystate(['serve', '--core-api', 'https://user:secret@api.midtrans.com'], { cwd: dir, env }),
    runPaystate(['serve', '--core-api', 'sandbox', '--confirm-timeout-ms', '0'], { cwd: dir, env }),
  ]);
  expect([confirmAlone.code, confirmAlone.stderr]).toEqual([2, 'paystate serve: --trust confirm needs a Core API to ask GET status: give --core-api URL (or $MIDTRANS_CORE_API_URL)\n']);
  expect([badUrl.code, badUrl.stderr]).toEqual([2, 'paystate serve: --core-api must be sandbox, production or an http(s) base URL without credentials, got "ftp://example.com"\n']);
  expect([withKey.code, withKey.stderr]).toEqual([2, 'paystate serve: --core-api must be sandbox, production or an http(s) base URL without credentials, got "https://***@api.midtrans.com"\n']);
  expect([badTimeout.code, badTimeout.stderr]).toEqual([2, 'paystate serve: --confirm-timeout-ms must be an integer 1..60000, got "0"\n']);
}, 30_000);
