/**
 * The `paystate` command line. Each subcommand returns an exit code; errors become one line on
 * stderr and a non-zero exit, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIAGRAM_MACHINES, toDot, toMermaid } from '@paystate/engine';
import * as E from 'fp-ts/lib/Either.js';
import { readReplayInput, renderTable, replayLines } from '@paystate/adapters';
import { oneOf, parse, readInput, UsageError } from './args';
import { demo } from './demo';
import { ingestCommand } from './ingestCommand';
import { inspect } from './inspect';
import { serve } from './serve';
import { simulator } from './simulator';

export interface Io {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly readStdin: () => string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const USAGE = `usage: paystate <command> [options]
       paystate --version

commands:
  replay [--server-key KEY] [--format table|json] [FILE|-]
      explain a log of Midtrans observations (NDJSON replay format, or a scenario file)
  diagram [--machine transaction|fraud] [--format mermaid|dot]
      print a state diagram generated from the machines
  demo
      record documented payment histories in the embedded store and explain them
  serve [--store URL] [--port N] [--host ADDR] [--server-key KEY]
      receive Midtrans notifications: POST /notifications (or /), GET /health
  ingest [--store URL] [--server-key KEY] [FILE|-]
      record a log of observations (NDJSON replay format, or a scenario file) into the store, in order
  inspect ORDER_ID [--store URL] [--format table|json]
      one order from the store: every observation with outcome and reason, state, answers, deadlines
  simulator [--port N] [--notify-url URL] [--server-key KEY] [--seed N] [--chaos duplicate,delay,reorder,drop] [--start ISO]
      run a local Midtrans sandbox: Core API, test cards, 3DS page, signed notifications, a clock to advance

  --store sqlite:FILE|postgres://...  defaults to $PAYSTATE_STORE, else sqlite:paystate.db
  the server key comes from --server-key or MIDTRANS_SERVER_KEY
`;


const replay = (argv: readonly string[], io: Io): E.Either<UsageError, number> => {
  const args = parse(argv, { 'server-key': { type: 'string' }, format: { type: 'string' } });
  if (E.isLeft(args)) return args;
  const { values, positionals } = args.right;
  if (positionals.length > 1) return E.left(new UsageError(`replay takes one FILE (or -), got ${positionals.length}`));
  const format = oneOf('format', values.format as string | undefined, ['table', 'json'] as const, 'table');
  if (E.isLeft(format)) return format;
  const text = readInput(positionals[0], io);
  if (E.isLeft(text)) return text;
  const serverKey = (values['server-key'] as string | undefined) ?? io.env['MIDTRANS_SERVER_KEY'];
  const result = replayLines(readReplayInput(text.right, { serverKey }).lines);
  io.stdout(format.right === 'json' ? JSON.stringify(result.report, null, 2) + '\n' : renderTable(result));
  return E.right(0);
};

const diagram = (argv: readonly string[], io: Io): E.Either<UsageError, number> => {
  const args = parse(argv, { machine: { type: 'string' }, format: { type: 'string' } });
  if (E.isLeft(args)) return args;
  if (args.right.positionals.length > 0) return E.left(new UsageError(`diagram takes no arguments, got "${args.right.positionals[0]}"`));
  const machine = oneOf('machine', args.right.values.machine as string | undefined, ['transaction', 'fraud'] as const, 'transaction');
  if (E.isLeft(machine)) return machine;
  const format = oneOf('format', args.right.values.format as string | undefined, ['mermaid', 'dot'] as const, 'mermaid');
  if (E.isLeft(format)) return format;
  const m = DIAGRAM_MACHINES.find((d) => d.name === machine.right)!.machine;
  io.stdout(format.right === 'dot' ? toDot(m) : toMermaid(m));
  return E.right(0);
};

export type Command = (argv: readonly string[], io: Io) => E.Either<UsageError, number> | Promise<E.Either<UsageError, number>>;

export const COMMANDS: Record<string, Command> = { replay, diagram, demo, serve, ingest: ingestCommand, inspect, simulator };

/** The package's version: src/ (under tsx) and dist/ (published) both sit beside its package.json. */
export const version = (): string => (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

/** Runs the command line; resolves to the exit code. */
export const run = async (argv: readonly string[], io: Io): Promise<number> => {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${version()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr(`paystate: unknown command "${name}" (try: ${Object.keys(COMMANDS).join(', ')})\n`);
    return 2;
  }
  try {
    const result = await command(rest, io);
    if (E.isRight(result)) return result.right;
    io.stderr(`paystate ${name}: ${result.left.message}\n`);
    return 2;
  } catch (e) {
    // The outermost edge: anything unexpected is still one line.
    io.stderr(`paystate ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
};

/** Runs the command line of this process and sets its exit code. */
export const main = (): Promise<void> => {
  const io: Io = {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readStdin: () => readFileSync(0, 'utf8'),
    env: process.env,
  };
  return run(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
};

if (require.main === module) void main();
