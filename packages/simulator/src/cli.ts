/**
 * The `midtrans-simulator` command: runs the local Midtrans sandbox until interrupted and prints
 * where it listens. `paystate simulator` runs this same command. Exit codes: 0 after a stop, 1 when
 * the simulator cannot start, 2 for a usage error (one line on stderr).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseChaos } from './chaos';
import { isLeft, left, right, type Either } from './either';
import { startSimulator, type RunningSimulator, type StartSimulatorOptions } from './server';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/** Where the command writes and what environment it reads. */
export interface CommandIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Resolves when the running simulator should stop (SIGINT or SIGTERM unless replaced). */
export type StopSignal = (running: RunningSimulator) => Promise<void>;

export interface SimulatorCommandOptions {
  /** The name in usage lines and messages (default `midtrans-simulator`). */
  readonly program?: string;
  readonly stop?: StopSignal;
}

/** What the command line asks for. */
export type SimulatorInvocation =
  | { readonly _tag: 'Help' }
  | { readonly _tag: 'Version' }
  | { readonly _tag: 'Start'; readonly options: StartSimulatorOptions & { readonly serverKey: string } };

/** The default key matches paystate's test fixtures; pass --server-key (or MIDTRANS_SERVER_KEY) for another. */
export const DEFAULT_SERVER_KEY = 'SB-Mid-server-TEST';

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

// -------------------------------------------------------------------------------------------------
// help and version
// -------------------------------------------------------------------------------------------------

/** The `--help` text. */
export const simulatorHelp = (program = 'midtrans-simulator'): string => `usage: ${program} [options]

A local Midtrans sandbox for card payments: the Core API (charge, status, approve, deny, cancel,
expire, refund, capture), the sandbox test cards, a 3DS page, signed notifications with Midtrans'
retry policy, seeded chaos on the notifications, and a simulated clock you advance.
Runs on 127.0.0.1 until interrupted (Ctrl-C, SIGTERM).

options:
  --port N            the port (default 0: a free one; the "listening on" line names it)
  --notify-url URL    where notifications are POSTed; none are sent without it
  --server-key-file PATH
                      a file holding the key requests authenticate with and notifications
                      are signed with (default: $MIDTRANS_SERVER_KEY, else the file
                      $MIDTRANS_SERVER_KEY_FILE, else ${DEFAULT_SERVER_KEY})
  --server-key KEY    the key itself (a command line shows in ps and the shell history)
  --seed N            seeds identifiers and chaos: one seed, one history (default 1)
  --chaos KINDS       duplicate,delay,reorder,drop (any of them), all, or none (default none)
  --chaos-rate P      the probability of each enabled kind per notification, 0 to 1 (default 0.2)
  --start ISO         the simulated clock's start (default: now)
  -h, --help          this help
  --version           the version

examples:
  ${program} --port 4010 --notify-url http://127.0.0.1:8080/notifications
  ${program} --port 4010 --chaos all --chaos-rate 0.3 --seed 7 --start 2024-05-14T03:00:00Z

control endpoints (no auth): GET /_sim/clock, POST /_sim/clock {"advance_ms": N} or {"to": ISO},
POST /_sim/reset, GET /_sim/notifications, GET /_sim/transactions/ORDER_ID

exit codes: 0 stopped, 1 could not start (e.g. the port is taken), 2 usage error
`;

