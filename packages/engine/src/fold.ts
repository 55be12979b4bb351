/**
 * The classifying fold, as a decider: `decide(state, observation)` gives every observation exactly
 * one outcome of DOMAIN §4 with a reason (and the state it leads to), `evolve(state, decision)`
 * applies a recorded decision. Folding `evolve` over the recorded decisions rebuilds the state.
 */
import type { ActionName } from './actions';
import {
  actionsAt,
  compiledPath,
  fraudOf,
  hasSelfLoop,
  PAIR_COUNT,
  pairOf,
  START_PAIR,
  txOf,
  type Pair,
  type PathFinder,
} from './compiled';
import { displayAmount, type Money } from './money';
import {
  errorOf,
  reportOf,
  type ActionResponse,
  type Observation,
  type RefundEntry,
  type StatusReport,
} from './observation';
import { notificationStatusCodes, OPENING_STATUSES, RETRYABLE_ENDINGS, START, type TransactionStatus } from './status';
import { makeOrder, withAttempt, type AttemptState, type Flag, type FlagRecord, type OrderState, type Outcome, type StatusPair } from './state';
import { planDeadlines } from './deadlines';

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/** Machine-readable reason of a decision; `reason` says the same for people. */
export type ReasonCode =
  | 'stream_opened'
  | 'attempt_opened'
  | 'retry_opened'
  | 'transition'
  | 'same_state'
  | 'behind_current'
  | 'no_legal_path'
  | 'not_authoritative'
  | 'charge_refused'
  | 'status_error'
  | 'action_refused'
  | 'action_declined'
  | 'action_not_allowed'
  | 'unexpected_action_result'
  | 'refund_key_reused'
  | 'refund_exceeds_remaining'
  | 'capture_exceeds_authorized'
  | 'inconsistent_amounts'
  | 'active_attempt'
  | 'deadline_passed'
  | 'deadline_moot'
  | 'invalid_input'
  | 'unknown_order'
  | 'no_order'
  | 'unknown_transaction'
  | 'amount_mismatch'
  | 'status_code_mismatch';

/** What applying a decision changes. */
export interface Effect {
  /** The decision opens the stream. */
  readonly open?: true;
  readonly requestedAmount?: Money;
  /** The attempt after the observation (replaces the one with its transaction_id, or is appended). */
  readonly attempt?: AttemptState;
  /** A status response reconciled the order's flags. */
  readonly reconciles?: true;
}

export interface Decision {
  readonly outcome: Outcome;
  readonly code: ReasonCode;
  readonly reason: string;
  readonly orderId: string | undefined;
  readonly transactionId: string | undefined;
  /** Skipped intermediate states the observation implies (pending → capture → settlement: capture). */
  readonly inferred: readonly StatusPair[];
  /** Flags this observation raises on its order. */
  readonly flags: readonly Flag[];
  readonly effect?: Effect;
}

/** A stream entry: the observation as received and what the engine decided about it. */
export interface Recorded {
  readonly observation: Observation;
  readonly decision: Decision;
}

// ---------------------------------------------------------------------------------------------
// evolve
// ---------------------------------------------------------------------------------------------

/**
 * Applies a decision to the order. Rejected decisions add only their flag (they are kept in a
 * separate rejection log, not in the stream); every other decision takes one stream position.
 */
export const evolve = (order: OrderState | undefined, d: Decision): OrderState | undefined => {
  let o = order;
  if (o === undefined) {
    if (d.effect?.open !== true || d.orderId === undefined) return undefined;
    o = makeOrder(d.orderId, 0, [], [], undefined, undefined);
  }
  const at = o.version;
  let flags = o.flags;
  if (d.flags.length > 0) {
    const added: FlagRecord[] = [...flags];
    for (const flag of d.flags) added.push({ flag, at, reason: d.reason });
    flags = added;
  }
  if (d.outcome === 'rejected') return flags === o.flags ? o : makeOrder(o.orderId, o.version, o.attempts, flags, o.requestedAmount, o.reconciledAt);
  const e = d.effect;
  let attempts = o.attempts;
  if (e?.attempt !== undefined) {
    const next = e.attempt;
    const i = attempts.findIndex((a) => a.transactionId === next.transactionId);
    if (i < 0) attempts = [...attempts, next];
    else {
      const copy = attempts.slice();
      copy[i] = next;
      attempts = copy;
    }
  }
  return makeOrder(o.orderId, at + 1, attempts, flags, e?.requestedAmount ?? o.requestedAmount, e?.reconciles === true ? at : o.reconciledAt);
};

