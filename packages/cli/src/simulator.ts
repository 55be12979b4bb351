/**
 * `paystate simulator`: the `midtrans-simulator` command of @paystate/midtrans-simulator, under
 * paystate's name (same options, help and exit codes).
 */
import * as E from 'fp-ts/lib/Either.js';
import { simulatorCommand, simulatorHelp } from '@paystate/midtrans-simulator/cli';
import type { UsageError } from './args';
import type { Io } from './io';

const PROGRAM = 'paystate simulator';

export const simulator = async (argv: readonly string[], io: Io): Promise<E.Either<UsageError, number>> =>
  E.right(await simulatorCommand(argv, io, { program: PROGRAM }));

export const simulatorUsage = (): string => simulatorHelp(PROGRAM);
