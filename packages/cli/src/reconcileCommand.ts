/**
 * `paystate reconcile`: a reconciliation worker. Every interval it asks Midtrans' GET status for
 * the orders past a planned deadline or flagged, records each answer, and backs off per order
 * while one stays due. Each check is claimed in the store first, so any number of these workers
 * (and restarts of them) on one store make one status call per due order per due time. Logs are
 * pino lines on stdout; SIGTERM or SIGINT ends the round in flight, releases its claims and
 * closes the store.
 */
import * as E from 'fp-ts/lib/Either.js';
import { createCoreApiClient, createPaystate, createReconciler } from '@paystate/adapters';
import { coreApiBaseUrlOf } from './coreApiOption';
import { parse, UsageError } from './args';
import type { Io } from './io';
import { flagOrEnv } from './envOption';
import { checkStoreUrl, describeStore, openStoreAt, STORE_OPTION, storeUrlOf } from './storeOption';
import { NO_SERVER_KEY, SERVER_KEY_OPTIONS, serverKeyOf } from './serverKey';
import { createServeLogger, logFormatOf, logLevelOf } from './serveLog';
import { lineBuffer, processStopSignal, type StopSignal } from './serve';

/** The numeric options: flag, environment variable, default, least value. */
export const RECONCILE_NUMBERS = {
  'interval-ms': ['PAYSTATE_RECONCILE_INTERVAL_MS', 60_000, 10],
  concurrency: ['PAYSTATE_RECONCILE_CONCURRENCY', 8, 1],
  'lease-ms': ['PAYSTATE_RECONCILE_LEASE_MS', 120_000, 100],
  'timeout-ms': ['PAYSTATE_RECONCILE_TIMEOUT_MS', 20_000, 10],
  'base-backoff-ms': ['PAYSTATE_RECONCILE_BASE_BACKOFF_MS', 60_000, 1],
  'max-backoff-ms': ['PAYSTATE_RECONCILE_MAX_BACKOFF_MS', 3_600_000, 1],
} as const;
type NumberOption = keyof typeof RECONCILE_NUMBERS;

/** Retries of a status call after its first attempt (network failures, timeouts, 5xx), and their waits. */
const RETRIES = 2;
const RETRY_DELAY_MS = 250;

/** The longest a status call can take: every attempt timing out, and the waits between them. */
export const worstCallMs = (timeoutMs: number): number => timeoutMs * (RETRIES + 1) + RETRY_DELAY_MS * (2 ** RETRIES - 1);

const numbersOf = (values: Record<string, unknown>, env: Io['env']): E.Either<UsageError, Record<NumberOption, number>> => {
  const out = {} as Record<NumberOption, number>;
  for (const [flag, [name, fallback, least]] of Object.entries(RECONCILE_NUMBERS) as [NumberOption, readonly [string, number, number]][]) {
    const given = flagOrEnv(values[flag], env, name);
    if (given === undefined) {
      out[flag] = fallback;
      continue;
    }
    const n = Number(given.value);
    if (!/^\d+$/.test(given.value) || n < least || n > 2_147_483_647)
      return E.left(new UsageError(`${given.from === 'flag' ? `--${flag}` : given.from} must be an integer >= ${least}, got "${given.value}"`));
    out[flag] = n;
  }
  return E.right(out);
};

const baseUrlOf = (flag: unknown, env: Io['env']): E.Either<UsageError, string> => {
  const given = flagOrEnv(flag, env, 'MIDTRANS_CORE_API_URL');
  const value = given?.value ?? 'sandbox';
  const url = coreApiBaseUrlOf(value);
  if (url === undefined)
    return E.left(
      new UsageError(`${given?.from === 'flag' || given === undefined ? '--core-api' : given.from} must be sandbox, production or an http(s) base URL without credentials, got "${value.replace(/\/\/[^/@]*@/, '//***@')}"`),
    );
  return E.right(url);
};

