/**
 * A stand-in for Midtrans' Core API GET status on 127.0.0.1: each order answers the body the
 * test sets (its truth), after an optional delay, with an optional HTTP status.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StatusAnswer {
  readonly body: unknown;
  readonly httpStatus?: number;
  /** Wait this long before answering (a stalled Core API). */
  readonly delayMs?: number;
}

export interface FakeCoreApi {
  readonly baseUrl: string;
  /** The answer GET /v2/{id}/status gives per id; an id without one answers Midtrans' 404 body. */
  readonly answers: Map<string, StatusAnswer>;
  /** Ids asked for, in order. */
  readonly asked: string[];
  close(): Promise<void>;
}

export const startFakeCoreApi = async (): Promise<FakeCoreApi> => {
  const answers = new Map<string, StatusAnswer>();
  const asked: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const m = /^\/v2\/([^/]+)\/status$/.exec(req.url ?? '');
    if (req.method !== 'GET' || m === null) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"status_code":"404","status_message":"not found"}');
      return;
    }
    const id = decodeURIComponent(m[1]!);
    asked.push(id);
    const a = answers.get(id) ?? { body: { status_code: '404', status_message: "Transaction doesn't exist." }, httpStatus: 404 };
    const reply = () => {
      if (!res.destroyed) res.writeHead(a.httpStatus ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(a.body));
    };
    if (a.delayMs === undefined) reply();
    else {
      const t = setTimeout(() => (timers.delete(t), reply()), a.delayMs);
      timers.add(t);
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    answers,
    asked,
    close: () =>
      new Promise<void>((done) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
};

/** What GET status answers for a notification payload's state: the same fields, without the signature. */
export const statusBodyOf = (notification: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  const { signature_key: _signature, status_message: _message, ...rest } = notification;
  return { ...rest, status_message: 'Success, transaction is found' };
};
