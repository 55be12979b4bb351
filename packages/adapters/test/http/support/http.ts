/**
 * HTTP and process helpers for the webhook tests: a client on 127.0.0.1, an in-process server,
 * the paystate command as a child process, and what a store holds.
 */
import { spawn } from 'node:child_process';
import { Agent, request, type Server } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Paystate } from '../../../src/ingest/index';
import { OBSERVATION_EVENT, type StoredObservation } from '../../../src/ingest/index';
import { createPaystateServer, listen, stopServer, type RequestLogEntry, type ServerOptions } from '../../../src/http/index';
import { paystateArgv } from '../../../../cli/src/processes';
import type { EventStore, StoredEvent } from '../../../src/store/index';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..', '..');

export interface Reply {
  readonly status: number;
  readonly text: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** Sends one request to 127.0.0.1; a connection error resolves to status 0 with the error code as text. */
export const send = (
  port: number,
  options: {
    readonly method?: string;
    readonly path?: string;
    readonly body?: string | Buffer;
    readonly headers?: Record<string, string | number>;
    readonly agent?: Agent;
    /** Send the body chunked, without a content-length. */
    readonly chunked?: boolean;
  } = {},
): Promise<Reply> =>
  new Promise((done) => {
    const body = options.body ?? '';
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path ?? '/notifications',
        headers: { 'content-type': 'application/json', ...(options.chunked === true ? {} : { 'content-length': Buffer.byteLength(body) }), ...options.headers },
        ...(options.agent !== undefined ? { agent: options.agent } : {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => done({ status: res.statusCode ?? 0, text, headers: res.headers }));
        res.on('error', () => done({ status: res.statusCode ?? 0, text, headers: res.headers }));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => done({ status: 0, text: e.code ?? e.message, headers: {} }));
    if (options.chunked === true) {
      // Several writes, so the body really goes out in chunks.
      const b = Buffer.from(body);
      for (let i = 0; i < b.length; i += 16_384) req.write(b.subarray(i, i + 16_384));
      req.end();
    } else req.end(body);
  });

export const json = (r: Reply): Record<string, unknown> => JSON.parse(r.text) as Record<string, unknown>;

export interface InProcess {
  readonly port: number;
  readonly logs: RequestLogEntry[];
  readonly server: Server;
  close(): Promise<void>;
}

/** The paystate server in this process on a free port. */
export const startInProcess = async (paystate: Paystate, options: Omit<ServerOptions, 'onRequest'> = {}): Promise<InProcess> => {
  const logs: RequestLogEntry[] = [];
  const server = createPaystateServer(paystate, { ...options, onRequest: (e) => logs.push(e) });
  const port = await listen(server, 0, '127.0.0.1');
  if (E.isLeft(port)) throw port.left;
  return { port: port.right, logs, server, close: () => stopServer(server, 2_000) };
};

export interface CommandRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `paystate ARGS` as a user would, from `cwd`, with `input` on standard input. */
export const runPaystate = (
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv; readonly input?: string; readonly timeoutMs?: number } = {},
): Promise<CommandRun> =>
  new Promise((done) => {
    const child = spawn(process.execPath, [...paystateArgv(args)], { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });

/** The environment without paystate's own variables, plus `extra`. */
export const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env['PAYSTATE_STORE'];
  delete env['MIDTRANS_SERVER_KEY'];
  delete env['PAYSTATE_READ_TOKEN'];
  for (const name of ['MIDTRANS_SERVER_KEY_FILE', 'PORT', 'HOST', 'NO_COLOR', 'FORCE_COLOR', 'PAYSTATE_LOG_LEVEL', 'MIDTRANS_CORE_API_URL', 'PAYSTATE_CONFIRM_TIMEOUT_MS']) delete env[name];
  return { ...env, ...extra };
};

/** Every event of the global log. */
export const allEvents = async (store: EventStore): Promise<readonly StoredEvent[]> => {
  const r = await store.readAll({})();
  if (E.isLeft(r)) throw new Error(r.left._tag);
  return r.right;
};

/** Events of payment streams (`order:...`). */
export const paymentEvents = async (store: EventStore): Promise<readonly StoredEvent[]> =>
  (await allEvents(store)).filter((e) => e.streamId.startsWith('order:'));

/** The stored observation of an event. */
export const observationOf = (e: StoredEvent): StoredObservation | undefined => (e.type === OBSERVATION_EVENT ? (e.data as StoredObservation) : undefined);

/** Shuffles a copy with a seeded generator (reproducible). */
export const shuffled = <A>(xs: readonly A[], seed: number): A[] => {
  const out = [...xs];
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

export interface TcpProxy {
  readonly port: number;
  /** Closes the listener and cuts every proxied connection: the server behind looks gone. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /**
   * Stops forwarding bytes in both directions, on open and new connections alike, closing nothing:
   * the server behind looks stalled. What arrives meanwhile is held and forwarded on resume().
   */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 to a local port, to make a server disappear or stall without touching it. */
export const startTcpProxy = async (targetPort: number): Promise<TcpProxy> => {
  const sockets = new Set<Socket>();
  const held: (() => void)[] = [];
  let paused = false;
  const forward = (from: Socket, to: Socket): void => {
    from.on('data', (chunk: Buffer) => {
      if (paused) held.push(() => to.write(chunk));
      else to.write(chunk);
    });
    from.on('end', () => {
      if (paused) held.push(() => to.end());
      else to.end();
    });
  };
  const make = () =>
    createNetServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      forward(client, upstream);
      forward(upstream, client);
    });
  let server = make();
  const listenOn = (port: number) =>
    new Promise<number>((done, fail) => {
      server.once('error', fail);
      server.listen(port, '127.0.0.1', () => done((server.address() as AddressInfo).port));
    });
  const port = await listenOn(0);
  const stop = () =>
    new Promise<void>((done) => {
      held.length = 0;
      for (const s of sockets) s.destroy();
      server.close(() => done());
    });
  return {
    port,
    stop,
    start: async () => {
      server = make();
      await listenOn(port);
    },
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
      for (const send of held.splice(0)) send();
    },
    close: async () => {
      if (server.listening) await stop();
    },
  };
};
