/** `--help` on every subcommand, `paystate --help`, `--version` and the exit codes: in process, then as real processes. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, run } from '../src/main';
import type { Io } from '../src/io';
import { paystateArgv, spawnListening, stopProcess } from '../src/processes';

const VERSION = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

const runIn = async (argv: readonly string[]) => {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), readStdin: () => '', env: {} };
  const code = await run(argv, io);
  return { code, stdout, stderr };
};

/** Every option each command's parser accepts: its help must name them all. */
const OPTIONS: Record<string, readonly string[]> = {
  replay: ['--server-key', '--server-key-file', '--format', '--strict'],
  diagram: ['--machine', '--format'],
  serve: ['--store', '--port', '--host', '--server-key', '--server-key-file'],
  ingest: ['--store', '--server-key', '--server-key-file', '--progress'],
  inspect: ['--store', '--format'],
  simulator: ['--port', '--notify-url', '--server-key', '--server-key-file', '--seed', '--chaos', '--chaos-rate', '--start', '--version'],
  demo: ['--dir', '--copies', '--seed', '--chaos'],
  verify: ['--store', '--format', '--server-key', '--server-key-file', '--strict'],
  migrate: ['--store'],
  reconcile: ['--store', '--core-api', '--server-key', '--server-key-file', '--interval-ms', '--concurrency', '--lease-ms', '--timeout-ms', '--base-backoff-ms', '--max-backoff-ms', '--log-level', '--log-format'],
};

describe('paystate --help and --version (in process)', () => {
  test('the commands are the documented ten', () => {
    expect(Object.keys(COMMANDS).sort()).toEqual(Object.keys(OPTIONS).sort());
  });

  test.each(Object.keys(OPTIONS))('paystate %s --help: a usage line, every option, an example; exit 0', async (name) => {
    for (const argv of [[name, '--help'], [name, '-h'], ['help', name], [name, '--format', 'nonsense', '--help']]) {
      const r = await runIn(argv);
      expect([r.code, r.stderr]).toEqual([0, '']);
      const lines = r.stdout.split('\n');
      expect(lines[0]).toMatch(new RegExp(`^usage: paystate ${name}( |$)`));
      expect(r.stdout).toContain('\noptions:\n');
      for (const option of [...OPTIONS[name]!, '--help']) expect(r.stdout).toMatch(new RegExp(`\\n {2}(-h, )?${option} `));
      expect(r.stdout).toMatch(new RegExp(`\\nexamples?:\\n {2}(\\S+=\\S+ )?paystate ${name}( |\\n)`));
      expect(r.stdout).not.toMatch(/shared|\.\.\//);
    }
  });

  test('paystate --help lists every command with its synopsis; no command at all is the same text on stderr and exit 2', async () => {
    const help = await runIn(['--help']);
    expect([help.code, help.stderr]).toEqual([0, '']);
    expect(help.stdout.split('\n')[0]).toBe('usage: paystate <command> [options]');
    for (const [name, c] of Object.entries(COMMANDS)) expect(help.stdout).toContain(`\n  ${name} ${c.synopsis}\n      ${c.summary}\n`);
    expect(help.stdout).toContain('exit codes: 0 ok, 1 failed, 2 usage error');
    expect(await runIn(['-h'])).toEqual(help);
    expect(await runIn(['help'])).toEqual(help);
    expect(await runIn([])).toEqual({ code: 2, stdout: '', stderr: help.stdout });
  });

  test('--version prints the package version', async () => {
    expect(await runIn(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  test.each([
    [['frobnicate'], 'paystate: unknown command "frobnicate"'],
    [['help', 'frobnicate'], 'paystate: no command "frobnicate"'],
    [['diagram', '--machine', 'x'], 'paystate diagram: --machine must be one of transaction|fraud'],
    [['simulator', '--port', 'x'], 'paystate simulator: --port must be a whole number from 0 to 65535, got "x"'],
    [['simulator', '--seed', '-1'], "paystate simulator: Option '--seed' argument is ambiguous"],
    [['demo', '--chaos', 'explode'], 'paystate demo: --chaos: unknown kind "explode"'],
    [['demo', 'extra'], 'paystate demo: demo takes no arguments, got "extra"'],
    [['serve', '--port'], "paystate serve: Option '--port <value>' argument missing"],
  ])('%j is a usage error: one line, exit 2', async (argv, message) => {
    const r = await runIn(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.endsWith('\n') && r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr).toContain(message);
  });

  test('a command that fails exits 1', async () => {
    const r = await runIn(['inspect', 'order-1', '--store', `sqlite:${join(__dirname, 'no-such-dir', 'none.db')}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^paystate inspect: no store at .*none\.db/);
  });

  test('paystate simulator --help is the simulator command\'s help under paystate\'s name', async () => {
    const r = await runIn(['simulator', '--help']);
    expect(r.stdout).toMatch(/^usage: paystate simulator \[options\]\n/);
    expect(r.stdout).toContain('\n  paystate simulator --port 4010 --notify-url ');
  });
});

describe('paystate as a real process', () => {
  test('--version, and a subcommand\'s --help', () => {
    const version = spawnSync(process.execPath, [...paystateArgv(['--version'])], { encoding: 'utf8', timeout: 30_000 });
    expect([version.status, version.stdout, version.stderr]).toEqual([0, `${VERSION}\n`, '']);
    const help = spawnSync(process.execPath, [...paystateArgv(['serve', '--help'])], { encoding: 'utf8', timeout: 30_000 });
    expect([help.status, help.stdout, help.stderr]).toEqual([0, COMMANDS['serve']!.help(), '']);
  });

  test('`paystate simulator --port 0` listens, answers, and stops on SIGTERM with exit 0', async () => {
    const p = await spawnListening(paystateArgv(['simulator', '--port', '0', '--server-key', 'SB-Mid-server-CLI']), { timeoutMs: 30_000 });
    try {
      const res = await fetch(`${p.url}/v2/none/status`, { headers: { authorization: `Basic ${Buffer.from('SB-Mid-server-CLI:').toString('base64')}` } });
      expect(((await res.json()) as Record<string, unknown>)['status_code']).toBe('404');
    } finally {
      expect(await stopProcess(p)).toEqual({ code: 0, signal: null });
    }
    expect(p.stderr()).toBe('');
  });
});
