/**
 * A decision as a store keeps it: Midtrans vocabulary only. Statuses are named as Midtrans spells
 * them, amounts are integer minor units, and the attempt's path is a list of status pairs, so no
 * in-memory encoding (a pair's index in the status lists, a bitset of pairs) is ever written.
 * Those encodings are derived again on read, so reordering or adding a status in a later release
 * leaves every stored decision meaning what it meant.
 */
import * as E from 'fp-ts/lib/Either.js';
import { FRAUD_NODES, pairOf, PAIR_COUNT, START_PAIR, TX_NODES, type Pair } from './compiled';
import type { Decision, Effect, ReasonCode } from './fold/decision';
import { addBit, hasBit, statusPair } from './fold/pairs';
import type { Money } from './money';
import { FLAGS, OUTCOMES, type AttemptState, type Flag, type Outcome, type StatusPair } from './state';
import { START, type FraudStatus, type TransactionStatus } from './status';

/** An attempt after a decision, as stored. */
export interface StoredAttempt {
  readonly transactionId: string;
  readonly transaction_status: TransactionStatus;
  readonly fraud_status: FraudStatus | null;
  /** Where stale history starts: the first observed pair; null when the path to it was inferred (the start). */
  readonly origin: StatusPair | null;
  /** Every status pair on the attempt's path (observed or inferred), sorted by name. */
  readonly path: readonly StatusPair[];
  readonly authorizedAmount: Money;
  readonly grossAmount: Money;
  readonly refunded: Money;
  readonly refunds: Readonly<Record<string, Money>>;
  readonly chargedBack: Money;
  readonly transactionTime?: string;
  readonly expiryTime?: string;
  readonly settlementTime?: string;
}

export interface StoredEffect {
  readonly open?: true;
  readonly requestedAmount?: Money;
  readonly attempt?: StoredAttempt;
  readonly reconciles?: true;
}

/** A decision as stored: outcome, reason (code and text), the statuses and amounts it results in. */
export interface StoredDecision {
  readonly outcome: Outcome;
  readonly code: ReasonCode;
  readonly reason: string;
  readonly orderId: string | null;
  readonly transactionId: string | null;
  readonly inferred: readonly StatusPair[];
  readonly flags: readonly Flag[];
  readonly effect?: StoredEffect;
}

const pairName = (p: StatusPair): string => `${p.transaction_status}/${p.fraud_status ?? ''}`;
const byName = (a: StatusPair, b: StatusPair): number => (pairName(a) < pairName(b) ? -1 : pairName(a) > pairName(b) ? 1 : 0);
const plainPair = (p: StatusPair): StatusPair => ({ transaction_status: p.transaction_status, fraud_status: p.fraud_status });

const encodeAttempt = (a: AttemptState): StoredAttempt => {
  const path: StatusPair[] = [];
  for (let p = 0; p < PAIR_COUNT; p++) if (p !== START_PAIR && hasBit(a.visited, p)) path.push(plainPair(statusPair(p)));
  const out: { -readonly [K in keyof StoredAttempt]: StoredAttempt[K] } = {
    transactionId: a.transactionId,
    transaction_status: a.status,
    fraud_status: a.fraud,
    origin: a.origin === START_PAIR ? null : plainPair(statusPair(a.origin)),
    path: path.sort(byName),
    authorizedAmount: a.authorizedAmount,
    grossAmount: a.grossAmount,
    refunded: a.refunded,
    refunds: { ...a.refunds },
    chargedBack: a.chargedBack,
  };
  if (a.transactionTime !== undefined) out.transactionTime = a.transactionTime;
  if (a.expiryTime !== undefined) out.expiryTime = a.expiryTime;
  if (a.settlementTime !== undefined) out.settlementTime = a.settlementTime;
  return out;
};

/** The decision in its stored form. */
export const encodeDecision = (d: Decision): StoredDecision => {
  const out: { -readonly [K in keyof StoredDecision]: StoredDecision[K] } = {
    outcome: d.outcome,
    code: d.code,
    reason: d.reason,
    orderId: d.orderId ?? null,
    transactionId: d.transactionId ?? null,
    inferred: d.inferred.map(plainPair),
    flags: [...d.flags],
  };
  const e = d.effect;
  if (e !== undefined) {
    const effect: { -readonly [K in keyof StoredEffect]: StoredEffect[K] } = {};
    if (e.open === true) effect.open = true;
    if (e.requestedAmount !== undefined) effect.requestedAmount = e.requestedAmount;
    if (e.attempt !== undefined) effect.attempt = encodeAttempt(e.attempt);
    if (e.reconciles === true) effect.reconciles = true;
    out.effect = effect;
  }
  return out;
};

// ---------------------------------------------------------------------------------------------
// reading back
// ---------------------------------------------------------------------------------------------

type Read<A> = E.Either<string, A>;

const TX_NAMES: ReadonlySet<string> = new Set(TX_NODES.filter((s) => s !== START));
const FRAUD_NAMES: ReadonlySet<string> = new Set(FRAUD_NODES.filter((s) => s !== START));

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);
const isAmount = (u: unknown): u is Money => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0;

const readPair = (u: unknown, where: string): Read<{ pair: Pair; named: StatusPair }> => {
  if (!isRecord(u)) return E.left(`${where} is not a status pair`);
  const tx = u['transaction_status'];
  const fraud = u['fraud_status'];
  if (typeof tx !== 'string' || !TX_NAMES.has(tx)) return E.left(`${where}.transaction_status ${JSON.stringify(tx)} is not a transaction status`);
  if (fraud !== null && (typeof fraud !== 'string' || !FRAUD_NAMES.has(fraud))) return E.left(`${where}.fraud_status ${JSON.stringify(fraud)} is not a fraud status`);
  const named: StatusPair = { transaction_status: tx as TransactionStatus, fraud_status: fraud as FraudStatus | null };
  return E.right({ pair: pairOf(named.transaction_status, named.fraud_status), named });
};