/** This package's version, from its package.json (one folder up from src/ and from dist/). */
export const simulatorVersion = (): string => (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

// -------------------------------------------------------------------------------------------------
// parsing
// -------------------------------------------------------------------------------------------------

const integer = (name: string, value: string | undefined, min: number, max: number): Either<string, number | undefined> => {
  if (value === undefined) return right(undefined);
  const n = Number(value);
  return Number.isInteger(n) && n >= min && n <= max && value.trim() !== '' ? right(n) : left(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
};

const httpUrl = (value: string | undefined): Either<string, string | undefined> => {
  if (value === undefined) return right(undefined);
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:' ? right(value) : left(`--notify-url must be an http(s) URL, got "${value}"`);
  } catch {
    return left(`--notify-url must be a URL, got "${value}"`);
  }
};

/** node:util's message on one line, without its advice on `--option=-value` spelling. */
const parseArgsMessage = (e: unknown): string => {
  const m = typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : String(e);
  return m.replace(/\.?\s*To specify .*$/s, '').replace(/\s*\n\s*/g, ' ');
};

const OPTIONS = {
  port: { type: 'string' },
  'notify-url': { type: 'string' },
  'server-key': { type: 'string' },
  'server-key-file': { type: 'string' },
  seed: { type: 'string' },
  chaos: { type: 'string' },
  'chaos-rate': { type: 'string' },
  start: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

/** A key file's content without surrounding whitespace; the message names the file, never its content. */
const keyFromFile = (from: string, path: string, read: (path: string) => string): Either<string, string> => {
  let text: string;
  try {
    text = read(path).trim();
  } catch (e) {
    return left(`${from}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  return text === '' ? left(`${from}: ${path} is empty`) : right(text);
};

/** --server-key, --server-key-file, MIDTRANS_SERVER_KEY, MIDTRANS_SERVER_KEY_FILE, else the default: first found wins. */
const serverKeyOf = (flag: string | undefined, file: string | undefined, env: CommandIo['env'], read: (path: string) => string): Either<string, string> => {
  if (flag !== undefined && file !== undefined) return left('pass --server-key or --server-key-file, not both');
  if (flag !== undefined) return flag === '' ? left('--server-key must not be empty') : right(flag);
  if (file !== undefined) return keyFromFile('--server-key-file', file, read);
  const fromEnv = env['MIDTRANS_SERVER_KEY'];
  if (fromEnv !== undefined && fromEnv !== '') return right(fromEnv);
  const envFile = env['MIDTRANS_SERVER_KEY_FILE'];
  if (envFile !== undefined && envFile !== '') return keyFromFile('MIDTRANS_SERVER_KEY_FILE', envFile, read);
  return right(DEFAULT_SERVER_KEY);
};

/** Reads the command line (and MIDTRANS_SERVER_KEY or its file); a usage error is a one-line message. */
export const parseSimulatorArgs = (
  argv: readonly string[],
  env: CommandIo['env'],
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): Either<string, SimulatorInvocation> => {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    return left(parseArgsMessage(e));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return right({ _tag: 'Help' });
  if (values.version === true) return right({ _tag: 'Version' });
  if (positionals.length > 0) return left(`no arguments expected, got "${positionals[0]}"`);
  const port = integer('port', values.port, 0, 65535);
  if (isLeft(port)) return port;
  const seed = integer('seed', values.seed, 0, 2 ** 32 - 1);
  if (isLeft(seed)) return seed;
  const notifyUrl = httpUrl(values['notify-url']);
  if (isLeft(notifyUrl)) return notifyUrl;
  const chaos = parseChaos(values.chaos);
  if (isLeft(chaos)) return chaos;
  const rateText = values['chaos-rate'];
  const rate = rateText === undefined ? undefined : Number(rateText);
  if (rate !== undefined && !(rate >= 0 && rate <= 1 && rateText!.trim() !== '')) return left(`--chaos-rate must be between 0 and 1, got "${rateText}"`);
  const start = values.start;
  if (start !== undefined && Number.isNaN(Date.parse(start))) return left(`--start must be an ISO time, got "${start}"`);
  const serverKey = serverKeyOf(values['server-key'], values['server-key-file'], env, read);
  if (isLeft(serverKey)) return serverKey;
  return right({
    _tag: 'Start',
    options: {
      serverKey: serverKey.right,
      chaos: chaos.right,
      ...(port.right !== undefined ? { port: port.right } : {}),
      ...(seed.right !== undefined ? { seed: seed.right } : {}),
      ...(notifyUrl.right !== undefined ? { notifyUrl: notifyUrl.right } : {}),
      ...(rate !== undefined ? { chaosRate: rate } : {}),
      ...(start !== undefined ? { startAt: start } : {}),
    },
  });
};

// -------------------------------------------------------------------------------------------------
// running
// -------------------------------------------------------------------------------------------------

/** SIGINT or SIGTERM, whichever comes first. */
const untilSignal: StopSignal = () =>
  new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Runs the command with `argv` (the arguments after the command's name); resolves to the exit code. */
export const simulatorCommand = async (argv: readonly string[], io: CommandIo, options: SimulatorCommandOptions = {}): Promise<number> => {
  const program = options.program ?? 'midtrans-simulator';
  const invocation = parseSimulatorArgs(argv, io.env);
  if (isLeft(invocation)) {
    io.stderr(`${program}: ${invocation.left}\n`);
    return EXIT_USAGE;
  }
  const inv = invocation.right;
  if (inv._tag === 'Help') {
    io.stdout(simulatorHelp(program));
    return EXIT_OK;
  }
  if (inv._tag === 'Version') {
    io.stdout(`${simulatorVersion()}\n`);
    return EXIT_OK;
  }
  const o = inv.options;
  let running: RunningSimulator;
  try {
    running = await startSimulator(o);
  } catch (e) {
    io.stderr(`${program}: cannot listen on 127.0.0.1:${o.port ?? 0}: ${messageOf(e)}\n`);
    return EXIT_FAILED;
  }
  io.stdout(`listening on ${running.url}\n`);
  io.stdout(
    `notifications: ${o.notifyUrl ?? 'none (pass --notify-url)'}; chaos: ${o.chaos !== undefined && o.chaos.length > 0 ? o.chaos.join(',') : 'none'}; seed: ${o.seed ?? 1}\n` +
      `clock: ${running.now().toISOString()}; advance with POST ${running.url}/_sim/clock {"advance_ms": N}; truth: GET ${running.url}/_sim/transactions/ORDER_ID\n`,
  );
  await (options.stop ?? untilSignal)(running);
  await running.close();
  return EXIT_OK;
};

/** Runs the command line of this process and sets its exit code. */
export const main = (argv: readonly string[] = process.argv.slice(2)): Promise<void> =>
  simulatorCommand(argv, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      // The outermost edge: anything unexpected is still one line.
      process.stderr.write(`midtrans-simulator: ${messageOf(e)}\n`);
      process.exitCode = EXIT_FAILED;
    },
  );
// The simulator's types, which the command's options and results name.
export type * from './index';
