/** Helpers for simulator tests: cards, charges, a notification receiver on 127.0.0.1. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiReply, Simulation } from '../src/index';

export const KEY = 'SB-Mid-server-SIMTEST';
export const START = '2024-05-14T03:00:00.000Z'; // 10:00 GMT+7
export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

export const CARDS = {
  accept3ds: '4811111111111114',
  bankDeny3ds: '4911111111111113',
  accept: '4411111111111118',
  challenge: '4511111111111117',
  fdsDeny: '4611111111111116',
  bankDeny: '4711111111111115',
} as const;

export const tokenQuery = (card: string) => ({
  card_number: card,
  card_exp_month: '12',
  card_exp_year: '2030',
  card_cvv: '123',
  client_key: 'SB-Mid-client-SIMTEST',
});

export const chargeBody = (orderId: string, tokenId: string, gross = 145000, creditCard: Record<string, unknown> = {}) => ({
  payment_type: 'credit_card',
  transaction_details: { order_id: orderId, gross_amount: gross },
  credit_card: { token_id: tokenId, ...creditCard },
});

/** Tokenizes the card and charges it on the model. */
export const chargeOn = (sim: Simulation, orderId: string, card: string, gross = 145000, creditCard: Record<string, unknown> = {}): ApiReply => {
  const token = sim.token(tokenQuery(card)).body['token_id'] as string;
  return sim.charge(chargeBody(orderId, token, gross, creditCard));
};

/** The notification bodies due now, parsed (they are taken off the queue and reported 200). */
export const drainNotifications = (sim: Simulation): Record<string, unknown>[] =>
  sim.takeDue().map((d) => {
    sim.reportDelivery(d, { status: 200 });
    return JSON.parse(d.body) as Record<string, unknown>;
  });

export interface Received {
  readonly body: string;
  readonly headers: IncomingMessage['headers'];
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  close(): Promise<void>;
}

/** An HTTP server that records what it receives and answers with `answer(body, index)`. */
export const startReceiver = async (
  answer: (body: string, index: number) => number | Promise<number> = () => 200,
): Promise<Receiver> => {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const index = received.length;
      received.push({ body, headers: req.headers });
      void Promise.resolve(answer(body, index)).then(
        (status) => {
          res.writeHead(status, { 'content-type': 'text/plain' });
          res.end(String(status));
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/notify`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

export const basicAuth = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

/** A JSON request to the simulator with the server key. */
export const call = async (
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: basicAuth(KEY), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Record<string, unknown> };
};