// ---------------------------------------------------------------------------------------------
// formatting
// ---------------------------------------------------------------------------------------------

// Names and status pairs of every pair, made once: reasons name pairs for every observation.
const PAIR_NAMES: readonly string[] = Array.from({ length: PAIR_COUNT }, (_, p) => {
  const f = fraudOf(p);
  return f === START ? txOf(p) : `${txOf(p)}/${f}`;
});
const STATUS_PAIRS: readonly StatusPair[] = Array.from({ length: PAIR_COUNT }, (_, p) => {
  const f = fraudOf(p);
  return Object.freeze({ transaction_status: txOf(p) as TransactionStatus, fraud_status: f === START ? null : f });
});

const pairName = (p: Pair): string => PAIR_NAMES[p]!;
const statusPair = (p: Pair): StatusPair => STATUS_PAIRS[p]!;

/** Where an attempt is, with its money: `settlement with 50,000 refunded`. */
const here = (a: AttemptState): string => pairName(a.pair) + amountNote(a);

const amountNote = (a: { refunded: Money; chargedBack: Money }): string =>
  (a.refunded > 0 ? ` with ${displayAmount(a.refunded)} refunded` : '') +
  (a.chargedBack > 0 ? ` with ${displayAmount(a.chargedBack)} charged back` : '');

// ---------------------------------------------------------------------------------------------
// the pair set on a path
// ---------------------------------------------------------------------------------------------

const BIT: readonly number[] = Array.from({ length: PAIR_COUNT }, (_, i) => 2 ** i);
const hasBit = (set: number, p: Pair): boolean => Math.floor(set / BIT[p]!) % 2 === 1;
const addBit = (set: number, p: Pair): number => (hasBit(set, p) ? set : set + BIT[p]!);

const ACTION_PAIRS: ReadonlyMap<ActionName, readonly Pair[]> = (() => {
  const m = new Map<ActionName, Pair[]>();
  for (let p = 0; p < PAIR_COUNT; p++) for (const a of actionsAt(p)) m.set(a, [...(m.get(a) ?? []), p]);
  return m;
})();

const allowedOnPath = (a: AttemptState, action: ActionName): boolean =>
  (ACTION_PAIRS.get(action) ?? []).some((p) => hasBit(a.visited, p));

// ---------------------------------------------------------------------------------------------
// the decider
// ---------------------------------------------------------------------------------------------

/** A status report turned into the attempt state it claims, with money merged. */
interface Target {
  readonly pair: Pair;
  readonly gross: Money;
  readonly refunded: Money;
  readonly refunds: Readonly<Record<string, Money>>;
  readonly chargedBack: Money;
  /** The report's own amounts, where it states them (a stale report states smaller ones). */
  readonly ownRefunded: Money | undefined;
  readonly ownChargedBack: Money | undefined;
  readonly times: Pick<AttemptState, 'transactionTime' | 'expiryTime' | 'settlementTime'>;
}

type Check<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly decision: Decision };
const pass = <A>(value: A): Check<A> => ({ ok: true, value });
const fail = <A>(decision: Decision): Check<A> => ({ ok: false, decision });

