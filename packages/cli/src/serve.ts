/**
 * `paystate serve`: the Midtrans notification receiver. One JSON log line per request on stdout
 * (never the body, never the key); SIGTERM or SIGINT stops accepting, finishes the requests in
 * flight and closes the store.
 */
import * as E from 'fp-ts/lib/Either.js';
import { createPaystate } from '@paystate/adapters';
import { createPaystateServer, listen, stopServer, type RequestLogEntry } from '@paystate/adapters';
import { parse, UsageError } from './args';
import type { Io } from './io';
import { DEFAULT_HOST, DEFAULT_PORT } from './defaults';
import { checkStoreUrl, openStoreAt, STORE_OPTION, storeUrlOf } from './storeOption';
import { flagOrEnv } from './envOption';
import { NO_SERVER_KEY, SERVER_KEY_OPTIONS, serverKeyOf } from './serverKey';


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
    const args = parse(argv, { ...STORE_OPTION, port: { type: 'string' }, host: { type: 'string' }, ...SERVER_KEY_OPTIONS, 'read-token': { type: 'string' } });
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

    const store = await openStoreAt(url);
    if (E.isLeft(store)) {
      io.stderr(`paystate serve: ${store.left}\n`);
      return E.right(1);
    }
    const paystate = createPaystate({ store: store.right, serverKey });
    const log = lineBuffer(io.stdout);
    const server = createPaystateServer(paystate, {
      onRequest: (entry) => log.push(logLine(entry, new Date())),
      ...(readToken !== undefined && readToken !== '' ? { readToken } : {}),
    });
    const bound = await listen(server, port.right, host);
    if (E.isLeft(bound)) {
      await paystate.close();
      io.stderr(`paystate serve: cannot listen on ${host}:${port.right}: ${bound.left.message}\n`);
      return E.right(1);
    }
    const stopping = stop();
    io.stdout(`listening on http://${host.includes(':') ? `[${host}]` : host}:${bound.right}\n`);
    await stopping;
    await stopServer(server);
    log.flush();
    await paystate.close();
    return E.right(0);
  };

/** `paystate serve`, stopped by SIGTERM or SIGINT. */
export const serve = serveWith(processStopSignal);