/** Runs the worker until `stop` resolves; the exit code is 0 after a clean stop. */
export const reconcileWith =
  (stop: StopSignal) =>
  async (argv: readonly string[], io: Io): Promise<E.Either<UsageError, number>> => {
    const args = parse(argv, {
      ...STORE_OPTION,
      ...SERVER_KEY_OPTIONS,
      'core-api': { type: 'string' },
      'log-level': { type: 'string' },
      'log-format': { type: 'string' },
      ...Object.fromEntries(Object.keys(RECONCILE_NUMBERS).map((k) => [k, { type: 'string' as const }])),
    });
    if (E.isLeft(args)) return args;
    const { values, positionals } = args.right;
    if (positionals.length > 0) return E.left(new UsageError(`reconcile takes no arguments, got "${positionals[0]}"`));
    const key = serverKeyOf(values, io.env);
    if (E.isLeft(key)) return key;
    if (key.right === undefined) return E.left(new UsageError(`no server key: ${NO_SERVER_KEY}`));
    const serverKey = key.right;
    const url = storeUrlOf(values.store, io.env);
    const checked = checkStoreUrl(url);
    if (E.isLeft(checked)) return checked;
    const baseUrl = baseUrlOf(values['core-api'], io.env);
    if (E.isLeft(baseUrl)) return baseUrl;
    const n = numbersOf(values, io.env);
    if (E.isLeft(n)) return n;
    const o = n.right;
    // A claim must outlast the call it covers, or a second worker could call while the first still waits.
    if (o['lease-ms'] <= worstCallMs(o['timeout-ms']))
      return E.left(
        new UsageError(
          `--lease-ms (${o['lease-ms']}) must be longer than a status call can take with its retries (${worstCallMs(o['timeout-ms'])} ms with --timeout-ms ${o['timeout-ms']}): lengthen the lease or shorten the timeout`,
        ),
      );
    if (o['max-backoff-ms'] < o['base-backoff-ms']) return E.left(new UsageError('--max-backoff-ms must be at least --base-backoff-ms'));
    const level = logLevelOf(values['log-level'] as string | undefined, io.env);
    if (E.isLeft(level)) return level;
    const format = logFormatOf(values['log-format'] as string | undefined, process.stdout.isTTY === true);
    if (E.isLeft(format)) return format;

    const store = await openStoreAt(url);
    if (E.isLeft(store)) {
      io.stderr(`paystate reconcile: ${store.left}\n`);
      return E.right(1);
    }
    const log = lineBuffer(io.stdout);
    const logger = level.right === 'silent' ? undefined : createServeLogger(level.right, format.right, log, io.env['NO_COLOR'] === undefined || io.env['NO_COLOR'] === '');
    const withLogger = logger === undefined ? {} : { logger };
    const paystate = createPaystate({ store: store.right, serverKey, ...withLogger });
    // The library's logger masks card numbers and the server key in everything the client and the worker log.
    const masked = logger === undefined ? {} : { logger: paystate.logger };
    const client = createCoreApiClient({ baseUrl: baseUrl.right, serverKey, ingestor: paystate.ingestor, timeoutMs: o['timeout-ms'], retries: RETRIES, retryDelayMs: RETRY_DELAY_MS, ...masked });
    const reconciler = createReconciler({
      client,
      ingestor: paystate.ingestor,
      concurrency: o.concurrency,
      leaseMs: o['lease-ms'],
      baseBackoffMs: o['base-backoff-ms'],
      maxBackoffMs: o['max-backoff-ms'],
      ...masked,
    });
    const stopping = stop();
    paystate.logger.info(
      { store: describeStore(url), core_api: baseUrl.right, interval_ms: o['interval-ms'], concurrency: o.concurrency, lease_ms: o['lease-ms'], claims: store.right.reconcileClaims !== undefined ? 'store' : 'memory' },
      'reconciling',
    );
    reconciler.start({ intervalMs: o['interval-ms'] });
    const signal = await stopping;
    paystate.logger.info({ signal }, 'stopping: finishing the round in flight');
    await reconciler.stop();
    await paystate.close();
    paystate.logger.info('stopped');
    log.flush();
    return E.right(0);
  };

/** `paystate reconcile`, stopped by SIGTERM or SIGINT. */
export const reconcileCommand = reconcileWith(processStopSignal);
