/** `paystate diagram`: a state diagram generated from the machines. */
import * as E from 'fp-ts/lib/Either.js';
import { DIAGRAM_MACHINES, toDot, toMermaid } from '@paystate/engine';
import { oneOf, parse, UsageError } from './args';
import type { Io } from './io';
import { dotToSvg } from './svg';

export const diagram = async (argv: readonly string[], io: Io): Promise<E.Either<UsageError, number>> => {
  const args = parse(argv, { machine: { type: 'string' }, format: { type: 'string' } });
  if (E.isLeft(args)) return args;
  if (args.right.positionals.length > 0) return E.left(new UsageError(`diagram takes no arguments, got "${args.right.positionals[0]}"`));
  const machine = oneOf('machine', args.right.values.machine as string | undefined, ['transaction', 'fraud'] as const, 'transaction');
  if (E.isLeft(machine)) return machine;
  const format = oneOf('format', args.right.values.format as string | undefined, ['mermaid', 'dot', 'svg'] as const, 'mermaid');
  if (E.isLeft(format)) return format;
  const m = DIAGRAM_MACHINES.find((d) => d.name === machine.right)!.machine;
  if (format.right !== 'svg') {
    io.stdout(format.right === 'dot' ? toDot(m) : toMermaid(m));
    return E.right(0);
  }
  const svg = await dotToSvg(toDot(m));
  if (E.isLeft(svg)) {
    io.stderr(`paystate diagram: ${svg.left}\n`);
    return E.right(1);
  }
  io.stdout(svg.right);
  return E.right(0);
};