/** Builds `decide` over a path finder; the default uses the compiled lookup. */
export const makeDecide = (path: PathFinder) => {
  const NO_FLAGS: readonly Flag[] = [];
  const ILLEGAL_FLAGS: readonly Flag[] = ['illegal_observation'];
  const NO_PAIRS: readonly StatusPair[] = [];
  const make = (
    outcome: Outcome,
    code: ReasonCode,
    reason: string,
    orderId: string | undefined,
    transactionId: string | undefined,
    extra?: { flags?: readonly Flag[]; inferred?: readonly StatusPair[]; effect?: Effect },
  ): Decision => {
    const d: { -readonly [K in keyof Decision]: Decision[K] } = {
      outcome,
      code,
      reason,
      orderId,
      transactionId,
      inferred: extra?.inferred ?? NO_PAIRS,
      flags: extra?.flags ?? (outcome === 'illegal' ? ILLEGAL_FLAGS : NO_FLAGS),
    };
    if (extra?.effect !== undefined) d.effect = extra.effect;
    return d;
  };

  const rejected = (o: OrderState | undefined, orderId: string | undefined, tid: string | undefined, code: ReasonCode, reason: string) =>
    make('rejected', code, reason, orderId, tid, { flags: o === undefined ? [] : ['rejected_input'] });

  const RECONCILES = { reconciles: true } as const;
  const REVERSAL_FLAGS: readonly Flag[] = ['reversal'];
  const NO_STEPS: readonly Pair[] = [];

  // --- money --------------------------------------------------------------------------------

  const mergeRefunds = (known: Readonly<Record<string, Money>>, entries: readonly RefundEntry[] | undefined) => {
    if (entries === undefined || entries.length === 0) return known;
    let out: Record<string, Money> | undefined;
    for (const r of entries) {
      const key = r.key ?? (r.id !== undefined ? `#${r.id}` : undefined);
      if (key === undefined || known[key] !== undefined || out?.[key] !== undefined) continue;
      out ??= { ...known };
      out[key] = r.amount;
    }
    return out ?? known;
  };

  const sumOf = (r: Readonly<Record<string, Money>>): Money => {
    let s = 0;
    for (const k in r) s += r[k]!;
    return s;
  };

  /** The amount a report must carry: before capture the authorized one, after it the captured one. */
  const expectedGross = (a: AttemptState, status: TransactionStatus): Money =>
    status === 'pending' || status === 'authorize' ? a.authorizedAmount : a.grossAmount;

  const NO_TIMES: Target['times'] = {};
  const timesOf = (a: Partial<AttemptState> | undefined, r: StatusReport): Target['times'] => {
    const t = r.transactionTime ?? a?.transactionTime;
    const x = r.expiryTime ?? a?.expiryTime;
    const s = r.settlementTime ?? a?.settlementTime;
    if (t === a?.transactionTime && x === a?.expiryTime && s === a?.settlementTime) return NO_TIMES;
    const out: { -readonly [K in keyof Target['times']]: Target['times'][K] } = {};
    if (t !== undefined) out.transactionTime = t;
    if (x !== undefined) out.expiryTime = x;
    if (s !== undefined) out.settlementTime = s;
    return out;
  };

  const inconsistent = (o: OrderState, a: AttemptState, reason: string): Check<Target> =>
    fail(rejected(o, o.orderId, a.transactionId, 'inconsistent_amounts', reason));

  /** A report's claimed state with money merged (notifications, status and charge responses). */
  const reportTarget = (o: OrderState, a: AttemptState, r: StatusReport): Check<Target> => {
    const gross = a.grossAmount;
    if (r.refundAmount !== undefined && r.refundAmount > gross)
      return inconsistent(o, a, `refund_amount ${displayAmount(r.refundAmount)} exceeds gross_amount ${displayAmount(gross)}`);
    if (r.status === 'partial_refund' && r.refundAmount !== undefined && r.refundAmount >= gross)
      return inconsistent(o, a, `partial_refund with refund_amount ${displayAmount(r.refundAmount)} is not below gross_amount ${displayAmount(gross)}`);
    if (r.status === 'refund' && r.refundAmount !== undefined && r.refundAmount < gross)
      return inconsistent(o, a, `refund with refund_amount ${displayAmount(r.refundAmount)} is below gross_amount ${displayAmount(gross)}`);
    const refunds = mergeRefunds(a.refunds, r.refunds);
    const listed = sumOf(refunds);
    const ownRefunded =
      r.status === 'refund' ? gross : r.refundAmount ?? (r.refunds !== undefined ? r.refunds.reduce((s, e) => s + e.amount, 0) : undefined);
    const refunded = r.status === 'refund' ? gross : Math.max(a.refunded, ownRefunded ?? 0, listed);
    const ownChargedBack = r.chargebackAmount ?? (r.status === 'chargeback' ? gross - refunded : undefined);
    const chargedBack = Math.max(a.chargedBack, ownChargedBack ?? 0);
    return pass({
      pair: pairOf(r.status, r.fraud ?? a.fraud),
      gross,
      refunded,
      refunds,
      chargedBack,
      ownRefunded,
      ownChargedBack,
      times: timesOf(a, r),
    });
  };

  // --- judging a claimed state against the attempt ------------------------------------------

  /** Applies a target reached by `steps` from the attempt's pair. */
  const applyTarget = (o: OrderState, a: AttemptState, t: Target, steps: readonly Pair[], reason: string, reconciles: boolean): Decision => {
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
    const note = inferred.length > 0 ? ` (${inferred.map(pairName).join(', ')} inferred)` : '';
    return make('applied', 'transition', note === '' ? reason : reason + note, o.orderId, a.transactionId, {
      inferred: inferred.length === 0 ? NO_PAIRS : inferred.map(statusPair),
      flags: reversal ? REVERSAL_FLAGS : NO_FLAGS,
      effect: reconciles ? { attempt, reconciles: true } : { attempt },
    });
  };

  const RECONCILE_EFFECT = { effect: RECONCILES };

  const judge = (o: OrderState, a: AttemptState, t: Target, what: string, reconciles = false): Decision => {
    const tid = a.transactionId;
    const sameMoney = t.refunded === a.refunded && t.chargedBack === a.chargedBack && t.gross === a.grossAmount;
    const ownBehind = (t.ownRefunded ?? a.refunded) < a.refunded || (t.ownChargedBack ?? a.chargedBack) < a.chargedBack;
    const keepExtra = reconciles ? RECONCILE_EFFECT : undefined;
    // Refunds and chargebacks together can never exceed the gross amount: such a state is never applied.
    const overdrawn = t.refunded + t.chargedBack > t.gross;
    if (overdrawn) {
      // fall through to stale / illegal
    } else if (t.pair === a.pair) {
      if (sameMoney)
        return ownBehind
          ? make('stale', 'behind_current', `${what} states an older amount than ${here(a)}`, o.orderId, tid, keepExtra)
          : make('duplicate', 'same_state', `${what}: already ${here(a)}`, o.orderId, tid, keepExtra);
      if (hasSelfLoop(txOf(a.pair)) && t.refunded >= a.refunded && t.chargedBack >= a.chargedBack)
        return applyTarget(o, a, t, [t.pair], `${pairName(a.pair)} → ${pairName(t.pair)}${amountNote(t)}`, reconciles);
    } else {
      const steps = path(a.pair, t.pair);
      if (steps !== undefined)
        return applyTarget(o, a, t, steps, (steps.length === 1 ? `${pairName(a.pair)} → ${pairName(t.pair)}` : [a.pair, ...steps].map(pairName).join(' → ')) + amountNote(t), reconciles);
    }
    const before = path(a.origin, t.pair);
    const after = path(t.pair, a.pair);
    if (before !== undefined && after !== undefined && sameMoney)
      return make('stale', 'behind_current', `${what} (${pairName(t.pair)}) is history: the attempt is already ${here(a)}`, o.orderId, tid, keepExtra);
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
      if (steps !== undefined)
        return applyTarget(o, a, { ...t, pair: q }, steps, `${what} (${pairName(t.pair)}) is history, its money is not: ${pairName(a.pair)} → ${pairName(q)}${amountNote(t)}`, reconciles);
    }
    return make(
      'illegal',
      'no_legal_path',
      `${what} (${pairName(t.pair)}${amountNote(t)}) is not reachable from ${here(a)} by legal edges, nor on the path from ${pairName(a.origin)}`,
      o.orderId,
      tid,
    );
  };

  // --- opening attempts ---------------------------------------------------------------------

  const open = (o: OrderState, r: StatusReport, code: ReasonCode, what: string): Decision => {
    const tid = r.transactionId;
    if (o.requestedAmount !== undefined && r.grossAmount !== o.requestedAmount)
      return rejected(
        o,
        o.orderId,
        tid,
        'amount_mismatch',
        `gross_amount ${displayAmount(r.grossAmount)} does not match the charge request's ${displayAmount(o.requestedAmount)}`,
      );
    const target = pairOf(r.status, r.fraud ?? null);
    const steps = path(START_PAIR, target);
    if (steps === undefined || steps.length === 0)
      return make('illegal', 'no_legal_path', `${what} cannot open an attempt at ${pairName(target)}`, o.orderId, tid);
    let visited = 0;
    for (const p of steps) visited = addBit(visited, p);
    const blank: AttemptState = {
      transactionId: tid,
      status: r.status,
      fraud: null,
      pair: START_PAIR,
      origin: steps.length === 1 && OPENING_STATUSES.includes(r.status) ? target : START_PAIR,
      visited,
      authorizedAmount: r.grossAmount,
      grossAmount: r.grossAmount,
      refunded: 0,
      refunds: {},
      chargedBack: 0,
    };
    const t = reportTarget(o, blank, r);
    if (!t.ok) return t.decision;
    if (t.value.refunded + t.value.chargedBack > t.value.gross)
      return make('illegal', 'inconsistent_amounts', `${what} states refunds and chargebacks above gross_amount ${displayAmount(t.value.gross)}`, o.orderId, tid);
    const inferred = steps.slice(0, -1).filter((p) => txOf(p) !== r.status);
    const attempt = withAttempt(
      blank,
      {
        status: r.status,
        fraud: r.fraud ?? null,
        pair: target,
        visited,
        grossAmount: blank.grossAmount,
        refunded: t.value.refunded,
        refunds: t.value.refunds,
        chargedBack: t.value.chargedBack,
      },
      t.value.times,
    );
    const reversal = r.status === 'deny' && steps.some((p) => txOf(p) === 'settlement');
    const note = inferred.length > 0 ? ` (${inferred.map(pairName).join(', ')} inferred)` : '';
    return make('applied', code, `${what} opens attempt ${tid} at ${pairName(target)}${note}`, o.orderId, tid, {
      inferred: inferred.map(statusPair),
      flags: reversal ? ['reversal'] : [],
      effect: { attempt },
    });
  };

  // --- checks shared by reports ----------------------------------------------------------------

  const checkAmount = (o: OrderState, a: AttemptState, r: StatusReport): Decision | undefined => {
    const expected = expectedGross(a, r.status);
    return r.grossAmount === expected
      ? undefined
      : rejected(
          o,
          o.orderId,
          a.transactionId,
          'amount_mismatch',
          `gross_amount ${displayAmount(r.grossAmount)} does not match the attempt's ${displayAmount(expected)}`,
        );
  };

  /** DOMAIN §5: a notification's status_code must match its status (the signature does not cover the status). */
  const checkStatusCode = (o: OrderState, a: AttemptState | undefined, r: StatusReport): Decision | undefined => {
    const fraud = r.fraud ?? a?.fraud ?? null;
    const expected = notificationStatusCodes(r.status, fraud);
    return expected.includes(r.statusCode)
      ? undefined
      : rejected(
          o,
          o.orderId,
          r.transactionId,
          'status_code_mismatch',
          `status_code "${r.statusCode}" does not match transaction_status ${r.status}${fraud !== null && r.status === 'capture' ? `/${fraud}` : ''} (expected ${expected.map((c) => `"${c}"`).join(' or ')})`,
        );
  };

  const findAttempt = (o: OrderState, tid: string | undefined): AttemptState | undefined => {
    if (tid === undefined) return o.attempts[o.attempts.length - 1];
    for (const a of o.attempts) if (a.transactionId === tid) return a;
    return undefined;
  };

  const KIND_WORDS = { notification: 'notification', status_response: 'status response', charge_response: 'charge response' } as const;

  /** A notification, status response or charge response that states an attempt's state. */
  const onReport = (o: OrderState, r: StatusReport, kind: 'notification' | 'status_response' | 'charge_response'): Decision => {
    const latest = o.attempts[o.attempts.length - 1];
    const a = findAttempt(o, r.transactionId);
    if (kind === 'notification') {
      const bad = checkStatusCode(o, a, r);
      if (bad !== undefined) return bad;
    }
    const what = KIND_WORDS[kind];
    if (a === undefined) {
      if (latest === undefined) return open(o, r, 'attempt_opened', what);
      if (kind !== 'charge_response')
        return rejected(o, o.orderId, r.transactionId, 'unknown_transaction', `transaction_id ${r.transactionId} is not an attempt of order ${o.orderId}`);
      if (!RETRYABLE_ENDINGS.includes(latest.status))
        return make(
          'illegal',
          'active_attempt',
          `a new transaction ${r.transactionId} while attempt ${latest.transactionId} is still ${latest.status}`,
          o.orderId,
          r.transactionId,
        );
      return open(o, r, 'retry_opened', `retry after ${latest.status}: ${what}`);
    }
    const bad = checkAmount(o, a, r);
    if (bad !== undefined) return bad;
    const t = reportTarget(o, a, r);
    if (!t.ok) return t.decision;
    return judge(o, a, t.value, what, kind === 'status_response');
  };

  // --- actions --------------------------------------------------------------------------------

  const DOCUMENTED: Record<ActionName, readonly TransactionStatus[]> = {
    approve: ['capture'],
    deny: ['deny'],
    cancel: ['cancel'],
    expire: ['expire'],
    capture: ['capture'],
    refund: ['refund', 'partial_refund'],
    direct_refund: ['refund', 'partial_refund'],
  };

  const onAction = (o: OrderState, obs: ActionResponse): Decision => {
    const report = reportOf(obs.answer);
    const error = errorOf(obs.answer);
    const tid = report?.transactionId ?? (obs.targetId !== undefined && obs.targetId !== o.orderId ? obs.targetId : undefined);
    const a = findAttempt(o, tid);
    if (a === undefined)
      return tid === undefined
        ? make('illegal', 'action_not_allowed', `${obs.action} on order ${o.orderId}, which has no attempt yet`, o.orderId, undefined)
        : rejected(o, o.orderId, tid, 'unknown_transaction', `transaction_id ${tid} is not an attempt of order ${o.orderId}`);
    const id = a.transactionId;
    // A success answer proves the precondition held on the way to the state it reports, even
    // where that way was not observed (a refund answered before the settlement notification).
    const success = report !== undefined && report.statusCode !== '202';
    const result = success ? pairOf(report.status, report.fraud ?? a.fraud) : undefined;
    const allowedOnWay =
      result !== undefined &&
      (ACTION_PAIRS.get(obs.action) ?? []).some(
        (p) =>
          p !== result &&
          path(p, result) !== undefined &&
          // ahead: the answer moves the attempt on; behind: a late answer to history skipped here
          (path(a.pair, p) !== undefined || (path(a.origin, p) !== undefined && path(result, a.pair) !== undefined)),
      );
    if (!allowedOnPath(a, obs.action) && !allowedOnWay)
      return make(
        'illegal',
        'action_not_allowed',
        `${obs.action} was never allowed on this attempt (path: ${pathNames(a)})${error !== undefined ? `; Midtrans answered ${error.statusCode}` : ''}`,
        o.orderId,
        id,
      );
    // The amount and key preconditions (DOMAIN §6) are part of "allowed", whatever Midtrans answered.
    const requested = obs.request.amount;
    if (obs.action === 'capture' && requested !== undefined && requested > a.authorizedAmount)
      return make(
        'illegal',
        'capture_exceeds_authorized',
        `capture of ${displayAmount(requested)} exceeds the authorized ${displayAmount(a.authorizedAmount)}${error !== undefined ? `; Midtrans answered ${error.statusCode}` : ''}`,
        o.orderId,
        id,
      );
    if ((obs.action === 'refund' || obs.action === 'direct_refund') && error !== undefined) {
      if (requested !== undefined && requested > a.grossAmount)
        return make(
          'illegal',
          'refund_exceeds_remaining',
          `refund of ${displayAmount(requested)} exceeds what was ever refundable (${displayAmount(a.grossAmount)}); Midtrans answered ${error.statusCode}`,
          o.orderId,
          id,
        );
      const key = obs.request.refundKey;
      if (key !== undefined && a.refunds[key] !== undefined && requested !== undefined && a.refunds[key] !== requested)
        return make(
          'illegal',
          'refund_key_reused',
          `refund_key ${key} was used for ${displayAmount(a.refunds[key]!)}; a new refund of ${displayAmount(requested)} may not reuse it; Midtrans answered ${error.statusCode}`,
          o.orderId,
          id,
        );
    }
    if (error !== undefined && !(obs.action === 'expire' && error.statusCode === '407')) {
      const code = Number(error.statusCode);
      const is4xx = code >= 400 && code < 500;
      return make(
        'ignored',
        'action_refused',
        `${obs.action} answered ${error.statusCode}${error.message !== undefined ? ` (${error.message})` : ''}: no change`,
        o.orderId,
        id,
        { flags: is4xx ? ['action_refused'] : [] },
      );
    }
    if (report === undefined) {
      // 407 without a body for expire: the documented success.
      return judge(o, a, { ...sameTarget(a), pair: pairOf('expire', a.fraud) }, 'expire answer');
    }
    if (report.statusCode === '202' && (obs.action === 'capture' || obs.action === 'refund' || obs.action === 'direct_refund'))
      return make('ignored', 'action_declined', `${obs.action} declined by the bank (202 ${report.status}): no change`, o.orderId, id);
    if (!DOCUMENTED[obs.action].includes(report.status) || (obs.action === 'approve' && report.fraud !== undefined && report.fraud !== 'accept'))
      return make(
        'illegal',
        'unexpected_action_result',
        `${obs.action} answered ${report.statusCode} with ${report.status}${report.fraud !== undefined ? `/${report.fraud}` : ''}, not its documented result (${DOCUMENTED[obs.action].join(' or ')})`,
        o.orderId,
        id,
      );
    const what = `${obs.action} answer`;
    if (obs.action === 'refund' || obs.action === 'direct_refund') return onRefund(o, a, obs, report, what);
    if (obs.action === 'capture') {
      const captured = obs.request.amount ?? report.grossAmount;
      if (captured > a.authorizedAmount)
        return make(
          'illegal',
          'capture_exceeds_authorized',
          `capture of ${displayAmount(captured)} exceeds the authorized ${displayAmount(a.authorizedAmount)}`,
          o.orderId,
          id,
        );
      if (report.grossAmount !== captured && report.grossAmount !== a.authorizedAmount)
        return rejected(o, o.orderId, id, 'amount_mismatch', `capture answer gross_amount ${displayAmount(report.grossAmount)} matches neither the capture nor the authorization`);
      const t = reportTarget(o, a, { ...report, grossAmount: a.grossAmount });
      if (!t.ok) return t.decision;
      const before = txOf(a.pair) === 'authorize' || txOf(a.pair) === 'pending';
      return judge(o, a, before ? { ...t.value, gross: captured } : t.value, what);
    }
    const bad = checkAmount(o, a, report);
    if (bad !== undefined) return bad;
    const t = reportTarget(o, a, report);
    if (!t.ok) return t.decision;
    return judge(o, a, t.value, what);
  };

  const sameTarget = (a: AttemptState): Target => ({
    pair: a.pair,
    gross: a.grossAmount,
    refunded: a.refunded,
    refunds: a.refunds,
    chargedBack: a.chargedBack,
    ownRefunded: undefined,
    ownChargedBack: undefined,
    times: {},
  });

  const onRefund = (o: OrderState, a: AttemptState, obs: ActionResponse, r: StatusReport, what: string): Decision => {
    const id = a.transactionId;
    const bad = checkAmount(o, a, r);
    if (bad !== undefined) return bad;
    const key = r.refundKey ?? obs.request.refundKey;
    const remaining = a.grossAmount - a.refunded - a.chargedBack;
    const amount = r.refundAmount ?? obs.request.amount ?? remaining;
    const pair = pairOf(r.status, r.fraud ?? a.fraud);
    if (key !== undefined && a.refunds[key] !== undefined) {
      if (a.refunds[key] !== amount)
        return make(
          'illegal',
          'refund_key_reused',
          `refund_key ${key} was used for ${displayAmount(a.refunds[key]!)}; a new refund of ${displayAmount(amount)} may not reuse it`,
          o.orderId,
          id,
        );
      // The same refund seen again: judged against the state it already produced.
      return judge(o, a, { ...sameTarget(a), pair, ownRefunded: r.status === 'refund' ? a.grossAmount : undefined }, `${what} (refund ${key} again)`);
    }
    // An earlier refund answered late, once a later one moved the attempt on: history, whose money
    // still counts unless the attempt is already fully refunded (judge merges it where it is).
    const behind = pair !== a.pair && path(a.pair, pair) === undefined && path(pair, a.pair) !== undefined;
    if (behind && (a.status === 'refund' || amount > remaining)) return judge(o, a, { ...sameTarget(a), pair }, what);
    if (amount <= 0 || amount > remaining)
      return make(
        'illegal',
        'refund_exceeds_remaining',
        `refund of ${displayAmount(amount)} exceeds the refundable remaining ${displayAmount(remaining)}`,
        o.orderId,
        id,
      );
    // `refund` means fully refunded, whatever refunds this attempt has not seen answered yet.
    const refunded = r.status === 'refund' ? a.grossAmount : a.refunded + amount;
    if (!behind && r.status === 'partial_refund' && refunded >= a.grossAmount)
      return make(
        'illegal',
        'inconsistent_amounts',
        `${what} says partial_refund, but ${displayAmount(refunded)} of ${displayAmount(a.grossAmount)} would be refunded`,
        o.orderId,
        id,
      );
    const refunds = key !== undefined ? { ...a.refunds, [key]: amount } : a.refunds;
    return judge(
      o,
      a,
      { pair, gross: a.grossAmount, refunded, refunds, chargedBack: a.chargedBack, ownRefunded: refunded, ownChargedBack: undefined, times: timesOf(a, r) },
      what,
    );
  };

  const pathNames = (a: AttemptState): string => {
    const names: string[] = [];
    for (let p = 0; p < PAIR_COUNT; p++) if (hasBit(a.visited, p)) names.push(pairName(p));
    return names.join(', ');
  };

  // --- the decider ----------------------------------------------------------------------------

  return (order: OrderState | undefined, obs: Observation): Decision => {
    const orderId = obs.orderId ?? order?.orderId;
    if (obs.kind === 'invalid')
      return rejected(order, orderId, obs.transactionId, 'invalid_input', obs.reason);
    if (obs.kind === 'charge_request') {
      if (order === undefined)
        return make('applied', 'stream_opened', `charge request for ${displayAmount(obs.grossAmount)} opens order ${obs.orderId}`, obs.orderId, undefined, {
          effect: { open: true, requestedAmount: obs.grossAmount },
        });
      const latest = order.attempts[order.attempts.length - 1];
      if (latest === undefined)
        return order.requestedAmount === obs.grossAmount
          ? make('duplicate', 'same_state', `charge request for ${displayAmount(obs.grossAmount)} seen again`, orderId, undefined)
          : make('applied', 'transition', `charge request amount is now ${displayAmount(obs.grossAmount)}`, orderId, undefined, {
              effect: { requestedAmount: obs.grossAmount },
            });
      if (RETRYABLE_ENDINGS.includes(latest.status))
        return make('applied', 'transition', `retry after ${latest.status}: charge request for ${displayAmount(obs.grossAmount)}`, orderId, undefined, {
          effect: { requestedAmount: obs.grossAmount },
        });
      return make('illegal', 'active_attempt', `charge request while attempt ${latest.transactionId} is still ${latest.status}`, orderId, undefined);
    }
    if (obs.kind === 'charge_response' && order === undefined) {
      if (orderId === undefined) return rejected(undefined, undefined, undefined, 'no_order', 'charge response names no order_id');
      const blank: OrderState = { orderId, version: 0, attempts: [], flags: [] };
      const report = reportOf(obs.answer);
      if (report === undefined) {
        const e = errorOf(obs.answer)!;
        return make('ignored', 'charge_refused', `charge answered ${e.statusCode}${e.message !== undefined ? ` (${e.message})` : ''}: no attempt`, orderId, undefined, {
          effect: { open: true },
        });
      }
      const d = onReport(blank, report, 'charge_response');
      return d.outcome === 'applied' ? { ...d, effect: { ...d.effect, open: true } } : { ...d, flags: [] };
    }
    if (order === undefined)
      return orderId === undefined
        ? rejected(undefined, undefined, undefined, 'no_order', `${obs.kind.replace('_', ' ')} names no known order`)
        : rejected(undefined, orderId, undefined, 'unknown_order', `order ${orderId} is unknown: no charge request or charge response opened it`);
    switch (obs.kind) {
      case 'charge_response': {
        const report = reportOf(obs.answer);
        if (report !== undefined) return onReport(order, report, 'charge_response');
        const e = errorOf(obs.answer)!;
        return make('ignored', 'charge_refused', `charge answered ${e.statusCode}${e.message !== undefined ? ` (${e.message})` : ''}: no attempt`, orderId, undefined);
      }
      case 'notification':
        return onReport(order, obs.report, 'notification');
      case 'status_response': {
        const report = reportOf(obs.answer);
        if (report !== undefined) return onReport(order, report, 'status_response');
        const e = errorOf(obs.answer)!;
        return make('ignored', 'status_error', `status answered ${e.statusCode}${e.message !== undefined ? ` (${e.message})` : ''}: no change`, orderId, undefined);
      }
      case 'action_response':
        return onAction(order, obs);
      case 'callback_3ds':
        return make(
          'ignored',
          'not_authoritative',
          `browser 3DS callback${obs.status !== undefined ? ` (${obs.status})` : ''} is never authoritative: wait for the notification or GET status`,
          orderId,
          obs.transactionId,
        );
      case 'deadline_passed': {
        const a = findAttempt(order, obs.transactionId);
        const awaited = a !== undefined && planDeadlines(a).some((d) => d.kind === obs.reason || d.at === obs.deadline);
        return awaited
          ? make('ignored', 'deadline_passed', `deadline ${obs.deadline} (${obs.reason}) passed while ${a.status}: reconcile with GET status`, orderId, a.transactionId, {
              flags: ['deadline_passed'],
            })
          : make('ignored', 'deadline_moot', `deadline ${obs.deadline} (${obs.reason}) no longer awaited`, orderId, a?.transactionId);
      }
    }
  };
};

/** Classifies one observation against the order's state. Pure. */
export const decide: (order: OrderState | undefined, obs: Observation) => Decision = makeDecide(compiledPath);

/** Decides and applies one observation. */
export const step = (order: OrderState | undefined, obs: Observation): { readonly state: OrderState | undefined; readonly decision: Decision } => {
  const decision = decide(order, obs);
  return { state: evolve(order, decision), decision };
};

/** Rebuilds an order from its recorded decisions. */
export const replay = (decisions: Iterable<Decision>, from?: OrderState): OrderState | undefined => {
  let s = from;
  for (const d of decisions) s = evolve(s, d);
  return s;
};

