/** The `midtrans-simulator` command: in process with an injected Io, and as a real process from the sources. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { parseSimulatorArgs, simulatorCommand, simulatorHelp, simulatorVersion } from '../src/cli';
import { spawnListening, stopProcess } from '../../cli/src/processes';
import { basicAuth, call, chargeBody, CARDS, KEY, tokenQuery } from './support';

const DEV = join(__dirname, '..', 'bin', 'dev.cjs');
const VERSION = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

const capture = (env: Record<string, string> = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s), env } };
};

describe('midtrans-simulator (in process)', () => {
  it('prints where it listens, serves until stopped, and exits 0', async () => {
    const c = capture();
    let seen: number | undefined;
    const code = await simulatorCommand(['--port', '0', '--seed', '3', '--chaos', 'drop,delay'], c.io, {
      stop: async (r) => {
        seen = (await fetch(`${r.url}/v2/x/status`, { headers: { authorization: basicAuth('SB-Mid-server-TEST') } })).status;
      },
    });
    expect(code).toBe(0);
    expect(c.out[0]).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    expect(c.out[1]).toContain('chaos: drop,delay; seed: 3');
    expect(seen).toBe(200);
    expect(c.err).toEqual([]);
  });

  it('takes the server key from MIDTRANS_SERVER_KEY when no --server-key is given, and never prints it', async () => {
    const c = capture({ MIDTRANS_SERVER_KEY: KEY });
    const statuses: number[] = [];
    await simulatorCommand(['--port', '0'], c.io, {
      stop: async (r) => {
        for (const key of [KEY, 'SB-Mid-server-TEST'])
          statuses.push((await fetch(`${r.url}/v2/x/status`, { headers: { authorization: basicAuth(key) } })).status);
      },
    });
    expect(statuses).toEqual([200, 401]);
    expect(c.out.join('')).not.toContain(KEY);
  });

  it.each([
    [['--port', 'x'], '--port must be a whole number'],
    [['--port', '70000'], '--port must be a whole number'],
    [['--chaos', 'explode'], '--chaos: unknown kind "explode"'],
    [['--chaos-rate', '2'], '--chaos-rate must be between 0 and 1'],
    [['--notify-url', 'ftp://x'], '--notify-url must be an http(s) URL'],
    [['--notify-url', 'nowhere'], '--notify-url must be a URL'],
    [['--seed=-1'], '--seed must be a whole number'],
    [['--seed', '-1'], "Option '--seed' argument is ambiguous"],
    [['--start', 'yesterday'], '--start must be an ISO time'],
    [['--server-key', ''], '--server-key must not be empty'],
    [['--verbose'], "Unknown option '--verbose'"],
    [['extra'], 'no arguments expected, got "extra"'],
  ])('%j is a usage error: one line on stderr naming the program, exit 2', async (argv, message) => {
    expect(E.isLeft(parseSimulatorArgs(argv, {}))).toBe(true);
    const c = capture();
    const code = await simulatorCommand(argv, c.io, { program: 'sim', stop: async () => undefined });
    expect(code).toBe(2);
    expect(c.out).toEqual([]);
    expect(c.err).toHaveLength(1);
    expect(c.err[0]).toMatch(/^sim: .*\n$/);
    expect(c.err[0]).toContain(message);
  });

  it('--help prints the usage line, every option and examples under the program name; --version the package version', async () => {
    const c = capture();
    expect(await simulatorCommand(['--help'], c.io)).toBe(0);
    expect(c.out.join('')).toBe(simulatorHelp());
    const help = simulatorHelp('paystate simulator');
    expect(help.split('\n')[0]).toBe('usage: paystate simulator [options]');
    for (const option of ['--port', '--notify-url', '--server-key', '--seed', '--chaos', '--chaos-rate', '--start', '--help', '--version'])
      expect(help).toMatch(new RegExp(`\\n {2}(-h, )?${option} `));
    expect(help).toMatch(/examples:\n {2}paystate simulator --port 4010 --notify-url /);
    expect(simulatorVersion()).toBe(VERSION);
    const v = capture();
    expect(await simulatorCommand(['--version'], v.io)).toBe(0);
    expect(v.out).toEqual([`${VERSION}\n`]);
  });

  it('a port already taken is a failure (exit 1), one line', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as { port: number }).port;
      const c = capture();
      expect(await simulatorCommand(['--port', String(port)], c.io, { stop: async () => undefined })).toBe(1);
      expect(c.err).toHaveLength(1);
      expect(c.err[0]).toContain(`cannot listen on 127.0.0.1:${port}`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('midtrans-simulator (a real process, from the sources)', () => {
  it('--version and --help', () => {
    const version = spawnSync(process.execPath, [DEV, '--version'], { encoding: 'utf8', timeout: 30_000 });
    expect([version.status, version.stdout, version.stderr]).toEqual([0, `${VERSION}\n`, '']);
    const help = spawnSync(process.execPath, [DEV, '--help'], { encoding: 'utf8', timeout: 30_000 });
    expect([help.status, help.stdout, help.stderr]).toEqual([0, simulatorHelp(), '']);
    const bad = spawnSync(process.execPath, [DEV, '--port', 'x'], { encoding: 'utf8', timeout: 30_000 });
    expect([bad.status, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr).toMatch(/^midtrans-simulator: --port must be a whole number from 0 to 65535, got "x"\n$/);
  });

  it('--port 0: prints where it listens, answers a charge, and stops on SIGTERM with exit 0', async () => {
    const p = await spawnListening([DEV, '--port', '0', '--server-key', KEY], { timeoutMs: 30_000 });
    try {
      const token = (await call(p.url, 'GET', `/v2/token?${new URLSearchParams(tokenQuery(CARDS.accept)).toString()}`)).body['token_id'] as string;
      const charged = await call(p.url, 'POST', '/v2/charge', chargeBody('cli-1', token));
      expect(charged.body).toMatchObject({ status_code: '200', order_id: 'cli-1', transaction_status: 'capture', fraud_status: 'accept' });
    } finally {
      expect(await stopProcess(p)).toEqual({ code: 0, signal: null });
    }
    expect(p.stderr()).toBe('');
  });
});
