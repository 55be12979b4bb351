/**
 * Judges a claimed state (a `Target`) against the attempt: the same state again, a legal move
 * (with the states it skipped inferred), history, or no legal path at all.
 */
import { compiledPath as path, fraudOf, hasSelfLoop, pairOf, txOf, type Pair } from '../compiled';
import { withAttempt, type AttemptState, type Flag, type OrderState } from '../state';
import { START, type TransactionStatus } from '../status';
import { decision, NO_PAIRS, type Decision } from './decision';
import { addBit, statusPair } from './pairs';
import type { Reason, Subject } from './reasons';
import type { Target } from './target';

const NO_FLAGS: readonly Flag[] = [];
const REVERSAL_FLAGS: readonly Flag[] = ['reversal'];
const NO_STEPS: readonly Pair[] = [];
const RECONCILE_EFFECT = { effect: { reconciles: true } } as const;

/** How a move is worded: its own path, or a report that is history but whose money is news. */
type Move = { readonly case: 'move' } | { readonly case: 'history_money'; readonly subject: Subject; readonly stated: Pair };
const MOVE: Move = { case: 'move' };

/** Applies a target reached by `steps` from the attempt's pair. */
const applyTarget = (o: OrderState, a: AttemptState, t: Target, steps: readonly Pair[], move: Move, reconciles: boolean): Decision => {
  let visited = a.visited;
  for (const p of steps) visited = addBit(visited, p);
  const fromTx = txOf(a.pair);
  const toTx = txOf(t.pair);
  const inferred = steps.length <= 1 ? NO_STEPS : steps.slice(0, -1).filter((p) => txOf(p) !== fromTx && txOf(p) !== toTx);
  const reversal = toTx === 'deny' && (fromTx === 'settlement' || steps.some((p) => txOf(p) === 'settlement'));
  const f = fraudOf(t.pair);
  const attempt = withAttempt(
    a,
    {
      status: toTx as TransactionStatus,
      fraud: f === START ? null : f,
      pair: t.pair,
      visited,
      grossAmount: t.gross,
      refunded: t.refunded,
      refunds: t.refunds,
      chargedBack: t.chargedBack,
    },
    t.times,
  );
  const reason: Reason =
    move.case === 'move'
      ? { code: 'transition', case: 'move', from: a.pair, steps, money: t, inferred }
      : { code: 'transition', case: 'history_money', subject: move.subject, stated: move.stated, from: a.pair, to: t.pair, money: t, inferred };
  return decision('applied', reason, o.orderId, a.transactionId, {
    inferred: inferred.length === 0 ? NO_PAIRS : inferred.map(statusPair),
    flags: reversal ? REVERSAL_FLAGS : NO_FLAGS,
    effect: reconciles ? { attempt, reconciles: true } : { attempt },
  });
};

/** fraud_status deny comes only with transaction_status deny: any other such pair is not a Midtrans state. */
export const isFraudDenyOutsideDeny = (p: Pair): boolean => fraudOf(p) === 'deny' && txOf(p) !== 'deny';

/** The legal way from one pair to another, through the `via` pairs when a legal way passes them all. */
const stepsVia = (from: Pair, to: Pair, via: readonly Pair[] | undefined): readonly Pair[] | undefined => {
  const direct = path(from, to);
  if (via === undefined) return direct;
  const steps: Pair[] = [];
  let at = from;
  for (const v of via) {
    if (v === at || v === to) continue;
    const seg = path(at, v);
    if (seg === undefined) return direct;
    steps.push(...seg);
    at = v;
  }
  const tail = at === to ? [] : path(at, to);
  return tail === undefined ? direct : [...steps, ...tail];
};

/** The decision about a claimed state; a status response that is not objected to reconciles. */
export const judge = (o: OrderState, a: AttemptState, t: Target, subject: Subject, reconciles = false): Decision => {
  const tid = a.transactionId;
  const sameMoney = t.refunded === a.refunded && t.chargedBack === a.chargedBack && t.gross === a.grossAmount;
  const ownBehind = (t.ownRefunded ?? a.refunded) < a.refunded || (t.ownChargedBack ?? a.chargedBack) < a.chargedBack;
  const keepExtra = reconciles ? RECONCILE_EFFECT : undefined;
  // Refunds and chargebacks together can never exceed the gross amount: such a state is never applied.
  const overdrawn = t.refunded + t.chargedBack > t.gross;
  if (isFraudDenyOutsideDeny(t.pair)) return decision('illegal', { code: 'no_legal_path', case: 'fraud_deny', subject, stated: t.pair }, o.orderId, tid);
  if (overdrawn) {
    // fall through to stale / illegal
  } else if (t.pair === a.pair) {
    if (sameMoney)
      return ownBehind
        ? decision('stale', { code: 'behind_current', case: 'older_amount', subject, at: a }, o.orderId, tid, keepExtra)
        : decision('duplicate', { code: 'same_state', case: 'report', subject, at: a }, o.orderId, tid, keepExtra);
    if (hasSelfLoop(txOf(a.pair)) && t.refunded >= a.refunded && t.chargedBack >= a.chargedBack) return applyTarget(o, a, t, [t.pair], MOVE, reconciles);
  } else {
    const steps = stepsVia(a.pair, t.pair, t.via);
    if (steps !== undefined) return applyTarget(o, a, t, steps, MOVE, reconciles);
  }
  const before = path(a.origin, t.pair);
  const after = path(t.pair, a.pair);
  if (before !== undefined && after !== undefined && sameMoney)
    return decision('stale', { code: 'behind_current', case: 'history', subject, stated: t.pair, at: a }, o.orderId, tid, keepExtra);
  // A report whose status is history but whose refunds (or chargebacks) are news: the money is
  // applied from where the attempt is, so the result does not depend on the delivery order.
  if (!overdrawn && before !== undefined && after !== undefined && t.refunded >= a.refunded && t.chargedBack >= a.chargedBack) {
    const fraud = fraudOf(a.pair);
    const tx = txOf(a.pair);
    const moved =
      t.chargedBack > a.chargedBack
        ? t.chargedBack >= t.gross ? 'chargeback' : 'partial_chargeback'
        : t.refunded > a.refunded
          ? t.refunded >= t.gross ? 'refund' : 'partial_refund'
          : tx;
    const q = pairOf(moved as TransactionStatus, fraud);
    const steps = q === a.pair ? (hasSelfLoop(tx) ? [q] : undefined) : path(a.pair, q);
    if (steps !== undefined) return applyTarget(o, a, { ...t, pair: q }, steps, { case: 'history_money', subject, stated: t.pair }, reconciles);
  }
  return decision('illegal', { code: 'no_legal_path', case: 'unreachable', subject, stated: t.pair, money: t, at: a, origin: a.origin }, o.orderId, tid);
};