const readPairs = (u: unknown, where: string): Read<{ pairs: Pair[]; named: StatusPair[] }> => {
  if (!Array.isArray(u)) return E.left(`${where} is not a list`);
  const pairs: Pair[] = [];
  const named: StatusPair[] = [];
  for (let i = 0; i < u.length; i++) {
    const p = readPair(u[i], `${where}[${i}]`);
    if (E.isLeft(p)) return p;
    pairs.push(p.right.pair);
    named.push(statusPair(p.right.pair));
  }
  return E.right({ pairs, named });
};

const optionalText = (r: Record<string, unknown>, key: string, where: string): Read<string | undefined> => {
  const v = r[key];
  return v === undefined || typeof v === 'string' ? E.right(v) : E.left(`${where}.${key} is not text`);
};

const readAttempt = (u: unknown): Read<AttemptState> => {
  const w = 'decision.effect.attempt';
  if (!isRecord(u)) return E.left(`${w} is not an object`);
  if (typeof u['transactionId'] !== 'string') return E.left(`${w}.transactionId is not text`);
  const now = readPair({ transaction_status: u['transaction_status'], fraud_status: u['fraud_status'] }, w);
  if (E.isLeft(now)) return now;
  const origin = u['origin'] === null ? E.right(undefined) : readPair(u['origin'], `${w}.origin`);
  if (E.isLeft(origin)) return origin;
  const path = readPairs(u['path'], `${w}.path`);
  if (E.isLeft(path)) return path;
  for (const k of ['authorizedAmount', 'grossAmount', 'refunded', 'chargedBack'])
    if (!isAmount(u[k])) return E.left(`${w}.${k} is not an amount in minor units`);
  const refunds = u['refunds'];
  if (!isRecord(refunds) || !Object.values(refunds).every(isAmount)) return E.left(`${w}.refunds is not a map of amounts`);
  let visited = 0;
  for (const p of path.right.pairs) visited = addBit(visited, p);
  const a: { -readonly [K in keyof AttemptState]: AttemptState[K] } = {
    transactionId: u['transactionId'],
    status: now.right.named.transaction_status,
    fraud: now.right.named.fraud_status,
    pair: now.right.pair,
    origin: origin.right === undefined ? START_PAIR : origin.right.pair,
    visited,
    authorizedAmount: u['authorizedAmount'] as Money,
    grossAmount: u['grossAmount'] as Money,
    refunded: u['refunded'] as Money,
    refunds: refunds as Record<string, Money>,
    chargedBack: u['chargedBack'] as Money,
  };
  for (const k of ['transactionTime', 'expiryTime', 'settlementTime'] as const) {
    const t = optionalText(u, k, w);
    if (E.isLeft(t)) return t;
    if (t.right !== undefined) a[k] = t.right;
  }
  return E.right(a);
};

const readEffect = (u: unknown): Read<Effect | undefined> => {
  if (u === undefined) return E.right(undefined);
  if (!isRecord(u)) return E.left('decision.effect is not an object');
  const e: { -readonly [K in keyof Effect]: Effect[K] } = {};
  if (u['open'] === true) e.open = true;
  if (u['requestedAmount'] !== undefined) {
    if (!isAmount(u['requestedAmount'])) return E.left('decision.effect.requestedAmount is not an amount in minor units');
    e.requestedAmount = u['requestedAmount'];
  }
  if (u['attempt'] !== undefined) {
    const a = readAttempt(u['attempt']);
    if (E.isLeft(a)) return a;
    e.attempt = a.right;
  }
  if (u['reconciles'] === true) e.reconciles = true;
  return E.right(e);
};

const OUTCOME_SET: ReadonlySet<string> = new Set(OUTCOMES);
const FLAG_SET: ReadonlySet<string> = new Set(FLAGS);
const optionalId = (u: unknown): u is string | null => u === null || typeof u === 'string';

/** The decision a stored one records, its encodings derived for this release's status lists. */
export const decodeDecision = (u: unknown): E.Either<string, Decision> => {
  if (!isRecord(u)) return E.left('decision is not an object');
  if (typeof u['outcome'] !== 'string' || !OUTCOME_SET.has(u['outcome'])) return E.left(`decision.outcome ${JSON.stringify(u['outcome'])} is not an outcome`);
  if (typeof u['code'] !== 'string' || typeof u['reason'] !== 'string') return E.left('decision.code and decision.reason must be text');
  if (!optionalId(u['orderId']) || !optionalId(u['transactionId'])) return E.left('decision.orderId and decision.transactionId must be text or null');
  const flags = u['flags'];
  if (!Array.isArray(flags) || !flags.every((f) => typeof f === 'string' && FLAG_SET.has(f))) return E.left('decision.flags is not a list of flags');
  const inferred = readPairs(u['inferred'], 'decision.inferred');
  if (E.isLeft(inferred)) return inferred;
  const effect = readEffect(u['effect']);
  if (E.isLeft(effect)) return effect;
  const d: { -readonly [K in keyof Decision]: Decision[K] } = {
    outcome: u['outcome'] as Outcome,
    code: u['code'] as ReasonCode,
    reason: u['reason'],
    orderId: u['orderId'] ?? undefined,
    transactionId: u['transactionId'] ?? undefined,
    inferred: inferred.right.named,
    flags: flags as Flag[],
  };
  if (effect.right !== undefined) d.effect = effect.right;
  return E.right(d);
};
