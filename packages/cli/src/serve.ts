/**
 * `paystate serve`: the Midtrans notification receiver. Its first stdout line is the plain
 * `listening on http://HOST:PORT` (processes that start it wait for that line), then the pino log:
 * one JSON line per request with its level and request id (never the body, never the key; card
 * numbers masked). `GET /metrics` in Prometheus format unless `--no-metrics`. SIGTERM or SIGINT
 * stops accepting, finishes the requests in flight and closes the store.
 */
import * as E from 'fp-ts/lib/Either.js';
import { createPaystate, type Logger } from '@paystate/adapters';
import { CORE_API_OPTIONS, trustChoiceOf, type TrustChoice } from './coreApiOption';
import { createPaystateServer, listen, stopServer, type RequestLogEntry } from '@paystate/adapters';
import { createPaystateMetrics, registerRejectionLogMetrics } from '@paystate/adapters/metrics';
import { collectDefaultMetrics } from 'prom-client';
import { parse, UsageError } from './args';
import type { Io } from './io';
import { DEFAULT_HOST, DEFAULT_PORT } from './defaults';
import { checkStoreUrl, describeStore, openStoreAt, STORE_OPTION, storeUrlOf } from './storeOption';
import { flagOrEnv } from './envOption';
import { rejectionLogOf } from './rejectionLogOption';
import { NO_SERVER_KEY, SERVER_KEY_OPTIONS, serverKeyOf } from './serverKey';
import { createServeLogger, logFormatOf, logLevelOf } from './serveLog';
import { createPaymentConsole } from './console/paymentConsole';


/** Resolves with the signal's name when the process is asked to stop. */
export type StopSignal = () => Promise<string>;

/** SIGTERM or SIGINT, whichever comes first. */
export const processStopSignal: StopSignal = () =>
  new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });

/** `--port`, else `PORT`, else the default. */
const portOf = (flag: unknown, env: Io['env']): E.Either<UsageError, number> => {
  const given = flagOrEnv(flag, env, 'PORT');
  if (given === undefined) return E.right(DEFAULT_PORT);
  const n = Number(given.value);
  return /^\d+$/.test(given.value) && n <= 65535
    ? E.right(n)
    : E.left(new UsageError(`${given.from === 'flag' ? '--port' : given.from} must be an integer 0..65535, got "${given.value}"`));
};

/** The connection bounds given by flag or environment: a positive integer each, else the server's default. */
const LIMIT_FLAGS = [
  ['max-connections', 'PAYSTATE_MAX_CONNECTIONS', 'maxConnections'],
  ['headers-timeout-ms', 'PAYSTATE_HEADERS_TIMEOUT_MS', 'headersTimeoutMs'],
  ['request-timeout-ms', 'PAYSTATE_REQUEST_TIMEOUT_MS', 'requestTimeoutMs'],
  ['deadline-ms', 'PAYSTATE_DEADLINE_MS', 'deadlineMs'],
] as const;
type Limits = Partial<Record<(typeof LIMIT_FLAGS)[number][2], number>>;

const limitsOf = (values: Record<string, unknown>, env: Io['env']): E.Either<UsageError, Limits> => {
  const out: { -readonly [K in keyof Limits]: number } = {};
  for (const [flag, name, key] of LIMIT_FLAGS) {
    const given = flagOrEnv(values[flag], env, name);
    if (given === undefined) continue;
    const n = Number(given.value);
    if (!/^\d+$/.test(given.value) || n < 1 || n > 2_147_483_647)
      return E.left(new UsageError(`${given.from === 'flag' ? `--${flag}` : given.from} must be a positive integer, got "${given.value}"`));
    out[key] = n;
  }
  return E.right(out);
};

