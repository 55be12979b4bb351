/** `paystate replay`: explains a log of Midtrans observations without a store or a network. */
import * as E from 'fp-ts/lib/Either.js';
import { readReplayInput, renderTable, replayLines } from '@paystate/adapters';
import { oneOf, parse, readInput, UsageError } from './args';
import type { Io } from './io';

export const replay = (argv: readonly string[], io: Io): E.Either<UsageError, number> => {
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
