/**
 * `paystate reconcile`'s options, in process: bad values are usage errors naming the option (exit
 * 2), a lease that a status call could outlast is refused, and a worker started with good options
 * logs its settings (never the key) and stops cleanly when asked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { run } from '../src/main';
import type { Io } from '../src/io';
import { reconcileWith, worstCallMs } from '../src/reconcileCommand';

const KEY = 'SB-Mid-server-RECONCILE-OPTIONS';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'paystate-reconcile-options-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runIn = async (argv: readonly string[], env: Record<string, string> = { MIDTRANS_SERVER_KEY: KEY }) => {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), readStdin: () => '', env };
  const code = await run(['reconcile', ...argv], io);
  return { code, stdout, stderr };
};

test.each([
  [['--store', 'memory:', '--lease-ms', '1000', '--timeout-ms', '400'], /--lease-ms \(1000\) must be longer than a status call can take with its retries \(1950 ms with --timeout-ms 400\)/],
  [['--store', 'memory:', '--concurrency', '0'], /--concurrency must be an integer >= 1, got "0"/],
  [['--store', 'memory:', '--interval-ms', 'soon'], /--interval-ms must be an integer >= 10, got "soon"/],
  [['--store', 'memory:', '--core-api', 'ftp://midtrans'], /--core-api must be sandbox, production or an http\(s\) base URL without credentials, got "ftp:\/\/midtrans"/],
  [['--store', 'memory:', '--base-backoff-ms', '5000', '--max-backoff-ms', '1000'], /--max-backoff-ms must be at least --base-backoff-ms/],
  [['--store', 'memory:', 'extra'], /reconcile takes no arguments, got "extra"/],
])('%j is a usage error', async (argv, message) => {
  const r = await runIn(argv);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toContain(KEY);
});

test('without a server key it says where one comes from', async () => {
  const r = await runIn(['--store', 'memory:'], {});
  expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/no server key: set MIDTRANS_SERVER_KEY/)]);
});

test('the environment sets an option the command line leaves unset', async () => {
  const r = await runIn(['--store', 'memory:', '--timeout-ms', '100'], { MIDTRANS_SERVER_KEY: KEY, PAYSTATE_RECONCILE_LEASE_MS: '200' });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/--lease-ms \(200\) must be longer .* \(1050 ms with --timeout-ms 100\)/);
  expect(worstCallMs(100)).toBe(1050);
});

test('a worker logs its settings, runs rounds and stops cleanly on the signal', async () => {
  let stdout = '';
  let stop: (s: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  const io: Io = { stdout: (s) => void (stdout += s), stderr: () => undefined, readStdin: () => '', env: { MIDTRANS_SERVER_KEY: KEY } };
  const running = reconcileWith(() => stopped)(['--store', `sqlite:${join(dir, 'w.db')}`, '--interval-ms', '20', '--log-level', 'debug', '--log-format', 'json', '--core-api', 'http://127.0.0.1:9'], io);
  const end = Date.now() + 10_000;
  while (!stdout.includes('"msg":"reconciliation round"') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  stop('SIGTERM');
  expect(await running).toEqual(E.right(0));
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines[0]).toMatchObject({ msg: 'reconciling', core_api: 'http://127.0.0.1:9', interval_ms: 20, concurrency: 8, lease_ms: 120_000, claims: 'store' });
  expect(lines.find((l) => l['msg'] === 'reconciliation round')).toMatchObject({ due: 0, checked: 0, backing_off: 0, claimed_elsewhere: 0 });
  expect(lines.at(-1)).toMatchObject({ msg: 'stopped' });
  expect(stdout).not.toContain(KEY);
});
