/**
 * The `paystate` command line. Each subcommand returns an exit code: 0 ok, 1 failed, 2 usage
 * error. Errors become one line on stderr, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { COMMANDS } from './commands';
import { processIo, type Io } from './io';

export type { Io } from './io';

export { COMMANDS } from './commands';

const usage = (): string =>
  [
    'usage: paystate <command> [options]',
    '       paystate <command> --help',
    '       paystate --version',
    '',
    'commands:',
    ...Object.entries(COMMANDS).flatMap(([name, c]) => [`  ${name} ${c.synopsis}`, `      ${c.summary}`]),
    '',
    '  --store sqlite:FILE|postgres://...  defaults to $PAYSTATE_STORE, else sqlite:paystate.db',
    '  the server key comes from --server-key or MIDTRANS_SERVER_KEY',
    '',
    'exit codes: 0 ok, 1 failed, 2 usage error',
    '',
  ].join('\n');

/** The version of this package (package.json is one folder up from src/ and from dist/). */
export const version = (): string => (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

const HELP = new Set(['--help', '-h']);

/** Whether the arguments ask for help (before any `--`, after which everything is an argument). */
const asksForHelp = (argv: readonly string[]): boolean => {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => HELP.has(a));
};

/** Runs the command line; resolves to the exit code. */
export const run = async (argv: readonly string[], io: Io): Promise<number> => {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr(usage());
    return 2;
  }
  if (name === '--version') {
    io.stdout(`${version()}\n`);
    return 0;
  }
  if (HELP.has(name) || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic === undefined) {
      io.stdout(usage());
      return 0;
    }
    const c = COMMANDS[topic];
    if (c === undefined) {
      io.stderr(`paystate: no command "${topic}" (try: ${Object.keys(COMMANDS).join(', ')})\n`);
      return 2;
    }
    io.stdout(c.help());
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr(`paystate: unknown command "${name}" (try: ${Object.keys(COMMANDS).join(', ')})\n`);
    return 2;
  }
  if (asksForHelp(rest)) {
    io.stdout(command.help());
    return 0;
  }
  try {
    const result = await command.run(rest, io);
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
export const main = (argv: readonly string[] = process.argv.slice(2)): Promise<void> =>
  run(argv, processIo()).then((code) => {
    process.exitCode = code;
  });

if (require.main === module) void main();
