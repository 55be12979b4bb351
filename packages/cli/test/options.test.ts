/**
 * The server key from a file, options from the environment (flag > environment > default),
 * `--strict` exit codes, and colour only where asked for.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { cardOrder, chargeResponse, notificationPayload } from '@paystate/adapters/testing';
import { run } from '../src/main';
import type { Io } from '../src/io';
import { colourTable, shouldColour } from '../src/colour';
import { serverKeyOf } from '../src/serverKey';
import { serveWith } from '../src/serve';
import { cleanEnv, runPaystate } from '../../adapters/test/http/support/http';

const KEY = 'SB-Mid-server-CLI-OPTIONS-7f3a';
const order = cardOrder('opts', 1, KEY);
const lines = [
  chargeResponse(order),
  { kind: 'notification', payload: notificationPayload(order, 'capture') },
  { kind: 'notification', payload: notificationPayload({ ...order, serverKey: 'forged' }, 'settlement') },
].map((l) => JSON.stringify(l));

let dir: string;
let log: string;
let clean: string;
let keyFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'paystate-options-'));
  log = join(dir, 'log.ndjson');
  writeFileSync(log, lines.join('\n') + '\n');
  clean = join(dir, 'clean.ndjson');
  writeFileSync(clean, lines.slice(0, 2).join('\n') + '\n');
  keyFile = join(dir, 'key');
  writeFileSync(keyFile, `${KEY}\n`, { mode: 0o600 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ioWith = (env: Record<string, string>, isTTY = false) => {
  const out = { stdout: '', stderr: '' };
  const io: Io = { stdout: (s) => void (out.stdout += s), stderr: (s) => void (out.stderr += s), readStdin: () => '', env, isTTY: { stdout: isTTY, stderr: isTTY } };
  return { io, out };
};

const runWith = async (argv: readonly string[], env: Record<string, string> = {}, isTTY = false) => {
  const { io, out } = ioWith(env, isTTY);
  const code = await run(argv, io);
  return { code, ...out };
};

describe('the server key', () => {
  const read = (files: Record<string, string>) => (path: string) => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    return text;
  };
  test.each([
    [{ 'server-key': 'flag' }, { MIDTRANS_SERVER_KEY: 'env', MIDTRANS_SERVER_KEY_FILE: '/env-file' }, 'flag'],
    [{ 'server-key-file': '/flag-file' }, { MIDTRANS_SERVER_KEY: 'env', MIDTRANS_SERVER_KEY_FILE: '/env-file' }, 'from-flag-file'],
    [{}, { MIDTRANS_SERVER_KEY: 'env', MIDTRANS_SERVER_KEY_FILE: '/env-file' }, 'env'],
    [{}, { MIDTRANS_SERVER_KEY: '', MIDTRANS_SERVER_KEY_FILE: '/env-file' }, 'from-env-file'],
    [{}, {}, undefined],
  ])('options %j, environment %j: %s', (values, env, expected) => {
    expect(serverKeyOf(values, env, read({ '/flag-file': ' from-flag-file\n', '/env-file': 'from-env-file\r\n' }))).toEqual(E.right(expected));
  });

  test.each([
    [{ 'server-key': 'a', 'server-key-file': '/f' }, {}, 'pass --server-key or --server-key-file, not both'],
    [{ 'server-key-file': '/missing' }, {}, '--server-key-file: cannot read /missing: no such file'],
    [{ 'server-key-file': '/blank' }, {}, '--server-key-file: /blank is empty'],
    [{}, { MIDTRANS_SERVER_KEY_FILE: '/missing' }, 'MIDTRANS_SERVER_KEY_FILE: cannot read /missing: no such file'],
  ])('options %j, environment %j: a usage error naming the file, never its content', (values, env, message) => {
    const r = serverKeyOf(values, env, read({ '/blank': '  \n' }));
    expect(E.isLeft(r) && r.left.message).toBe(message);
  });

  test('replay verifies signatures with the key from --server-key-file or MIDTRANS_SERVER_KEY_FILE', async () => {
    for (const [argv, env] of [
      [['replay', '--format', 'json', '--server-key-file', keyFile, clean], {}],
      [['replay', '--format', 'json', clean], { MIDTRANS_SERVER_KEY_FILE: keyFile }],
    ] as const) {
      const r = await runWith(argv, env);
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect((JSON.parse(r.stdout) as { events: { outcome: string }[] }).events.map((e) => e.outcome)).toEqual(['applied', 'applied']);
      expect(r.stdout).not.toContain(KEY);
    }
    const without = await runWith(['replay', '--format', 'json', clean]);
    expect((JSON.parse(without.stdout) as { events: { outcome: string }[] }).events.map((e) => e.outcome)).toEqual(['applied', 'rejected']);
  });

  test('serve refuses to start without a key, naming the environment and the file option', async () => {
    const r = await runWith(['serve', '--store', 'memory:', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('paystate serve: no server key: set MIDTRANS_SERVER_KEY, or pass --server-key-file PATH (or set MIDTRANS_SERVER_KEY_FILE)\n');
  });
});

describe('serve: --port > PORT > 8080, --host > HOST > 127.0.0.1', () => {
  const serveOnce = async (argv: readonly string[], env: Record<string, string>) => {
    const { io, out } = ioWith({ MIDTRANS_SERVER_KEY_FILE: keyFile, ...env });
    const r = await serveWith(() => Promise.resolve('SIGTERM'))(argv, io);
    return { r, ...out };
  };
  test('PORT and HOST are used when no option is given', async () => {
    const s = await serveOnce(['--store', 'memory:'], { PORT: '0', HOST: 'localhost' });
    expect(s.r).toEqual(E.right(0));
    expect(s.stdout).toMatch(/^listening on http:\/\/localhost:(\d+)\n/);
    expect(s.stdout).not.toMatch(/:8080\n/);
  });
  test('the options win over the environment', async () => {
    const s = await serveOnce(['--store', 'memory:', '--port', '0', '--host', '127.0.0.1'], { PORT: 'not-a-port', HOST: 'localhost' });
    expect(s.r).toEqual(E.right(0));
    expect(s.stdout).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n/);
  });
  test('a bad PORT is a usage error naming PORT', async () => {
    const s = await serveOnce(['--store', 'memory:'], { PORT: '70000' });
    expect(E.isLeft(s.r) && s.r.left.message).toBe('PORT must be an integer 0..65535, got "70000"');
  });
});

describe('serve: the connection bounds from flags or PAYSTATE_* variables', () => {
  const serveOnce = async (argv: readonly string[], env: Record<string, string>) => {
    const { io } = ioWith({ MIDTRANS_SERVER_KEY_FILE: keyFile, ...env });
    return serveWith(() => Promise.resolve('SIGTERM'))(['--store', 'memory:', '--port', '0', ...argv], io);
  };
  test('valid bounds start the server', async () => {
    expect(await serveOnce(['--max-connections', '10', '--headers-timeout-ms', '2000'], { PAYSTATE_REQUEST_TIMEOUT_MS: '3000' })).toEqual(E.right(0));
  });
  test.each([
    [['--max-connections', '0'], {}, '--max-connections must be a positive integer, got "0"'],
    [['--headers-timeout-ms', '1.5'], {}, '--headers-timeout-ms must be a positive integer, got "1.5"'],
    [[], { PAYSTATE_REQUEST_TIMEOUT_MS: 'soon' }, 'PAYSTATE_REQUEST_TIMEOUT_MS must be a positive integer, got "soon"'],
  ])('%j %j is a usage error', async (argv, env, message) => {
    const r = await serveOnce(argv, env);
    expect(E.isLeft(r) && r.left.message).toBe(message);
  });
});

describe('--strict', () => {
  test('replay: exit 0 with a rejected observation, 1 with --strict', async () => {
    const plain = await runWith(['replay', log], { MIDTRANS_SERVER_KEY: KEY });
    const strict = await runWith(['replay', '--strict', log], { MIDTRANS_SERVER_KEY: KEY });
    expect([plain.code, strict.code]).toEqual([0, 1]);
    expect(strict.stdout).toBe(plain.stdout);
    const cleanStrict = await runWith(['replay', '--strict', clean], { MIDTRANS_SERVER_KEY: KEY });
    expect(cleanStrict.code).toBe(0);
  });

  test('verify: exit 0 on an unchanged store, 1 with --strict when something was rejected', async () => {
    const store = `sqlite:${join(dir, 'strict.db')}`;
    const cleanStore = `sqlite:${join(dir, 'clean.db')}`;
    expect((await runWith(['ingest', '--store', store, log], { MIDTRANS_SERVER_KEY: KEY })).code).toBe(0);
    expect((await runWith(['ingest', '--store', cleanStore, clean], { MIDTRANS_SERVER_KEY: KEY })).code).toBe(0);
    const plain = await runWith(['verify', '--store', store]);
    const strict = await runWith(['verify', '--strict', '--store', store]);
    expect([plain.code, plain.stderr]).toEqual([0, '']);
    expect([strict.code, strict.stderr]).toEqual([1, 'paystate verify: --strict: 1 observation rejected or illegal\n']);
    expect((await runWith(['verify', '--strict', '--store', cleanStore])).code).toBe(0);
  });
});

describe('colour', () => {
  test.each([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [false, { FORCE_COLOR: '1' }, true],
    [true, { FORCE_COLOR: '0' }, false],
    [false, { FORCE_COLOR: '1', NO_COLOR: '1' }, false],
  ])('a terminal: %s, environment %j: colour %s', (tty, env, expected) => {
    expect(shouldColour(tty, env)).toBe(expected);
  });

  test('the outcome cells are coloured, nothing else changes', () => {
    const table = ['#  kind  outcome  reason', '0  x     applied  why', '1  y     rejected  a rejected thing', '', 'order 1: applied'].join('\n');
    const painted = colourTable(table, true);
    expect(painted.replace(/\u001b\[[\d;]*m/g, '')).toBe(table);
    expect(painted.split('\n')[1]).toContain('\u001b[32mapplied\u001b[0m');
    expect(painted.split('\n')[2]).toBe('1  y     \u001b[1;31mrejected\u001b[0m  a rejected thing');
    expect(painted.split('\n')[4]).toBe('order 1: applied');
    expect(colourTable(table, false)).toBe(table);
  });

  test('in process: colour on a terminal, none with NO_COLOR', async () => {
    const tty = await runWith(['replay', log], { MIDTRANS_SERVER_KEY: KEY }, true);
    const noColour = await runWith(['replay', log], { MIDTRANS_SERVER_KEY: KEY, NO_COLOR: '1' }, true);
    expect(tty.stdout).toContain('\u001b[');
    expect(noColour.stdout).not.toContain('\u001b[');
  });

  test('a real process whose output is a pipe writes no escape sequences', async () => {
    const env = cleanEnv({ MIDTRANS_SERVER_KEY: KEY });
    delete env['FORCE_COLOR'];
    const r = await runPaystate(['replay', log], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('rejected');
    expect(r.stdout + r.stderr).not.toContain('\u001b');
  });
});
