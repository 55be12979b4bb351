/** A paystate subcommand: how it is called, its `--help`, and what it runs. */
import type * as E from 'fp-ts/lib/Either.js';
import type { UsageError } from './args';
import type { Io } from './io';

/** Runs with the arguments after the command's name; a usage error is a value, anything else an exit code (0 ok, 1 failed). */
export type Command = (argv: readonly string[], io: Io) => E.Either<UsageError, number> | Promise<E.Either<UsageError, number>>;

export interface CommandSpec {
  /** The arguments after the command's name, for the usage line (`[--format table|json] [FILE|-]`). */
  readonly synopsis: string;
  /** One line for `paystate --help`. */
  readonly summary: string;
  /** The full `paystate COMMAND --help` text (a function: producing it loads nothing else). */
  readonly help: () => string;
  readonly run: Command;
}

export interface HelpText {
  readonly name: string;
  readonly synopsis: string;
  /** What the command does, a few lines. */
  readonly about: string;
  /** Arguments and options: the flag (or argument) and what it means. */
  readonly options: readonly (readonly [string, string])[];
  readonly examples: readonly string[];
  /** Environment variables the command reads: the variable and what it sets. */
  readonly environment?: readonly (readonly [string, string])[];
  /** The exit codes, when they say more than `0 ok, 1 failed, 2 usage error`. */
  readonly exitCodes?: string;
}

export const EXIT_CODES = '0 ok, 1 failed, 2 usage error';

/** Formats a command's help: usage line, description, options, examples. */
export const helpText = (h: HelpText): string => {
  const all: readonly (readonly [string, string])[] = [...h.options, ['-h, --help', 'this help']];
  const env = h.environment ?? [];
  const width = Math.max(...[...all, ...env].map(([flag]) => flag.length)) + 2;
  const rows = (list: readonly (readonly [string, string])[]) => list.map(([flag, what]) => `  ${flag.padEnd(width)}${what.replace(/\n/g, `\n  ${' '.repeat(width)}`)}`);
  const options = rows(all);
  return [
    `usage: paystate ${h.name} ${h.synopsis}`.trimEnd(),
    '',
    h.about,
    '',
    'options:',
    ...options,
    '',
    h.examples.length === 1 ? 'example:' : 'examples:',
    ...h.examples.map((e) => `  ${e}`),
    '',
    ...(env.length === 0 ? [] : ['environment (an option given on the command line wins):', ...rows(env), '']),
    `exit codes: ${h.exitCodes ?? EXIT_CODES}`,
    '',
  ].join('\n');
};

/** The `--store` option's line, shared by serve, ingest and inspect. */
export const STORE_HELP: readonly [string, string] = ['--store URL', 'sqlite:FILE, postgres://USER@HOST/DB or memory:\n(default: $PAYSTATE_STORE, else sqlite:paystate.db in the working directory)'];
