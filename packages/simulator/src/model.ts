/**
 * The simulation model: a local Midtrans for card payments, without I/O. It keeps every
 * transaction, its own clock, the clock-driven transitions (3DS expiry, settlement, auto-cancel of
 * an unapproved challenge, authorization expiry), the Core API answers with Midtrans' preconditions
 * and error codes, and the outgoing notification queue with Midtrans' retry policy and seeded chaos.
 * The HTTP server (server.ts) only moves bytes and delivers what this model queues.
 */
import * as E from 'fp-ts/lib/Either.js';
import { formatAmount, formatMidtransTime, fromUnits, type FraudStatus, type Money, type TransactionStatus } from '@paystate/engine';
import { signatureKey } from './signature';
import { cardFor, isAcceptableCardNumber, maskCard, normalizeCardNumber, SANDBOX_OTP, type TestCard } from './cards';
import { createRng, type ChaosKind, type Rng } from './chaos';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

export type Json = Readonly<Record<string, unknown>>;

/** An answer of the Core API: the HTTP status and the JSON body (status codes as strings). */
export interface ApiReply {
  readonly httpStatus: number;
  readonly body: Json;
}

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
}

/** The simulator's truth about an order: its latest transaction. */
export interface SimTruth {
  readonly order_id: string;
  readonly transaction_id: string;
  readonly transaction_status: TransactionStatus;
  readonly fraud_status: FraudStatus | null;
  readonly gross_amount: string;
  readonly authorized_amount: string;
  readonly refund_amount: string;
  readonly refunds: readonly Json[];
  readonly transaction_time: string;
  readonly settlement_time?: string;
  /** How many transactions (attempts) the order has had. */
  readonly attempts: number;
  readonly history: readonly { readonly at: string; readonly transaction_status: TransactionStatus; readonly fraud_status: FraudStatus | null }[];
}

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

export interface ThreeDsView {
  readonly kind: 'unknown' | 'open' | 'closed';
  readonly transaction?: Readonly<SimTransaction>;
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

// -------------------------------------------------------------------------------------------------
// Midtrans constants
// -------------------------------------------------------------------------------------------------

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const GMT7 = 7 * 3600_000;
const THREE_DS_WINDOW = 10 * MINUTE;
const AUTHORIZATION_WINDOW = 7 * DAY;
const IDEMPOTENCY_WINDOW = 5 * MINUTE;

/** Midtrans' notification retry schedule (midtrans-facts.md §4), after each failed attempt. */
export const RETRY_SCHEDULE_MS: readonly number[] = [2, 10, 30, 90, 210].map((m) => m * MINUTE);

/** How many retries Midtrans makes after an HTTP answer (or a network failure). */
export const retriesAfter = (result: DeliveryResult): number => {
  if ('skipped' in result) return 0;
  if ('failure' in result) return 5;
  const s = result.status;
  if (s >= 200 && s < 300) return 0;
  if (s === 500) return 1;
  if (s === 503) return 4;
  if (s === 400 || s === 404) return 2;
  if (s === 301 || s === 302 || s === 303) return 0;
  return 5;
};

/** The next day at 16:00 GMT+7 after a moment: when card captures settle. */
export const settlementAfter = (ms: number): number => {
  const local = new Date(ms + GMT7);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1, 16, 0, 0) - GMT7;
};

const RETRYABLE_ENDINGS: readonly TransactionStatus[] = ['deny', 'cancel', 'expire', 'failure'];

/** status_code of a notification for a state (midtrans-facts.md §3). */
export const notificationStatusCode = (status: TransactionStatus, fraud: FraudStatus | undefined): string => {
  switch (status) {
    case 'pending':
      return '201';
    case 'capture':
      return fraud === 'challenge' ? '201' : '200';
    case 'deny':
    case 'cancel':
    case 'expire':
    case 'failure':
      return '202';
    default:
      return '200';
  }
};