/** Says once how notifications are trusted, and warns when they are trusted on their signature alone by choice. */
const logTrust = (logger: Logger, t: TrustChoice): void => {
  if (t.trust === 'confirm') logger.info({ trust: 'confirm', core_api: t.baseUrl }, 'confirm mode: each notification is confirmed with GET status before it counts');
  else if (t.coreApi !== undefined)
    logger.warn({ trust: 'signature', core_api: t.baseUrl }, 'signature mode (--trust signature): notifications are folded as signed, but the signature does not cover transaction_status, fraud_status or refund_amount, so a replayed notification can change an order; see docs/security.md');
  else logger.info({ trust: 'signature' }, 'signature mode: no Core API configured (--core-api), so notifications are trusted on their signature alone');
};

/** One request log line. */
export const logLine = (entry: RequestLogEntry, now: Date): string => JSON.stringify({ time: now.toISOString(), ...entry }) + '\n';

export interface LineBuffer {
  readonly push: (line: string) => void;
  /** Writes what is waiting now. */
  readonly flush: () => void;
}

/**
 * Lines written together once per turn of the event loop: under load, one write for many
 * requests instead of one each (a pipe or file on stdout is written synchronously).
 */
export const lineBuffer = (write: (s: string) => void): LineBuffer => {
  let waiting: string[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (waiting.length === 0) return;
    const text = waiting.join('');
    waiting = [];
    write(text);
  };
  return {
    push: (line) => {
      waiting.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
};

/** Runs the receiver until `stop` resolves; the exit code is 0 after a graceful stop. */
export const serveWith =
  (stop: StopSignal) =>
  async (argv: readonly string[], io: Io): Promise<E.Either<UsageError, number>> => {
    const args = parse(argv, {
      ...STORE_OPTION,
      port: { type: 'string' },
      host: { type: 'string' },
      ...SERVER_KEY_OPTIONS,
      'read-token': { type: 'string' },
      console: { type: 'boolean' },
      'fulfilment-subscriber': { type: 'string' },
      'log-level': { type: 'string' },
      'log-format': { type: 'string' },
      'no-metrics': { type: 'boolean' },
      'max-connections': { type: 'string' },
      'headers-timeout-ms': { type: 'string' },
      'request-timeout-ms': { type: 'string' },
      'deadline-ms': { type: 'string' },
      'rejection-log-max-mb': { type: 'string' },
      'rejection-log-max-days': { type: 'string' },
      ...CORE_API_OPTIONS,
    });
    if (E.isLeft(args)) return args;
    const { values, positionals } = args.right;
    if (positionals.length > 0) return E.left(new UsageError(`serve takes no arguments, got "${positionals[0]}"`));
    const port = portOf(values.port, io.env);
    if (E.isLeft(port)) return port;
    const key = serverKeyOf(values, io.env);
    if (E.isLeft(key)) return key;
    const serverKey = key.right;
    if (serverKey === undefined) return E.left(new UsageError(`no server key: ${NO_SERVER_KEY}`));
    const url = storeUrlOf(values.store, io.env);
    const checked = checkStoreUrl(url);
    if (E.isLeft(checked)) return checked;
    const host = flagOrEnv(values.host, io.env, 'HOST')?.value ?? DEFAULT_HOST;
    // The read API stays off (its paths answer 404) unless a token is configured.
    const readToken = (values['read-token'] as string | undefined) ?? io.env['PAYSTATE_READ_TOKEN'];
    if (readToken !== undefined && readToken !== '' && readToken.length < 16)
      return E.left(new UsageError('the read token is too short: use at least 16 characters (e.g. openssl rand -hex 32)'));
    const consoleOn = values.console === true || ['1', 'true'].includes(io.env['PAYSTATE_CONSOLE'] ?? '');
    if (consoleOn && (readToken === undefined || readToken === ''))
      return E.left(new UsageError('--console needs the read token (--read-token or PAYSTATE_READ_TOKEN): it is the key to the console'));
    const fulfilmentSubscriber = values['fulfilment-subscriber'] as string | undefined;
    if (fulfilmentSubscriber !== undefined && !/^[\x21-\x7e]{1,128}$/.test(fulfilmentSubscriber))
      return E.left(new UsageError(`--fulfilment-subscriber must be 1 to 128 printable characters, got "${fulfilmentSubscriber}"`));
    const limits = limitsOf(values, io.env);
    if (E.isLeft(limits)) return limits;
    const level = logLevelOf(values['log-level'] as string | undefined, io.env);
    if (E.isLeft(level)) return level;
    const format = logFormatOf(values['log-format'] as string | undefined, process.stdout.isTTY === true);
    if (E.isLeft(format)) return format;

    const caps = rejectionLogOf(values, io.env);
    if (E.isLeft(caps)) return caps;
    const trust = trustChoiceOf(values, io.env);
    if (E.isLeft(trust)) return trust;
    const { coreApi } = trust.right;

    const store = await openStoreAt(url, { rejectionLog: caps.right });
    if (E.isLeft(store)) {
      io.stderr(`paystate serve: ${store.left}\n`);
      return E.right(1);
    }
    const log = lineBuffer(io.stdout);
    // Silent: no logger at all, so the library does not even build the entries.
    const logger = level.right === 'silent' ? undefined : createServeLogger(level.right, format.right, log, io.env['NO_COLOR'] === undefined || io.env['NO_COLOR'] === '');
    const metrics = values['no-metrics'] === true ? undefined : createPaystateMetrics();
    if (metrics !== undefined) {
      collectDefaultMetrics({ register: metrics.registry, prefix: 'paystate_' });
      registerRejectionLogMetrics(metrics.registry, store.right);
    }
    const paystate = createPaystate({
      store: store.right,
      serverKey,
      trust: trust.right.trust,
      ...(coreApi !== undefined ? { coreApi } : {}),
      ...(logger !== undefined ? { logger } : {}),
      ...(metrics !== undefined ? { metrics } : {}),
    });
    const paymentConsole =
      consoleOn && readToken !== undefined
        ? createPaymentConsole({
            store: store.right,
            token: readToken,
            secrets: [serverKey],
            ...(fulfilmentSubscriber !== undefined ? { fulfilmentSubscriber } : {}),
            onRequest: (entry) => (entry.status >= 500 ? paystate.logger.error(entry, 'console') : entry.status >= 400 ? paystate.logger.warn(entry, 'console') : paystate.logger.info(entry, 'console')),
          })
        : undefined;
    const server = createPaystateServer(paystate, {
      ...limits.right,
      ...(readToken !== undefined && readToken !== '' ? { readToken } : {}),
      ...(paymentConsole !== undefined ? { routes: [{ prefix: paymentConsole.prefix, handle: paymentConsole.handle }] } : {}),
    });
    const bound = await listen(server, port.right, host);
    if (E.isLeft(bound)) {
      await paystate.close();
      io.stderr(`paystate serve: cannot listen on ${host}:${port.right}: ${bound.left.message}\n`);
      return E.right(1);
    }
    const stopping = stop();
    const address = `http://${host.includes(':') ? `[${host}]` : host}:${bound.right}`;
    // The plain first line, before any log line: what processes starting serve wait for.
    io.stdout(`listening on ${address}\n`);
    paystate.logger.info(
      { url: address, store: describeStore(url), metrics: metrics !== undefined, trust: paystate.trust, console: paymentConsole === undefined ? null : `${address}${paymentConsole.prefix}/` },
      'listening',
    );
    logTrust(paystate.logger, trust.right);
    const signal = await stopping;
    paystate.logger.info({ signal }, 'stopping: finishing the requests in flight');
    paymentConsole?.close();
    await stopServer(server);
    await paystate.close();
    paystate.logger.info('stopped');
    log.flush();
    return E.right(0);
  };

/** `paystate serve`, stopped by SIGTERM or SIGINT. */
export const serve = serveWith(processStopSignal);
