/** A scriptable stub of the Core API on 127.0.0.1, and helpers to put orders in a known state. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import { createIngestor, type Ingestor, type RawObservation } from '../../src/ingest/index';
import { getInMemoryEventStore } from '../../src/store/index';

export const SERVER_KEY = 'SB-Mid-server-CLIENTTEST';

export interface StubRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** What the stub does with one request: answer (status and body), hang, or cut the connection. */
export type StubAction =
  | { readonly status: number; readonly body: unknown; readonly raw?: boolean }
  | { readonly delayMs: number; readonly then: StubAction }
  | { readonly destroy: true };

export interface Stub {
  readonly url: string;
  readonly requests: StubRequest[];
  /** Answers in order; the last one repeats. */
  script(...actions: StubAction[]): void;
  close(): Promise<void>;
}

export const startStub = async (): Promise<Stub> => {
  const requests: StubRequest[] = [];
  let actions: StubAction[] = [{ status: 200, body: { status_code: '200' } }];
  const sockets = new Set<Socket>();
  const act = (a: StubAction, res: ServerResponse, socket: Socket) => {
    if ('destroy' in a) return socket.destroy();
    if ('delayMs' in a) {
      const t = setTimeout(() => act(a.then, res, socket), a.delayMs);
      res.on('close', () => clearTimeout(t));
      return;
    }
    const text = a.raw === true ? String(a.body) : JSON.stringify(a.body);
    res.writeHead(a.status, { 'content-type': a.raw === true ? 'text/html' : 'application/json' });
    res.end(text);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const a = actions.length > 1 ? actions.shift()! : actions[0]!;
      act(a, res, req.socket);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...a) => {
      actions = a;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
};

export const newIngestor = (): Ingestor => createIngestor({ store: getInMemoryEventStore(), serverKey: SERVER_KEY });

/** A Midtrans transaction body for an order in a state. */
export const txBody = (orderId: string, status: string, fraud: string | undefined, code: string, extra: Record<string, unknown> = {}) => ({
  status_code: code,
  status_message: 'Success',
  transaction_id: `tid-${orderId}`,
  order_id: orderId,
  gross_amount: '145000.00',
  payment_type: 'credit_card',
  transaction_time: '2024-05-14 10:00:00',
  transaction_status: status,
  ...(fraud !== undefined ? { fraud_status: fraud } : {}),
  ...extra,
});

const ingestOk = async (ingestor: Ingestor, line: RawObservation) => {
  const r = await ingestor.ingest(line)();
  if (E.isLeft(r)) throw new Error(`store: ${JSON.stringify(r.left)}`);
  if (r.right.outcome !== 'applied') throw new Error(`setup line not applied: ${r.right.reason}`);
};

export type SeedState = 'pending' | 'authorize' | 'capture/accept' | 'capture/challenge' | 'settlement' | 'deny';

/** Records a charge (request and answer) that leaves the order in the given state. */
export const seedOrder = async (ingestor: Ingestor, orderId: string, state: SeedState): Promise<void> => {
  await ingestOk(ingestor, { kind: 'charge_request', payload: { transaction_details: { order_id: orderId, gross_amount: 145000 } } });
  const charge = (status: string, fraud: string, code: string) =>
    ingestOk(ingestor, {
      kind: 'charge_response',
      payload: txBody(orderId, status, fraud, code),
      request: { method: 'POST', path: '/v2/charge', body: { transaction_details: { order_id: orderId, gross_amount: 145000 } } },
    });
  switch (state) {
    case 'pending':
      return charge('pending', 'accept', '201');
    case 'authorize':
      return charge('authorize', 'accept', '200');
    case 'capture/accept':
      return charge('capture', 'accept', '200');
    case 'capture/challenge':
      return charge('capture', 'challenge', '201');
    case 'deny':
      return charge('deny', 'accept', '202');
    case 'settlement':
      await charge('capture', 'accept', '200');
      return ingestOk(ingestor, {
        kind: 'status_response',
        payload: txBody(orderId, 'settlement', 'accept', '200', { settlement_time: '2024-05-15 16:00:00' }),
        request: { method: 'GET', path: `/v2/${encodeURIComponent(orderId)}/status` },
      });
  }
};
