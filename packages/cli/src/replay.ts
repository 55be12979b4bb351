/** `paystate replay`: explains a log of Midtrans observations without a store or a network. */
import * as E from 'fp-ts/lib/Either.js';
import { readReplayInput, renderTable, replayLines } from '@paystate/adapters';
import { oneOf, parse, readInput, UsageError } from './args';
import type { Io } from './io';
import { colourOn, colourTable, strictFailures } from './colour';
import { SERVER_KEY_OPTIONS, serverKeyOf } from './serverKey';

export const replay = (argv: readonly string[], io: Io): E.Either<UsageError, number> => {
  const args = parse(argv, { ...SERVER_KEY_OPTIONS, format: { type: 'string' }, strict: { type: 'boolean' } });
  if (E.isLeft(args)) return args;
  const { values, positionals } = args.right;
  if (positionals.length > 1) return E.left(new UsageError(`replay takes one FILE (or -), got ${positionals.length}`));
  const format = oneOf('format', values.format as string | undefined, ['table', 'json'] as const, 'table');
  if (E.isLeft(format)) return format;
  const text = readInput(positionals[0], io);
  if (E.isLeft(text)) return text;
  const key = serverKeyOf(values, io.env);
  if (E.isLeft(key)) return key;
  const result = replayLines(readReplayInput(text.right, { serverKey: key.right }).lines);
  io.stdout(format.right === 'json' ? JSON.stringify(result.report, null, 2) + '\n' : colourTable(renderTable(result), colourOn(io, 'stdout')));
  return E.right(values.strict === true && strictFailures(result.report) > 0 ? 1 : 0);
};
