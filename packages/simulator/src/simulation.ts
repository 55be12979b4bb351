/**
 * The simulation: a local Midtrans for card payments, without I/O. It composes the state
 * (state.ts), the requests that start a payment (requests.ts), the clock and its transitions
 * (clock.ts), the Core API's answers (coreApi.ts) and the notification deliveries (deliveries.ts).
 * The HTTP server (server.ts) only moves bytes and delivers what this queues.
 */
import type { ChaosKind } from './chaos';
import { nextEventAt, setNow } from './clock';
import { approve, cancel, capture, deny, expire, refund, status } from './coreApi';
import { pendingDeliveries, releaseHeld, reportDelivery, takeDue } from './deliveries';
import type { ApiReply } from './replies';
import { charge, completeThreeDs, idempotent, threeDs, token, type ThreeDsView } from './requests';
import { pointInquiry, registerCard } from './savedCards';
import { truth, type SimTruth } from './statement';
import { freshState, lookup, type Delivery, type DeliveryRecord, type DeliveryResult, type SimConfig, type SimContext, type SimTransaction } from './state';

export interface SimulationOptions {
  /** The server key requests must authenticate with and notifications are signed with. */
  readonly serverKey: string;
  /** The client key `GET /v2/token` requires; any non-empty key when absent. */
  readonly clientKey?: string;
  /** Where the simulator is reachable (for the 3DS `redirect_url`). */
  readonly publicUrl?: string;
  /** The simulated clock's start (epoch ms or ISO); the wall clock when absent. */
  readonly startAt?: number | string;
  /** Seeds identifiers and chaos. */
  readonly seed?: number;
  readonly chaos?: readonly ChaosKind[];
  /** The probability of each enabled chaos kind per notification (default 0.2). */
  readonly chaosRate?: number;
  /** One clock tick, the unit of chaos delays (default one minute). */
  readonly tickMs?: number;
  readonly merchantId?: string;
}

export interface Simulation {
  now(): number;
  /** Moves the clock forward to `ms` (never back), firing clock-driven transitions on the way. */
  setNow(ms: number): void;
  /** The next moment something happens (a transition or a due delivery), if any. */
  nextEventAt(): number | undefined;
  /** Releases notifications held back for reordering (so none stays held forever). */
  releaseHeld(): void;

  token(query: Readonly<Record<string, string | undefined>>): ApiReply;
  /** `GET /v2/card/register`: saves a card for one-click and two-clicks charges. */
  registerCard(query: Readonly<Record<string, string | undefined>>): ApiReply;
  /** `GET /v2/point_inquiry/{token_id}`: the sandbox test cards have no reward points (402). */
  pointInquiry(tokenId: string, query: Readonly<Record<string, string | undefined>>): ApiReply;
  charge(body: unknown): ApiReply;
  status(id: string): ApiReply;
  approve(id: string): ApiReply;
  deny(id: string): ApiReply;
  cancel(id: string): ApiReply;
  expire(id: string): ApiReply;
  refund(id: string, body: unknown, direct: boolean): ApiReply;
  capture(body: unknown): ApiReply;
  /** Replays the stored answer to a POST with a known `Idempotency-Key` (5 minutes), else computes and stores a successful one. */
  idempotent(key: string | undefined, compute: () => ApiReply): ApiReply;

  threeDs(transactionId: string): ThreeDsView;
  /** Completes the 3DS page: OTP 112233 lets the card decide; any other OTP denies. */
  completeThreeDs(transactionId: string, otp: string): ThreeDsView;

  /** Takes the deliveries due now, oldest first. */
  takeDue(): readonly Delivery[];
  /** Records a delivery's result and schedules Midtrans' retry when its policy allows one. */
  reportDelivery(d: Delivery, result: DeliveryResult): void;
  deliveryLog(): readonly DeliveryRecord[];
  /** How many deliveries are queued or held. */
  pendingDeliveries(): number;

  truth(orderId: string): SimTruth | undefined;
  orders(): readonly string[];
  /** A read-only view of a transaction (by transaction_id, or an order's latest). */
  transaction(id: string): Readonly<SimTransaction> | undefined;
  setPublicUrl(url: string): void;
  reset(): void;
}

/** Creates a simulation; it reads no clock after `startAt` and performs no I/O. */
export const createSimulation = (options: SimulationOptions): Simulation => {
  const config: SimConfig = {
    serverKey: options.serverKey,
    clientKey: options.clientKey,
    startAt: options.startAt,
    seed: options.seed ?? 1,
    chaos: new Set(options.chaos ?? []),
    chaosRate: options.chaosRate ?? 0.2,
    tickMs: options.tickMs ?? 60_000,
    merchantId: options.merchantId ?? 'G000000001',
    publicUrl: options.publicUrl ?? 'http://127.0.0.1',
  };
  const ctx: SimContext = { config, st: freshState(config) };
  return {
    now: () => ctx.st.now,
    setNow: (ms) => setNow(ctx, ms),
    nextEventAt: () => nextEventAt(ctx),
    releaseHeld: () => releaseHeld(ctx),
    token: (q) => token(ctx, q),
    registerCard: (q) => registerCard(ctx, q),
    pointInquiry: (id, q) => pointInquiry(ctx, id, q),
    charge: (body) => charge(ctx, body),
    status: (id) => status(ctx, id),
    approve: (id) => approve(ctx, id),
    deny: (id) => deny(ctx, id),
    cancel: (id) => cancel(ctx, id),
    expire: (id) => expire(ctx, id),
    refund: (id, body, direct) => refund(ctx, id, body, direct),
    capture: (body) => capture(ctx, body),
    idempotent: (key, compute) => idempotent(ctx, key, compute),
    threeDs: (tid) => threeDs(ctx, tid),
    completeThreeDs: (tid, otp) => completeThreeDs(ctx, tid, otp),
    takeDue: () => takeDue(ctx),
    reportDelivery: (d, result) => reportDelivery(ctx, d, result),
    deliveryLog: () => ctx.st.log,
    pendingDeliveries: () => pendingDeliveries(ctx),
    truth: (orderId) => truth(ctx, orderId),
    orders: () => [...ctx.st.orders.keys()],
    transaction: (id) => lookup(ctx, id),
    setPublicUrl: (url) => {
      config.publicUrl = url.replace(/\/+$/, '');
    },
    reset: () => {
      ctx.st = freshState(config);
    },
  };
};