/** status_code of a GET status answer for a state (midtrans-facts.md §3). */
export const statusAnswerCode = (status: TransactionStatus, fraud: FraudStatus | undefined): string => {
  switch (status) {
    case 'pending':
      return '201';
    case 'capture':
      return fraud === 'challenge' ? '201' : '200';
    case 'deny':
    case 'failure':
      return '202';
    case 'expire':
      return '407';
    default:
      return '200';
  }
};

// -------------------------------------------------------------------------------------------------
// replies
// -------------------------------------------------------------------------------------------------

/** A Midtrans-shaped error (`{status_code, status_message}`), in an HTTP 200 body unless said otherwise. */
export const errorReply = (code: string, message: string, httpStatus = 200, extra: Json = {}): ApiReply => ({
  httpStatus,
  body: { status_code: code, status_message: message, ...extra },
});

const validationError = (messages: readonly string[]): ApiReply =>
  errorReply('400', 'One or more parameters in the payload is invalid.', 400, { validation_messages: messages });

const NOT_FOUND = (): ApiReply => errorReply('404', "Transaction doesn't exist.");
const CANNOT_MODIFY = (): ApiReply => errorReply('412', 'Merchant cannot modify the status of the transaction');

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

const ORDER_ID = /^[A-Za-z0-9\-_.~]{1,50}$/;
const REFUND_KEY = /^[A-Za-z0-9\-_]{1,50}$/;

/** A positive whole amount in a request (`145000`), as minor units. */
const wholeAmount = (u: unknown, path: string): E.Either<string, Money> => {
  if (typeof u !== 'number' || !Number.isInteger(u) || u <= 0) return E.left(`${path} must be a positive whole number`);
  return E.mapLeft(() => `${path} is too large`)(fromUnits(u));
};

// -------------------------------------------------------------------------------------------------
// the simulation
// -------------------------------------------------------------------------------------------------

interface State {
  now: number;
  ids: Rng;
  chaosRng: Rng;
  txs: Map<string, SimTransaction>;
  orders: Map<string, string[]>;
  tokens: Map<string, { readonly digits: string; used: boolean }>;
  queue: (Delivery & { readonly seq: number })[];
  held: Map<string, Delivery & { readonly seq: number }>;
  log: DeliveryRecord[];
  idempotency: Map<string, { readonly at: number; readonly reply: ApiReply }>;
  nextDeliveryId: number;
  nextSeq: number;
}

const startOf = (s: number | string | undefined): number =>
  s === undefined ? Date.now() : typeof s === 'number' ? s : Date.parse(s);

