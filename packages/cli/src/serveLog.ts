/**
 * The log of `paystate serve`: pino, one JSON object a line on stdout (or pretty lines on a
 * terminal), written together once per turn of the event loop. Card numbers and the server key are
 * masked by the library before anything reaches pino; the key itself is never given to it.
 */
import * as E from 'fp-ts/lib/Either.js';
import pino, { type Logger as PinoLogger } from 'pino';
import { UsageError } from './args';
import type { LineBuffer } from './serve';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** `--log-level`, else `$PAYSTATE_LOG_LEVEL`, else info. */
export const logLevelOf = (option: string | undefined, env: Readonly<Record<string, string | undefined>>): E.Either<UsageError, LogLevel> => {
  const value = option ?? (env['PAYSTATE_LOG_LEVEL'] === '' ? undefined : env['PAYSTATE_LOG_LEVEL']);
  if (value === undefined) return E.right('info');
  return (LOG_LEVELS as readonly string[]).includes(value)
    ? E.right(value as LogLevel)
    : E.left(new UsageError(`--log-level must be one of ${LOG_LEVELS.join('|')}, got "${value}"`));
};

/** `--log-format`, else pretty on a terminal and JSON lines otherwise. */
export const logFormatOf = (option: string | undefined, isTTY: boolean): E.Either<UsageError, LogFormat> => {
  if (option === undefined) return E.right(isTTY ? 'pretty' : 'json');
  return (LOG_FORMATS as readonly string[]).includes(option)
    ? E.right(option as LogFormat)
    : E.left(new UsageError(`--log-format must be one of ${LOG_FORMATS.join('|')}, got "${option}"`));
};

/**
 * A pino logger writing through `out`: JSON lines with the level's name and an ISO time (no pid or
 * hostname), or pino-pretty's lines (coloured unless `colour` is false).
 */
export const createServeLogger = (level: LogLevel, format: LogFormat, out: LineBuffer, colour: boolean): PinoLogger => {
  const pretty = format === 'pretty' ? (require('pino-pretty') as typeof import('pino-pretty')).prettyFactory({ colorize: colour, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }) : undefined;
  return pino(
    {
      level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write: (line: string) => out.push(pretty === undefined ? line : pretty(JSON.parse(line) as object)) },
  );
};
