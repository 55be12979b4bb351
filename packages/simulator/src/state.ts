/**
 * What the simulation remembers: its settings, its clock, every transaction, the card tokens, the
 * notification queue and the idempotency window. The concept modules (requests, clock, Core API
 * answers, deliveries) read and change it through a `SimContext`; `reset` swaps in a fresh state.
 */
import type { CardInput, TestCard } from './cards';
import { createRng, type ChaosKind, type Rng } from './chaos';
import type { Money } from './money';
import type { ApiReply } from './replies';
import type { FraudStatus, TransactionStatus } from './status';

// -------------------------------------------------------------------------------------------------
// transactions
// -------------------------------------------------------------------------------------------------

export interface SimRefund {
  readonly refund_chargeback_id: number;
  readonly refund_amount: Money;
  readonly refund_key?: string;
  readonly reason: string;
  readonly created_at: number;
  readonly direct: boolean;
}

export interface SimTransaction {
  readonly transactionId: string;
  readonly orderId: string;
  readonly card: TestCard;
  readonly cardNumber: string;
  readonly threeDs: boolean;
  readonly preauth: boolean;
  readonly authorizedAmount: Money;
  /** The amount that counts now: the captured amount after a (partial) capture. */
  grossAmount: Money;
  status: TransactionStatus;
  fraud: FraudStatus | undefined;
  readonly transactionTime: number;
  readonly expiryTime: number | undefined;
  captureTime: number | undefined;
  settlementTime: number | undefined;
  readonly refunds: SimRefund[];
  approvalCode: string | undefined;
  channelResponse: { readonly code: string; readonly message: string };
  readonly history: { readonly at: number; readonly transaction_status: TransactionStatus; readonly fraud_status: FraudStatus | null }[];
  /** The charge asked for `credit_card.save_token_id`: the card is saved once it is authorized or captured. */
  readonly saveToken: boolean;
  readonly cardExpiry: Pick<CardInput, 'expMonth' | 'expYear'>;
  /** The saved card this transaction issued (or was charged with, one-click), stated in its answers once issued. */
  savedToken: SavedToken | undefined;
}

// -------------------------------------------------------------------------------------------------
// cards
// -------------------------------------------------------------------------------------------------

/** A single-use `token_id` from `GET /v2/token` (of a card, or of a saved card plus CVV: two-clicks). */
export interface IssuedToken {
  readonly card: CardInput;
  used: boolean;
  /** Issued for a saved card (two-clicks): 3DS unless the charge says `authentication: false`. */
  readonly twoClicks: boolean;
}

/** A `saved_token_id` (one-click, two-clicks): reusable until the card's expiry. */
export interface SavedToken {
  readonly id: string;
  readonly card: CardInput;
  readonly expiresAt: number;
}

// -------------------------------------------------------------------------------------------------
// notifications
// -------------------------------------------------------------------------------------------------

/** A notification waiting for delivery, or being delivered. */
export interface Delivery {
  readonly id: number;
  readonly orderId: string;
  readonly transactionId: string;
  readonly transactionStatus: TransactionStatus;
  /** The exact JSON body to POST. */
  readonly body: string;
  /** Retries made before this attempt (0 = the first delivery). */
  readonly attempt: number;
  readonly dueAt: number;
  readonly chaos: readonly ChaosKind[];
}

/** How a delivery ended: the merchant's HTTP status, a network failure (refused, timed out), or not sent at all. */
export type DeliveryResult = { readonly status: number } | { readonly failure: string } | { readonly skipped: string };

export interface DeliveryRecord {
  readonly id: number;
  readonly orderId: string;
  readonly transactionStatus: TransactionStatus;
  readonly attempt: number;
  /** Simulated time (ISO). */
  readonly at: string;
  /** The merchant's HTTP status, `network: ...`, or `dropped` (chaos). */
  readonly result: number | string;
  readonly chaos: readonly ChaosKind[];
  /** Whether Midtrans will try again, and when (ISO). */
  readonly retryAt?: string;
}

/** A queued delivery with its place in line (ties on `dueAt` go out in queueing order). */
export type QueuedDelivery = Delivery & { readonly seq: number };

// -------------------------------------------------------------------------------------------------
// the state
// -------------------------------------------------------------------------------------------------

/** The simulation's settings, with defaults applied. */
export interface SimConfig {
  readonly serverKey: string;
  readonly clientKey: string | undefined;
  readonly startAt: number | string | undefined;
  readonly seed: number;
  readonly chaos: ReadonlySet<ChaosKind>;
  readonly chaosRate: number;
  /** One clock tick, the unit of chaos delays. */
  readonly tickMs: number;
  readonly merchantId: string;
  /** Where the simulator is reachable (for the 3DS `redirect_url`); set once the server listens. */
  publicUrl: string;
}

export interface SimState {
  now: number;
  ids: Rng;
  chaosRng: Rng;
  txs: Map<string, SimTransaction>;
  orders: Map<string, string[]>;
  tokens: Map<string, IssuedToken>;
  savedTokens: Map<string, SavedToken>;
  /** Numbers the `id` of validation answers (kept apart from `ids` so errors never shift the seeded identifiers). */
  nextErrorId: number;
  queue: QueuedDelivery[];
  held: Map<string, QueuedDelivery>;
  log: DeliveryRecord[];
  idempotency: Map<string, { readonly at: number; readonly reply: ApiReply }>;
  nextDeliveryId: number;
  nextSeq: number;
}

/** The settings and the current state, shared by the concept modules. */
export interface SimContext {
  readonly config: SimConfig;
  st: SimState;
}

const startOf = (s: number | string | undefined): number =>
  s === undefined ? Date.now() : typeof s === 'number' ? s : Date.parse(s);

/** A state with nothing in it, its clock at `startAt` (the wall clock when absent). */
export const freshState = (config: SimConfig): SimState => ({
  now: startOf(config.startAt),
  ids: createRng(config.seed ^ 0x5eed1d5),
  chaosRng: createRng(config.seed),
  txs: new Map(),
  orders: new Map(),
  tokens: new Map(),
  savedTokens: new Map(),
  nextErrorId: 1,
  queue: [],
  held: new Map(),
  log: [],
  idempotency: new Map(),
  nextDeliveryId: 1,
  nextSeq: 1,
});

// -------------------------------------------------------------------------------------------------
// lookups
// -------------------------------------------------------------------------------------------------

/** A transaction by transaction_id, or an order's latest transaction by order_id. */
export const lookup = (ctx: SimContext, id: string): SimTransaction | undefined => {
  const direct = ctx.st.txs.get(id);
  if (direct !== undefined) return direct;
  const tids = ctx.st.orders.get(id);
  const latest = tids?.[tids.length - 1];
  return latest === undefined ? undefined : ctx.st.txs.get(latest);
};

/** The amount refunded so far. */
export const refunded = (tx: SimTransaction): Money => tx.refunds.reduce((s, r) => s + r.refund_amount, 0);
