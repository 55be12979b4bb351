/**
 * The whole loop on loopback: the simulator, a webhook-less receiver feeding paystate, the Core API
 * client and the reconciler, all on one in-memory store.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import { latestAttempt } from '@paystate/engine';
import { createCoreApiClient, renderCoreApiError, type CoreApiAnswer, type CoreApiClient, type CoreApiResult } from '../../src/coreApi/index';
import { createPaystate, type Paystate } from '../../src/ingest/index';
import { createReconciler, type Reconciler, type ReconcilerOptions } from '../../src/reconcile/index';
import { startSimulator, type ChaosKind, type RunningSimulator } from '@paystate/midtrans-simulator';
import { getInMemoryEventStore } from '../../src/store/index';

export const KEY = 'SB-Mid-server-E2E';
export const START = '2024-05-14T03:00:00.000Z'; // 10:00 GMT+7
export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

export interface Stack {
  readonly sim: RunningSimulator;
  readonly paystate: Paystate;
  readonly client: CoreApiClient;
  readonly reconciler: Reconciler;
  /** Notification bodies the receiver got, with the engine's outcome. */
  readonly received: { readonly body: string; readonly outcome: string }[];
  close(): Promise<void>;
}

export interface StackOptions {
  readonly seed?: number;
  readonly chaos?: readonly ChaosKind[];
  readonly chaosRate?: number;
  readonly reconciler?: Partial<ReconcilerOptions>;
}

/** Starts the receiver (an http.createServer feeding `ingestNotification`), the simulator, the client and the reconciler. */
export const startStack = async (o: StackOptions = {}): Promise<Stack> => {
  const paystate = createPaystate({ store: getInMemoryEventStore(), serverKey: KEY });
  const received: { body: string; outcome: string }[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      void paystate.ingestNotification(body)().then((r) => {
        received.push({ body, outcome: E.isRight(r) ? r.right.outcome : 'store error' });
        res.writeHead(E.isRight(r) ? 200 : 500);
        res.end();
      });
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  const sim = await startSimulator({
    serverKey: KEY,
    startAt: START,
    seed: o.seed ?? 1,
    chaos: o.chaos ?? [],
    ...(o.chaosRate !== undefined ? { chaosRate: o.chaosRate } : {}),
    notifyUrl: `http://127.0.0.1:${port}/notifications`,
    deliveryTimeoutMs: 5_000,
  });
  const client = createCoreApiClient({ serverKey: KEY, baseUrl: sim.url, ingestor: paystate.ingestor, retries: 1, retryDelayMs: 5, timeoutMs: 5_000 });
  const reconciler = createReconciler({ client, ingestor: paystate.ingestor, clock: () => sim.now(), ...o.reconciler });
  return {
    sim,
    paystate,
    client,
    reconciler,
    received,
    close: async () => {
      await reconciler.stop();
      await sim.close();
      await new Promise<void>((resolve) => {
        receiver.close(() => resolve());
        receiver.closeAllConnections();
      });
    },
  };
};

/** Runs a client call that must succeed. */
export const ok = async (t: CoreApiResult): Promise<CoreApiAnswer> => {
  const r = await t();
  if (E.isLeft(r)) throw new Error(renderCoreApiError(r.left));
  return r.right;
};

/** A card token from the simulator. */
export const tokenFor = async (sim: RunningSimulator, card: string): Promise<string> => {
  const q = new URLSearchParams({ card_number: card, card_exp_month: '12', card_exp_year: '2030', card_cvv: '123', client_key: 'SB-Mid-client-E2E' });
  const res = await fetch(`${sim.url}/v2/token?${q.toString()}`);
  const body = (await res.json()) as Record<string, unknown>;
  return body['token_id'] as string;
};

export const chargeRequest = (orderId: string, token: string, gross: number, creditCard: Record<string, unknown> = {}) => ({
  payment_type: 'credit_card',
  transaction_details: { order_id: orderId, gross_amount: gross },
  credit_card: { token_id: token, ...creditCard },
});

/** Completes the 3DS page with an OTP, as the customer's browser would. */
export const completeThreeDs = async (redirectUrl: string, otp: string): Promise<void> => {
  const res = await fetch(redirectUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `otp=${otp}` });
  await res.text();
};

/** The engine's view of an order: `status/fraud` of its latest attempt. */
export const engineView = async (paystate: Paystate, orderId: string): Promise<string> => {
  const r = await paystate.payment(orderId)();
  if (E.isLeft(r)) throw new Error('store');
  const a = latestAttempt(r.right?.state);
  return a === undefined ? 'none' : `${a.status}/${a.fraud ?? '-'}`;
};

/** The simulator's view of an order, in the same form. */
export const truthView = (sim: RunningSimulator, orderId: string): string => {
  const t = sim.truth(orderId);
  return t === undefined ? 'none' : `${t.transaction_status}/${t.fraud_status ?? '-'}`;
};
