/**
 * `paystate simulator`: the `midtrans-simulator` command of @paystate/midtrans-simulator, under
 * paystate's name (same options, help and exit codes).
 */
import * as E from 'fp-ts/lib/Either.js';
import { simulatorCommand, simulatorHelp } from '@paystate/midtrans-simulator/cli';
import type { CommandSpec } from './command';

export const simulatorSpec: CommandSpec = {
  synopsis: '[--port N] [--notify-url URL] [--server-key KEY] [--seed N] [--chaos KINDS] [--chaos-rate P] [--start ISO]',
  summary: 'run a local Midtrans sandbox: Core API, test cards, 3DS page, signed notifications, a clock to advance',
  help: simulatorHelp('paystate simulator'),
  run: async (argv, io) => E.right(await simulatorCommand(argv, io, { program: 'paystate simulator' })),
};
