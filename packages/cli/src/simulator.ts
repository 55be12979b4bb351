/**
 * `paystate simulator`: runs the local Midtrans sandbox until interrupted and prints where it listens.
 */
import * as E from 'fp-ts/lib/Either.js';
import { parseChaos, startSimulator, type RunningSimulator } from '@paystate/midtrans-simulator';
import { parse, UsageError } from './args';
import type { Io } from './main';

/** The default key matches the test fixtures; pass --server-key (or MIDTRANS_SERVER_KEY) for another. */
const DEFAULT_SERVER_KEY = 'SB-Mid-server-TEST';

const integer = (name: string, value: string | undefined, min: number, max: number): E.Either<UsageError, number | undefined> => {
  if (value === undefined) return E.right(undefined);
  const n = Number(value);
  return Number.isInteger(n) && n >= min && n <= max ? E.right(n) : E.left(new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`));
};

const validUrl = (value: string | undefined): E.Either<UsageError, string | undefined> => {
  if (value === undefined) return E.right(undefined);
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:' ? E.right(value) : E.left(new UsageError(`--notify-url must be an http(s) URL, got "${value}"`));
  } catch {
    return E.left(new UsageError(`--notify-url must be a URL, got "${value}"`));
  }
};

/** Waits for SIGINT or SIGTERM (replaceable in tests). */
export type StopSignal = (running: RunningSimulator) => Promise<void>;

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

/** Builds the command; `stopSignal` decides when it stops. */
export const simulatorCommand =
  (stopSignal: StopSignal = untilSignal) =>
  async (argv: readonly string[], io: Io): Promise<E.Either<UsageError, number>> => {
    const args = parse(argv, {
      port: { type: 'string' },
      'notify-url': { type: 'string' },
      'server-key': { type: 'string' },
      seed: { type: 'string' },
      chaos: { type: 'string' },
      'chaos-rate': { type: 'string' },
      start: { type: 'string' },
    });
    if (E.isLeft(args)) return args;
    const { values, positionals } = args.right;
    if (positionals.length > 0) return E.left(new UsageError(`simulator takes no arguments, got "${positionals[0]}"`));
    const port = integer('port', values.port as string | undefined, 0, 65535);
    if (E.isLeft(port)) return port;
    const seed = integer('seed', values.seed as string | undefined, 0, 2 ** 32 - 1);
    if (E.isLeft(seed)) return seed;
    const notifyUrl = validUrl(values['notify-url'] as string | undefined);
    if (E.isLeft(notifyUrl)) return notifyUrl;
    const chaos = parseChaos(values.chaos as string | undefined);
    if (E.isLeft(chaos)) return E.left(new UsageError(chaos.left));
    const rateText = values['chaos-rate'] as string | undefined;
    const rate = rateText === undefined ? undefined : Number(rateText);
    if (rate !== undefined && !(rate >= 0 && rate <= 1)) return E.left(new UsageError(`--chaos-rate must be between 0 and 1, got "${rateText}"`));
    const startText = values.start as string | undefined;
    if (startText !== undefined && Number.isNaN(Date.parse(startText))) return E.left(new UsageError(`--start must be an ISO time, got "${startText}"`));
    const serverKey = (values['server-key'] as string | undefined) ?? io.env['MIDTRANS_SERVER_KEY'] ?? DEFAULT_SERVER_KEY;
    if (serverKey.length === 0) return E.left(new UsageError('--server-key must not be empty'));
    const running = await startSimulator({
      serverKey,
      chaos: chaos.right,
      ...(port.right !== undefined ? { port: port.right } : {}),
      ...(seed.right !== undefined ? { seed: seed.right } : {}),
      ...(notifyUrl.right !== undefined ? { notifyUrl: notifyUrl.right } : {}),
      ...(rate !== undefined ? { chaosRate: rate } : {}),
      ...(startText !== undefined ? { startAt: startText } : {}),
    });
    io.stdout(`listening on ${running.url}\n`);
    io.stdout(
      `notifications: ${notifyUrl.right ?? 'none (pass --notify-url)'}; chaos: ${chaos.right.length > 0 ? chaos.right.join(',') : 'none'}; seed: ${seed.right ?? 1}\n` +
        `clock: ${running.now().toISOString()}; advance with POST ${running.url}/_sim/clock {"advance_ms": N}; truth: GET ${running.url}/_sim/transactions/ORDER_ID\n`,
    );
    await stopSignal(running);
    await running.close();
    return E.right(0);
  };

export const simulator = simulatorCommand();