/** Creates a simulation; it reads no clock after `startAt` and performs no I/O. */
export const createSimulation = (options: SimulationOptions): Simulation => {
  const serverKey = options.serverKey;
  const seed = options.seed ?? 1;
  const chaos = new Set(options.chaos ?? []);
  const chaosRate = options.chaosRate ?? 0.2;
  const tick = options.tickMs ?? MINUTE;
  const merchantId = options.merchantId ?? 'G000000001';
  let publicUrl = options.publicUrl ?? 'http://127.0.0.1';

  const fresh = (): State => ({
    now: startOf(options.startAt),
    ids: createRng(seed ^ 0x5eed1d5),
    chaosRng: createRng(seed),
    txs: new Map(),
    orders: new Map(),
    tokens: new Map(),
    queue: [],
    held: new Map(),
    log: [],
    idempotency: new Map(),
    nextDeliveryId: 1,
    nextSeq: 1,
  });
  let st = fresh();

  const time = (ms: number) => formatMidtransTime(ms);
  const iso = (ms: number) => new Date(ms).toISOString();

  // --- lookups ----------------------------------------------------------------------------------

  const lookup = (id: string): SimTransaction | undefined => {
    const direct = st.txs.get(id);
    if (direct !== undefined) return direct;
    const tids = st.orders.get(id);
    const latest = tids?.[tids.length - 1];
    return latest === undefined ? undefined : st.txs.get(latest);
  };

  const refunded = (tx: SimTransaction): Money => tx.refunds.reduce((s, r) => s + r.refund_amount, 0);

  // --- payloads ---------------------------------------------------------------------------------

  const eci = (tx: SimTransaction): string | undefined => (tx.threeDs ? (tx.card.enrolled ? '05' : '06') : undefined);

  const refundEntries = (tx: SimTransaction): Json[] =>
    tx.refunds.map((r) => ({
      refund_chargeback_id: r.refund_chargeback_id,
      refund_amount: formatAmount(r.refund_amount),
      created_at: time(r.created_at),
      reason: r.reason,
      ...(r.refund_key !== undefined ? { refund_key: r.refund_key } : {}),
    }));

  /** The transaction as Midtrans states it, with the given status_code and message, signed. */
  const statement = (tx: SimTransaction, statusCode: string, message: string): Json => {
    const gross = formatAmount(tx.grossAmount);
    const e = eci(tx);
    const body: Record<string, unknown> = {
      status_code: statusCode,
      status_message: message,
      transaction_id: tx.transactionId,
      order_id: tx.orderId,
      merchant_id: merchantId,
      gross_amount: gross,
      currency: 'IDR',
      payment_type: 'credit_card',
      transaction_time: time(tx.transactionTime),
      transaction_status: tx.status,
      ...(tx.fraud !== undefined ? { fraud_status: tx.fraud } : {}),
      masked_card: maskCard(tx.cardNumber),
      bank: tx.card.bank,
      card_type: 'credit',
      ...(e !== undefined ? { eci: e } : {}),
      ...(tx.threeDs ? { three_ds_version: '2' } : {}),
      ...(tx.approvalCode !== undefined ? { approval_code: tx.approvalCode } : {}),
      channel_response_code: tx.channelResponse.code,
      channel_response_message: tx.channelResponse.message,
      ...(tx.expiryTime !== undefined && tx.status === 'pending' ? { expiry_time: time(tx.expiryTime) } : {}),
      ...(tx.settlementTime !== undefined ? { settlement_time: time(tx.settlementTime) } : {}),
    };
    if (tx.refunds.length > 0) {
      body['refund_amount'] = formatAmount(refunded(tx));
      body['refunds'] = refundEntries(tx);
    }
    body['signature_key'] = signatureKey(tx.orderId, statusCode, gross, serverKey);
    return body;
  };

  const notificationBody = (tx: SimTransaction): Json =>
    statement(tx, notificationStatusCode(tx.status, tx.fraud), 'midtrans payment notification');

  // --- notifications and chaos --------------------------------------------------------------------

  const roll = (kind: ChaosKind): boolean => chaos.has(kind) && st.chaosRng.next() < chaosRate;

  const enqueue = (d: Delivery): Delivery & { readonly seq: number } => {
    const q = { ...d, seq: st.nextSeq++ };
    st.queue.push(q);
    return q;
  };

  const releaseHeldFor = (orderId: string, dueAt: number) => {
    const h = st.held.get(orderId);
    if (h === undefined) return;
    st.held.delete(orderId);
    enqueue({ ...h, dueAt: Math.max(h.dueAt, dueAt) });
  };

  /** Queues the notification of the transaction's current state, applying chaos. */
  const notify = (tx: SimTransaction) => {
    const body = JSON.stringify(notificationBody(tx));
    // Every enabled kind is rolled for every notification, so the draws depend only on the seed and the history.
    const drop = roll('drop');
    const duplicate = roll('duplicate');
    const delay = roll('delay') ? st.chaosRng.int(1, 5) : 0;
    const reorder = roll('reorder');
    const tags: ChaosKind[] = [];
    if (drop) tags.push('drop');
    if (duplicate) tags.push('duplicate');
    if (delay > 0) tags.push('delay');
    if (reorder) tags.push('reorder');
    const base: Delivery = {
      id: st.nextDeliveryId++,
      orderId: tx.orderId,
      transactionId: tx.transactionId,
      transactionStatus: tx.status,
      body,
      attempt: 0,
      dueAt: st.now + delay * tick,
      chaos: tags,
    };
    if (drop) {
      st.log.push({ id: base.id, orderId: base.orderId, transactionStatus: base.transactionStatus, attempt: 0, at: iso(st.now), result: 'dropped', chaos: tags });
      return;
    }
    const alreadyHeld = st.held.has(tx.orderId);
    if (reorder && !alreadyHeld) {
      // Held back until the order's next notification has gone out (or the clock moves on).
      st.held.set(tx.orderId, { ...base, seq: 0 });
    } else {
      enqueue(base);
      releaseHeldFor(tx.orderId, base.dueAt);
    }
    if (duplicate) enqueue({ ...base, id: st.nextDeliveryId++, dueAt: base.dueAt });
  };

  // --- transitions ----------------------------------------------------------------------------------

  const move = (tx: SimTransaction, status: TransactionStatus, fraud: FraudStatus | undefined = tx.fraud) => {
    tx.status = status;
    tx.fraud = fraud;
    tx.history.push({ at: st.now, transaction_status: status, fraud_status: fraud ?? null });
    notify(tx);
  };

  const approvalCode = (): string => String(st.ids.int(100000, 999999));

  const APPROVED = { code: '00', message: 'Approved' } as const;
  const DECLINED = { code: '05', message: 'Do not honor' } as const;

  /** The card's verdict once it is authenticated (or when no 3DS is asked for). */
  const decide = (tx: SimTransaction) => {
    switch (tx.card.outcome) {
      case 'accept':
      case 'challenge':
        tx.approvalCode = approvalCode();
        tx.channelResponse = APPROVED;
        if (!tx.preauth) tx.captureTime = st.now;
        move(tx, tx.preauth ? 'authorize' : 'capture', tx.card.outcome === 'accept' ? 'accept' : 'challenge');
        return;
      case 'fds_deny':
        tx.channelResponse = APPROVED;
        move(tx, 'deny', 'deny');
        return;
      case 'bank_deny':
        tx.channelResponse = DECLINED;
        move(tx, 'deny', 'accept');
        return;
    }
  };

  // --- the clock ------------------------------------------------------------------------------------

  interface Timer {
    readonly at: number;
    readonly tx: SimTransaction;
    readonly fire: () => void;
  }

  const timerOf = (tx: SimTransaction): Timer | undefined => {
    switch (tx.status) {
      case 'pending':
        return tx.expiryTime === undefined
          ? undefined
          : {
              at: tx.expiryTime,
              tx,
              fire: () => {
                tx.channelResponse = { code: '', message: '3DS authentication expired' };
                move(tx, 'expire');
              },
            };
      case 'authorize':
        return { at: tx.transactionTime + AUTHORIZATION_WINDOW, tx, fire: () => move(tx, 'expire') };
      case 'capture': {
        const at = settlementAfter(tx.captureTime ?? tx.transactionTime);
        return {
          at,
          tx,
          fire: () => {
            if (tx.fraud === 'challenge') move(tx, 'cancel');
            else {
              tx.settlementTime = at;
              move(tx, 'settlement');
            }
          },
        };
      }
      default:
        return undefined;
    }
  };

  const earliestTimer = (): Timer | undefined => {
    let best: Timer | undefined;
    for (const tx of st.txs.values()) {
      const t = timerOf(tx);
      if (t !== undefined && (best === undefined || t.at < best.at)) best = t;
    }
    return best;
  };

  const setNow = (ms: number) => {
    for (;;) {
      const t = earliestTimer();
      if (t === undefined || t.at > ms) break;
      st.now = Math.max(st.now, t.at);
      t.fire();
    }
    st.now = Math.max(st.now, ms);
  };

  const nextEventAt = (): number | undefined => {
    const t = earliestTimer()?.at;
    let d: number | undefined;
    for (const q of st.queue) if (d === undefined || q.dueAt < d) d = q.dueAt;
    return t === undefined ? d : d === undefined ? t : Math.min(t, d);
  };

  // --- Core API -------------------------------------------------------------------------------------

  const token = (q: Readonly<Record<string, string | undefined>>): ApiReply => {
    const clientKey = q['client_key'];
    if (clientKey === undefined || clientKey === '' || (options.clientKey !== undefined && clientKey !== options.clientKey))
      return errorReply('401', 'Access denied, please check client or server key', 401);
    const messages: string[] = [];
    const digits = normalizeCardNumber(q['card_number'] ?? '');
    if (digits === '') messages.push('card_number is required');
    else if (!isAcceptableCardNumber(digits)) messages.push('card_number is invalid');
    const month = Number(q['card_exp_month']);
    const rawYear = Number(q['card_exp_year']);
    if (!Number.isInteger(month) || month < 1 || month > 12) messages.push('card_exp_month must be between 01 and 12');
    if (!Number.isInteger(rawYear) || rawYear < 0) messages.push('card_exp_year is invalid');
    else {
      const year = rawYear < 100 ? 2000 + rawYear : rawYear;
      const now = new Date(st.now);
      if (year < now.getUTCFullYear() || (year === now.getUTCFullYear() && month < now.getUTCMonth() + 1)) messages.push('card is expired');
    }
    const cvv = q['card_cvv'] ?? '';
    if (!/^\d{3,4}$/.test(cvv)) messages.push('card_cvv must be 3 or 4 digits');
    if (messages.length > 0) return validationError(messages);
    const id = `${digits.slice(0, 6)}-${digits.slice(-4)}-${st.ids.uuid()}`;
    st.tokens.set(id, { digits, used: false });
    return {
      httpStatus: 200,
      body: {
        status_code: '200',
        status_message: 'Credit card token is created as Token ID.',
        token_id: id,
        hash: `${digits.slice(0, 6)}-${digits.slice(-4)}-${cardFor(digits).brand}`,
        redirect_url: null,
      },
    };
  };

  const charge = (body: unknown): ApiReply => {
    if (!isRecord(body)) return validationError(['payment_type is required', 'transaction_details is required']);
    const paymentType = body['payment_type'];
    if (paymentType === undefined) return validationError(['payment_type is required']);
    if (paymentType !== 'credit_card')
      return errorReply('402', `Merchant doesn't have access for this payment type (the simulator speaks credit_card only, got ${JSON.stringify(paymentType)})`);
    const td = body['transaction_details'];
    const messages: string[] = [];
    const orderId = isRecord(td) ? td['order_id'] : undefined;
    if (typeof orderId !== 'string' || !ORDER_ID.test(orderId))
      messages.push('transaction_details.order_id is required: up to 50 letters, digits, -, _, ~ or .');
    const gross = isRecord(td) ? wholeAmount(td['gross_amount'], 'transaction_details.gross_amount') : E.left('transaction_details.gross_amount is required');
    if (E.isLeft(gross)) messages.push(gross.left);
    const cc = body['credit_card'];
    if (!isRecord(cc)) messages.push('credit_card is required');
    if (messages.length > 0 || E.isLeft(gross) || typeof orderId !== 'string' || !isRecord(cc)) return validationError(messages);
    const tokenId = cc['token_id'];
    const tok = typeof tokenId === 'string' ? st.tokens.get(tokenId) : undefined;
    if (tok === undefined || tok.used) return errorReply('411', 'Token id is missing, invalid, or timed out');
    const previous = lookup(orderId);
    if (previous !== undefined && previous.orderId === orderId && !RETRYABLE_ENDINGS.includes(previous.status))
      return errorReply('406', 'The request could not be completed due to a conflict with the current state of the target resource, please try again', 200, {
        validation_messages: ['transaction_details.order_id has already been utilized'],
      });
    tok.used = true;
    const c = cardFor(tok.digits);
    const auth = cc['authentication'];
    const threeDs = auth === true || (auth !== false && c.enrolled);
    const tx: SimTransaction = {
      transactionId: st.ids.uuid(),
      orderId,
      card: c,
      cardNumber: tok.digits,
      threeDs,
      preauth: cc['type'] === 'authorize',
      authorizedAmount: gross.right,
      grossAmount: gross.right,
      status: 'pending',
      fraud: undefined,
      transactionTime: st.now,
      expiryTime: threeDs ? st.now + THREE_DS_WINDOW : undefined,
      captureTime: undefined,
      settlementTime: undefined,
      refunds: [],
      approvalCode: undefined,
      channelResponse: { code: '', message: '' },
      history: [],
    };
    st.txs.set(tx.transactionId, tx);
    st.orders.set(orderId, [...(st.orders.get(orderId) ?? []), tx.transactionId]);
    if (threeDs) {
      move(tx, 'pending', 'accept');
      return {
        httpStatus: 200,
        body: {
          ...withoutSignature(statement(tx, '201', 'Success, Credit Card transaction is successful')),
          redirect_url: `${publicUrl}/v2/token/rba/redirect/${tx.transactionId}`,
        },
      };
    }
    decide(tx);
    return { httpStatus: 200, body: withoutSignature(statement(tx, chargeCode(tx), chargeMessage(tx))) };
  };

  const chargeCode = (tx: SimTransaction): string =>
    tx.status === 'deny' ? '202' : tx.fraud === 'challenge' ? '201' : '200';

  const chargeMessage = (tx: SimTransaction): string =>
    tx.status === 'deny'
      ? tx.fraud === 'deny'
        ? 'Denied by FDS'
        : `Deny by Bank [${tx.card.bank.toUpperCase()}] with code [05] and message [Do not honor]`
      : tx.fraud === 'challenge'
        ? 'Challenge by FDS'
        : 'Success, Credit Card transaction is successful';

  const withoutSignature = (b: Json): Json => {
    const { signature_key: _s, ...rest } = b;
    return rest;
  };

  const status = (id: string): ApiReply => {
    const tx = lookup(id);
    if (tx === undefined) return NOT_FOUND();
    return { httpStatus: 200, body: statement(tx, statusAnswerCode(tx.status, tx.fraud), 'Success, transaction is found') };
  };

  const answer = (tx: SimTransaction, code: string, message: string): ApiReply => ({
    httpStatus: 200,
    body: withoutSignature(statement(tx, code, message)),
  });

  const approve = (id: string): ApiReply => {
    const tx = lookup(id);
    if (tx === undefined) return NOT_FOUND();
    if (tx.status !== 'capture' || tx.fraud !== 'challenge') return CANNOT_MODIFY();
    move(tx, 'capture', 'accept');
    return answer(tx, '200', 'Success, transaction is approved');
  };

  const deny = (id: string): ApiReply => {
    const tx = lookup(id);
    if (tx === undefined) return NOT_FOUND();
    if (tx.status !== 'capture' || tx.fraud !== 'challenge') return CANNOT_MODIFY();
    move(tx, 'deny', 'deny');
    return answer(tx, '200', 'Success, transaction is denied');
  };

  const cancel = (id: string): ApiReply => {
    const tx = lookup(id);
    if (tx === undefined) return NOT_FOUND();
    if (tx.status !== 'pending' && tx.status !== 'authorize' && tx.status !== 'capture') return CANNOT_MODIFY();
    move(tx, 'cancel');
    return answer(tx, '200', 'Success, transaction is canceled');
  };

  const expire = (id: string): ApiReply => {
    const tx = lookup(id);
    if (tx === undefined) return NOT_FOUND();
    if (tx.status !== 'pending') return CANNOT_MODIFY();
    move(tx, 'expire');
    return answer(tx, '407', 'Success, transaction has expired');
  };

  const refund = (id: string, body: unknown, direct: boolean): ApiReply => {
    const tx = lookup(id);
    if (tx === undefined) return NOT_FOUND();
    const b = body === undefined || body === null ? {} : body;
    if (!isRecord(b)) return validationError(['the body must be a JSON object']);
    const key = b['refund_key'];
    const reason = b['reason'];
    const messages: string[] = [];
    if (key !== undefined && (typeof key !== 'string' || !REFUND_KEY.test(key)))
      messages.push('refund_key must be up to 50 letters, digits, - or _');
    if (reason !== undefined && typeof reason !== 'string') messages.push('reason must be a string');
    const amount = b['amount'] === undefined ? undefined : wholeAmount(b['amount'], 'amount');
    if (amount !== undefined && E.isLeft(amount)) messages.push(amount.left);
    if (messages.length > 0) return validationError(messages);
    if (tx.status !== 'settlement' && tx.status !== 'partial_refund') return CANNOT_MODIFY();
    if (typeof key === 'string' && tx.refunds.some((r) => r.refund_key === key)) return errorReply('406', 'Duplicate refund ID');
    const remaining = tx.grossAmount - refunded(tx);
    const value = amount !== undefined && E.isRight(amount) ? amount.right : remaining;
    if (value > remaining)
      return errorReply('414', `Refund amount must be less than or equal to the remaining amount (${formatAmount(remaining)})`);
    const r: SimRefund = {
      refund_chargeback_id: tx.refunds.length + 1,
      refund_amount: value,
      ...(typeof key === 'string' ? { refund_key: key } : {}),
      reason: typeof reason === 'string' ? reason : '',
      created_at: st.now,
      direct,
    };
    tx.refunds.push(r);
    move(tx, refunded(tx) >= tx.grossAmount ? 'refund' : 'partial_refund');
    const own = withoutSignature(statement(tx, '200', direct ? 'Success, refund request is approved by the bank' : 'Success, refund request is approved'));
    const { refunds: _all, ...rest } = own;
    return {
      httpStatus: 200,
      body: {
        ...rest,
        refund_chargeback_id: r.refund_chargeback_id,
        refund_amount: formatAmount(value),
        ...(r.refund_key !== undefined ? { refund_key: r.refund_key } : {}),
      },
    };
  };

  const capture = (body: unknown): ApiReply => {
    if (!isRecord(body)) return validationError(['transaction_id is required']);
    const tid = body['transaction_id'];
    if (typeof tid !== 'string' || tid === '') return validationError(['transaction_id is required']);
    const amount = body['gross_amount'] === undefined ? undefined : wholeAmount(body['gross_amount'], 'gross_amount');
    if (amount !== undefined && E.isLeft(amount)) return validationError([amount.left]);
    const tx = st.txs.get(tid);
    if (tx === undefined) return NOT_FOUND();
    if (tx.status !== 'authorize') return CANNOT_MODIFY();
    const value = amount !== undefined && E.isRight(amount) ? amount.right : tx.authorizedAmount;
    if (value > tx.authorizedAmount)
      return errorReply('412', `gross_amount ${formatAmount(value)} exceeds the authorized ${formatAmount(tx.authorizedAmount)}`);
    tx.grossAmount = value;
    tx.captureTime = st.now;
    move(tx, 'capture');
    return answer(tx, tx.fraud === 'challenge' ? '201' : '200', 'Success, Credit Card capture transaction is successful');
  };

  const idempotent = (key: string | undefined, compute: () => ApiReply): ApiReply => {
    if (key === undefined || key === '') return compute();
    for (const [k, v] of st.idempotency) if (st.now - v.at > IDEMPOTENCY_WINDOW) st.idempotency.delete(k);
    const seen = st.idempotency.get(key);
    if (seen !== undefined) return seen.reply;
    const reply = compute();
    const code = reply.body['status_code'];
    if (reply.httpStatus < 300 && (code === '200' || code === '201' || code === '202' || code === '407'))
      st.idempotency.set(key, { at: st.now, reply });
    return reply;
  };

  // --- 3DS ------------------------------------------------------------------------------------------

  const threeDs = (tid: string): ThreeDsView => {
    const tx = st.txs.get(tid);
    if (tx === undefined || !tx.threeDs) return { kind: 'unknown' };
    return { kind: tx.status === 'pending' ? 'open' : 'closed', transaction: tx };
  };

  const completeThreeDs = (tid: string, otp: string): ThreeDsView => {
    const view = threeDs(tid);
    const tx = st.txs.get(tid);
    if (view.kind !== 'open' || tx === undefined) return view;
    if (otp === SANDBOX_OTP) decide(tx);
    else {
      tx.channelResponse = { code: '', message: '3DS authentication failed: wrong OTP' };
      move(tx, 'deny');
    }
    return { kind: 'closed', transaction: tx };
  };

  // --- deliveries -----------------------------------------------------------------------------------

  const takeDue = (): readonly Delivery[] => {
    const due = st.queue.filter((q) => q.dueAt <= st.now).sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
    if (due.length === 0) return [];
    st.queue = st.queue.filter((q) => q.dueAt > st.now);
    return due.map(({ seq: _seq, ...d }) => d);
  };

  const reportDelivery = (d: Delivery, result: DeliveryResult) => {
    const allowed = retriesAfter(result);
    const retryAt = d.attempt < allowed ? st.now + RETRY_SCHEDULE_MS[d.attempt]! : undefined;
    st.log.push({
      id: d.id,
      orderId: d.orderId,
      transactionStatus: d.transactionStatus,
      attempt: d.attempt,
      at: iso(st.now),
      result: 'skipped' in result ? `not sent: ${result.skipped}` : 'failure' in result ? `network: ${result.failure}` : result.status,
      chaos: d.chaos,
      ...(retryAt !== undefined ? { retryAt: iso(retryAt) } : {}),
    });
    if (retryAt !== undefined) enqueue({ ...d, attempt: d.attempt + 1, dueAt: retryAt });
  };

  const releaseHeld = () => {
    for (const orderId of [...st.held.keys()]) releaseHeldFor(orderId, st.now);
  };

  // --- truth ----------------------------------------------------------------------------------------

  const truth = (orderId: string): SimTruth | undefined => {
    const tids = st.orders.get(orderId);
    const tx = lookup(orderId);
    if (tx === undefined || tids === undefined) return undefined;
    return {
      order_id: tx.orderId,
      transaction_id: tx.transactionId,
      transaction_status: tx.status,
      fraud_status: tx.fraud ?? null,
      gross_amount: formatAmount(tx.grossAmount),
      authorized_amount: formatAmount(tx.authorizedAmount),
      refund_amount: formatAmount(refunded(tx)),
      refunds: refundEntries(tx),
      transaction_time: time(tx.transactionTime),
      ...(tx.settlementTime !== undefined ? { settlement_time: time(tx.settlementTime) } : {}),
      attempts: tids.length,
      history: tx.history.map((h) => ({ at: iso(h.at), transaction_status: h.transaction_status, fraud_status: h.fraud_status })),
    };
  };

  return {
    now: () => st.now,
    setNow,
    nextEventAt,
    releaseHeld,
    token,
    charge,
    status,
    approve,
    deny,
    cancel,
    expire,
    refund,
    capture,
    idempotent,
    threeDs,
    completeThreeDs,
    takeDue,
    reportDelivery,
    deliveryLog: () => st.log,
    pendingDeliveries: () => st.queue.length + st.held.size,
    truth,
    orders: () => [...st.orders.keys()],
    transaction: (id) => lookup(id),
    setPublicUrl: (url) => {
      publicUrl = url.replace(/\/+$/, '');
    },
    reset: () => {
      st = fresh();
    },
  };
};
