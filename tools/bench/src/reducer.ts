/**
 * A hand-written switch reducer over the rules of DOMAIN.md, written independently of the
 * engine's machines and compiled tables. Two uses:
 *
 * - the fold benchmark's baseline: the engine's machine-derived fold is compared against this
 *   idiomatic Redux-style reducer doing the same job (classify every observation with a reason,
 *   keep the order's state, flags and money);
 * - a second implementation: a differential test folds the same seeded workload through both and
 *   compares every outcome and the final states.
 *
 * Only types and tiny helpers come from the engine. Reachability between the attempt's
 * (transaction_status, fraud_status) pairs is a `switch`-based successor function and a small
 * breadth-first search, remembered per source pair.
 *
 * It decides as the engine does, on purpose, wherever DOMAIN.md leaves a choice. Two places
 * follow DOMAIN.md where the engine does not (each marked by its own code, see the test):
 * `PROVEN_BY_ANSWER` (a late action answer whose allowing state was skipped is stale, not
 * illegal) and `LATE_MONEY` (a refund reported after a later one that changed the verdict still
 * counts, so the fold converges).
 */
import { displayAmount, formatMidtransTime, notificationStatusCodes, parseMidtransTime, type ActionName, type ActionResponse, type Flag, type FraudStatus, type Money, type Observation, type Outcome, type RefundEntry, type StatusReport, type TransactionStatus } from '@paystate/engine';
import { timeFold, type FoldRun } from './fold';

// ---------------------------------------------------------------------------------------------
// state
// ---------------------------------------------------------------------------------------------

type Tx = TransactionStatus | 'start';
type Verdict = FraudStatus | null;

export interface ReducerAttempt {
  readonly transactionId: string;
  readonly status: TransactionStatus;
  readonly fraud: Verdict;
  /** Where stale history starts: the first observed pair, or `start` when the way to it was inferred. */
  readonly originStatus: Tx;
  readonly originFraud: Verdict;
  /** The transaction statuses on the attempt's path (observed or inferred), one bit each. */
  readonly seen: number;
  /** capture/challenge lay on the path (approve and deny were allowed). */
  readonly challengeSeen: boolean;
  readonly authorizedAmount: Money;
  /** After a partial capture: the captured amount. */
  readonly grossAmount: Money;
  readonly refunded: Money;
  /** Known refunds by refund_key (or `#` + Midtrans refund id). */
  readonly refunds: Readonly<Record<string, Money>>;
  readonly chargedBack: Money;
  /** Payload times as sent (GMT+7), the latest known. */
  readonly transactionTime: string | undefined;
  readonly expiryTime: string | undefined;
  readonly settlementTime: string | undefined;
}

export interface ReducerFlag {
  readonly flag: Flag;
  readonly at: number;
  readonly reason: string;
}

export interface ReducerState {
  readonly orderId: string;
  /** Observations held by the stream (rejected ones are not). */
  readonly version: number;
  /** The amount of the latest charge request, which the next opening charge must match. */
  readonly requestedAmount: Money | undefined;
  readonly attempts: readonly ReducerAttempt[];
  readonly flags: readonly ReducerFlag[];
  /** Stream position of the latest status response folded without objection. */
  readonly reconciledAt: number | undefined;
}

export interface Reduced {
  readonly state: ReducerState | undefined;
  readonly outcome: Outcome;
  readonly code: string;
  readonly reason: string;
  /** The attempt the observation concerned, when one was found or opened. */
  readonly transactionId: string | undefined;
}

/**
 * Code of a success answer for an action that the attempt's recorded path never allowed, but that
 * a legal path from the attempt's origin through a state that allows it leads to the answered
 * state (DOMAIN §4: "a late approve answer after settlement" is stale). The engine calls it
 * illegal; the differential test leaves these out (see the test).
 */
export const PROVEN_BY_ANSWER = 'precondition_proven_by_answer';

// ---------------------------------------------------------------------------------------------
// the pair graph, by hand
// ---------------------------------------------------------------------------------------------

const TXS: readonly Tx[] = [
  'start',
  'pending',
  'authorize',
  'capture',
  'settlement',
  'partial_refund',
  'refund',
  'partial_chargeback',
  'chargeback',
  'deny',
  'cancel',
  'expire',
  'failure',
];
const VERDICTS: readonly Verdict[] = [null, 'accept', 'challenge', 'deny'];

const txIndex = (tx: Tx): number => {
  switch (tx) {
    case 'start':
      return 0;
    case 'pending':
      return 1;
    case 'authorize':
      return 2;
    case 'capture':
      return 3;
    case 'settlement':
      return 4;
    case 'partial_refund':
      return 5;
    case 'refund':
      return 6;
    case 'partial_chargeback':
      return 7;
    case 'chargeback':
      return 8;
    case 'deny':
      return 9;
    case 'cancel':
      return 10;
    case 'expire':
      return 11;
    case 'failure':
      return 12;
  }
};

const verdictIndex = (f: Verdict): number => {
  switch (f) {
    case null:
      return 0;
    case 'accept':
      return 1;
    case 'challenge':
      return 2;
    case 'deny':
      return 3;
  }
};

const PAIRS = TXS.length * 4;
const pairCode = (tx: Tx, f: Verdict): number => txIndex(tx) * 4 + verdictIndex(f);
const txAt = (p: number): Tx => TXS[p >> 2]!;
const verdictAt = (p: number): Verdict => VERDICTS[p & 3]!;
const START = 0;
const CAPTURE_CHALLENGE = pairCode('capture', 'challenge');
const bit = (tx: Tx): number => 1 << txIndex(tx);
const PENDING = bit('pending');
const AUTHORIZE = bit('authorize');
const CAPTURE = bit('capture');
const SETTLEMENT = bit('settlement');
const PARTIAL_REFUND = bit('partial_refund');

/** DOMAIN §2: the statuses that may directly follow `tx` (self-loops excluded). */
const statusMoves = (tx: Tx, fraud: Verdict): readonly TransactionStatus[] => {
  switch (tx) {
    case 'start':
      return ['pending', 'authorize', 'capture', 'deny'];
    case 'pending':
      return ['capture', 'authorize', 'deny', 'expire', 'cancel', 'failure'];
    case 'authorize':
      return ['capture', 'deny', 'cancel', 'expire'];
    case 'capture':
      // deny only while the FDS verdict is challenge
      return fraud === 'challenge' ? ['settlement', 'cancel', 'deny'] : ['settlement', 'cancel'];
    case 'settlement':
      return ['refund', 'partial_refund', 'chargeback', 'partial_chargeback', 'deny'];
    case 'partial_refund':
      return ['refund'];
    case 'partial_chargeback':
      return ['chargeback'];
    case 'refund':
    case 'chargeback':
    case 'deny':
    case 'cancel':
    case 'expire':
    case 'failure':
      return [];
  }
};

/** A transaction status that may follow itself with larger amounts. */
const repeats = (tx: Tx): boolean => tx === 'partial_refund' || tx === 'partial_chargeback';

/** DOMAIN §3: the verdicts that may replace `f`; a verdict given while pending is provisional. */
const verdictMoves = (f: Verdict, leavingPending: boolean): readonly FraudStatus[] => {
  switch (f) {
    case null:
      return ['accept', 'challenge', 'deny'];
    case 'challenge':
      return ['accept', 'deny'];
    case 'accept':
      return leavingPending ? ['challenge', 'deny'] : [];
    case 'deny':
      return leavingPending ? ['accept', 'challenge'] : [];
  }
};

/** One step of the pair: the status moves (keeping the verdict), the verdict moves, or both when leaving pending. */
const successors = (p: number): number[] => {
  const tx = txAt(p);
  const f = verdictAt(p);
  const out: number[] = [];
  const add = (q: number) => {
    if (q !== p && !out.includes(q)) out.push(q);
  };
  if (tx === 'start') {
    if (f !== null) return out;
    for (const t of statusMoves(tx, null)) {
      add(pairCode(t, null));
      for (const g of verdictMoves(null, false)) add(pairCode(t, g));
    }
    return out;
  }
  for (const t of statusMoves(tx, f)) add(pairCode(t, f));
  for (const g of verdictMoves(f, false)) add(pairCode(tx, g));
  if (tx === 'pending') for (const t of statusMoves(tx, f)) for (const g of verdictMoves(f, true)) add(pairCode(t, g));
  return byName(out);
};

/** Where shortest ways tie, the one through the pair whose `status/verdict` name sorts first (the rule book's names, not any list order). */
const pairNameOf = (p: number): string => `${txAt(p)}/${verdictAt(p) ?? 'start'}`;
const byName = (ps: number[]): number[] => ps.sort((p, q) => (pairNameOf(p) < pairNameOf(q) ? -1 : pairNameOf(p) > pairNameOf(q) ? 1 : 0));

/** A shortest way between two pairs. */
export interface Route {
  /** The pairs after the source, ending with the target. */
  readonly steps: readonly number[];
  /** Status bits of the steps. */
  readonly seen: number;
  readonly challenged: boolean;
  readonly viaSettlement: boolean;
}

const HERE: Route = { steps: [], seen: 0, challenged: false, viaSettlement: false };

const searchFrom = (from: number): (Route | null)[] => {
  const found: (Route | null)[] = new Array<Route | null>(PAIRS).fill(null);
  found[from] = HERE;
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const p = queue[i]!;
    const r = found[p]!;
    for (const q of successors(p)) {
      if (found[q] !== null) continue;
      const tx = txAt(q);
      found[q] = {
        steps: [...r.steps, q],
        seen: r.seen | bit(tx),
        challenged: r.challenged || q === CAPTURE_CHALLENGE,
        viaSettlement: r.viaSettlement || tx === 'settlement',
      };
      queue.push(q);
    }
  }
  return found;
};

const ROWS: ((Route | null)[] | undefined)[] = new Array<(Route | null)[] | undefined>(PAIRS).fill(undefined);

/** The shortest legal way `from → to`, `HERE` when equal, null when there is none. */
export const reducerRoute = (from: number, to: number): Route | null => {
  let row = ROWS[from];
  if (row === undefined) row = ROWS[from] = searchFrom(from);
  return row[to]!;
};
export { pairCode as reducerPair };

/** The way `from → vias… → to`, each leg the shortest; null when a leg has none. */
const routeThrough = (from: number, vias: readonly number[], to: number): Route | null => {
  let at = from;
  let steps: number[] = [];
  let seen = 0;
  let challenged = false;
  let viaSettlement = false;
  for (const v of [...vias, to]) {
    if (v === at) continue;
    const leg = reducerRoute(at, v);
    if (leg === null) return null;
    steps = [...steps, ...leg.steps];
    seen |= leg.seen;
    challenged ||= leg.challenged;
    viaSettlement ||= leg.viaSettlement;
    at = v;
  }
  return { steps, seen, challenged, viaSettlement };
};

// ---------------------------------------------------------------------------------------------
// actions (DOMAIN §6)
// ---------------------------------------------------------------------------------------------

const allPairsOf = (txs: readonly Tx[]): number[] => txs.flatMap((t) => VERDICTS.map((f) => pairCode(t, f)));

const ACTION_PAIRS: Readonly<Record<ActionName, readonly number[]>> = {
  approve: [CAPTURE_CHALLENGE],
  deny: [CAPTURE_CHALLENGE],
  cancel: allPairsOf(['pending', 'authorize', 'capture']),
  expire: allPairsOf(['pending']),
  capture: allPairsOf(['authorize']),
  refund: allPairsOf(['settlement', 'partial_refund']),
  direct_refund: allPairsOf(['settlement', 'partial_refund']),
};

const allowedOnPath = (a: ReducerAttempt, action: ActionName): boolean => {
  switch (action) {
    case 'approve':
    case 'deny':
      return a.challengeSeen;
    case 'cancel':
      return (a.seen & (PENDING | AUTHORIZE | CAPTURE)) !== 0;
    case 'expire':
      return (a.seen & PENDING) !== 0;
    case 'capture':
      return (a.seen & AUTHORIZE) !== 0;
    case 'refund':
    case 'direct_refund':
      return (a.seen & (SETTLEMENT | PARTIAL_REFUND)) !== 0;
  }
};

/** Some state allowing the action lies on a legal way `from → … → result`. */
const allowedOnWay = (action: ActionName, from: number, result: number): boolean =>
  ACTION_PAIRS[action].some((p) => p !== result && reducerRoute(from, p) !== null && reducerRoute(p, result) !== null);

/** The statuses a 2xx answer of the action may report. */
const documented = (action: ActionName, status: TransactionStatus): boolean => {
  switch (action) {
    case 'approve':
    case 'capture':
      return status === 'capture';
    case 'deny':
      return status === 'deny';
    case 'cancel':
      return status === 'cancel';
    case 'expire':
      return status === 'expire';
    case 'refund':
    case 'direct_refund':
      return status === 'refund' || status === 'partial_refund';
  }
};

const documentedText = (action: ActionName): string => {
  switch (action) {
    case 'approve':
    case 'capture':
      return 'capture';
    case 'deny':
    case 'cancel':
    case 'expire':
      return action;
    case 'refund':
    case 'direct_refund':
      return 'refund or partial_refund';
  }
};

// ---------------------------------------------------------------------------------------------
// decisions
// ---------------------------------------------------------------------------------------------

interface Judgement {
  readonly outcome: Outcome;
  readonly code: string;
  readonly reason: string;
  readonly tid: string | undefined;
  readonly flags: readonly Flag[];
  /** The attempt after the observation: replaces the one with its id, or is appended. */
  readonly attempt?: ReducerAttempt;
  readonly requestedAmount?: Money;
  readonly opens?: boolean;
  readonly reconciles?: boolean;
}

const NO_FLAGS: readonly Flag[] = [];
const ILLEGAL_FLAGS: readonly Flag[] = ['illegal_observation'];
const REJECTED_FLAGS: readonly Flag[] = ['rejected_input'];
const REVERSAL_FLAGS: readonly Flag[] = ['reversal'];

const judgement = (outcome: Outcome, code: string, reason: string, tid: string | undefined): Judgement => ({
  outcome,
  code,
  reason,
  tid,
  flags: outcome === 'illegal' ? ILLEGAL_FLAGS : NO_FLAGS,
});

const rejectedIn = (o: ReducerState | undefined, tid: string | undefined, code: string, reason: string): Judgement => ({
  outcome: 'rejected',
  code,
  reason,
  tid,
  flags: o === undefined ? NO_FLAGS : REJECTED_FLAGS,
});

const nameOf = (tx: Tx, f: Verdict): string => (f === null ? tx : `${tx}/${f}`);
const pairName = (p: number): string => nameOf(txAt(p), verdictAt(p));
const money = (refunded: Money, chargedBack: Money): string =>
  (refunded > 0 ? `, ${displayAmount(refunded)} refunded` : '') + (chargedBack > 0 ? `, ${displayAmount(chargedBack)} charged back` : '');
const describe = (a: ReducerAttempt): string => nameOf(a.status, a.fraud) + money(a.refunded, a.chargedBack);
const answered = (e: { statusCode: string; message?: string }): string => `${e.statusCode}${e.message !== undefined ? ` (${e.message})` : ''}`;

/** What a statement claims about the attempt, money merged. */
interface Claim {
  readonly status: TransactionStatus;
  readonly fraud: Verdict;
  readonly gross: Money;
  readonly refunded: Money;
  readonly refunds: Readonly<Record<string, Money>>;
  readonly chargedBack: Money;
  /** The amounts the statement itself gives, where it gives them. */
  readonly ownRefunded: Money | undefined;
  readonly ownChargedBack: Money | undefined;
  /** Payload times, when the claim carries any. */
  readonly report: StatusReport | undefined;
  /** Pairs the answer proves were passed on the way (a precondition, a partial capture). */
  readonly via?: readonly number[];
}

const sameClaim = (a: ReducerAttempt, status: TransactionStatus, fraud: Verdict, ownRefunded?: Money): Claim => ({
  status,
  fraud,
  gross: a.grossAmount,
  refunded: a.refunded,
  refunds: a.refunds,
  chargedBack: a.chargedBack,
  ownRefunded,
  ownChargedBack: undefined,
  report: undefined,
});

const withRefunds = (known: Readonly<Record<string, Money>>, list: readonly RefundEntry[] | undefined): Readonly<Record<string, Money>> => {
  if (list === undefined) return known;
  let merged: Record<string, Money> | undefined;
  for (const e of list) {
    const key = e.key !== undefined ? e.key : e.id !== undefined ? `#${e.id}` : undefined;
    if (key === undefined || known[key] !== undefined || (merged !== undefined && merged[key] !== undefined)) continue;
    merged = { ...(merged ?? known), [key]: e.amount };
  }
  return merged ?? known;
};

const total = (r: Readonly<Record<string, Money>>): Money => {
  let sum = 0;
  for (const k in r) sum += r[k]!;
  return sum;
};

/** DOMAIN §5, §7: a report's statement with the attempt's money merged in, or why it is inconsistent. */
const claimOf = (o: ReducerState | undefined, a: ReducerAttempt, r: StatusReport): Claim | Judgement => {
  const gross = a.grossAmount;
  const bad = (reason: string) => rejectedIn(o, a.transactionId, 'inconsistent_amounts', reason);
  const stated = r.refundAmount;
  switch (r.status) {
    case 'refund':
      if (stated !== undefined && stated !== gross)
        return bad(`refund states refund_amount ${displayAmount(stated)}, but a full refund is ${displayAmount(gross)}`);
      break;
    case 'partial_refund':
      if (stated !== undefined && stated >= gross)
        return bad(`partial_refund states refund_amount ${displayAmount(stated)}, not below gross_amount ${displayAmount(gross)}`);
      break;
    default:
      if (stated !== undefined && stated > gross)
        return bad(`refund_amount ${displayAmount(stated)} is more than gross_amount ${displayAmount(gross)}`);
  }
  const refunds = withRefunds(a.refunds, r.refunds);
  let ownRefunded: Money | undefined;
  let refunded: Money;
  if (r.status === 'refund') {
    ownRefunded = gross;
    refunded = gross;
  } else {
    ownRefunded = stated;
    if (ownRefunded === undefined && r.refunds !== undefined) {
      ownRefunded = 0;
      for (const e of r.refunds) ownRefunded += e.amount;
    }
    // the known refunds never add up to more than `a.refunded`, so only new entries need a sum
    refunded = Math.max(a.refunded, ownRefunded ?? 0, refunds === a.refunds ? 0 : total(refunds));
  }
  const ownChargedBack = r.chargebackAmount !== undefined ? r.chargebackAmount : r.status === 'chargeback' ? gross - refunded : undefined;
  const chargedBack = Math.max(a.chargedBack, ownChargedBack ?? 0);
  return {
    // partial refunds that add up to the whole amount are a refund
    status: r.status === 'partial_refund' && refunded > 0 && refunded === gross ? 'refund' : r.status,
    fraud: r.fraud ?? a.fraud,
    gross,
    refunded,
    refunds,
    chargedBack,
    ownRefunded,
    ownChargedBack,
    report: r,
  };
};


/** Moves the attempt to the claimed state along `route`. */
const advance = (a: ReducerAttempt, c: Claim, route: Route, what: string, reconciles: boolean): Judgement => {
  const from = a.status;
  let note = '';
  if (route.steps.length > 1) {
    const skipped: string[] = [];
    for (let i = 0; i < route.steps.length - 1; i++) {
      const p = route.steps[i]!;
      const tx = txAt(p);
      if (tx !== from && tx !== c.status) skipped.push(pairName(p));
    }
    if (skipped.length > 0) note = `, by way of ${skipped.join(', ')} (inferred)`;
  }
  const reversal = c.status === 'deny' && (from === 'settlement' || route.viaSettlement);
  const r = c.report;
  const attempt: ReducerAttempt = {
    ...a,
    status: c.status,
    fraud: c.fraud,
    seen: a.seen | route.seen,
    challengeSeen: a.challengeSeen || route.challenged,
    grossAmount: c.gross,
    refunded: c.refunded,
    refunds: c.refunds,
    chargedBack: c.chargedBack,
    transactionTime: r?.transactionTime ?? a.transactionTime,
    expiryTime: r?.expiryTime ?? a.expiryTime,
    settlementTime: r?.settlementTime ?? a.settlementTime,
  };
  return {
    outcome: 'applied',
    code: 'transition',
    reason: `${what}: ${describe(a)} moves to ${nameOf(c.status, c.fraud)}${money(c.refunded, c.chargedBack)}${note}`,
    tid: a.transactionId,
    flags: reversal ? REVERSAL_FLAGS : NO_FLAGS,
    attempt,
    reconciles,
  };
};

/**
 * Code of an observation whose state lies behind the attempt's but whose money is new to it: the
 * reducer merges the money into the current state (DOMAIN §4 convergence); the engine drops it.
 * The differential test leaves these orders out from there on (see the test).
 */
export const LATE_MONEY = 'late_money_merged';

const lateMoney = (
  a: ReducerAttempt,
  refunded: Money,
  refunds: Readonly<Record<string, Money>>,
  chargedBack: Money,
  why: string,
  reconciles: boolean,
): Judgement => ({
  outcome: 'applied',
  code: LATE_MONEY,
  reason: `${why}, but its money is new: now${money(refunded, chargedBack)}`,
  tid: a.transactionId,
  flags: NO_FLAGS,
  attempt: { ...a, refunded, refunds, chargedBack },
  reconciles,
});

/** fraud_status deny comes with transaction_status deny only (DOMAIN §3). */
const denyOutsideDeny = (status: TransactionStatus, what: string, tid: string): Judgement =>
  judgement('illegal', 'fraud_deny', `${what} says ${status}/deny, which Midtrans never reports: deny comes only with deny`, tid);

/** DOMAIN §4: applied, duplicate, stale or illegal, for a claimed state of a known attempt. */
const judge = (a: ReducerAttempt, c: Claim, what: string, reconciles: boolean): Judgement => {
  const here = pairCode(a.status, a.fraud);
  const there = pairCode(c.status, c.fraud);
  const sameMoney = c.refunded === a.refunded && c.chargedBack === a.chargedBack && c.gross === a.grossAmount;
  // refunds and chargebacks together never exceed the gross amount: such a state is never reached
  const overdrawn = c.refunded + c.chargedBack > c.gross;
  const keep = (outcome: Outcome, code: string, reason: string): Judgement => ({
    outcome,
    code,
    reason,
    tid: a.transactionId,
    flags: NO_FLAGS,
    reconciles,
  });
  if (c.fraud === 'deny' && c.status !== 'deny') return denyOutsideDeny(c.status, what, a.transactionId);
  if (overdrawn) {
    // only history (stale) or illegal
  } else if (there === here) {
    if (sameMoney) {
      const older = (c.ownRefunded ?? a.refunded) < a.refunded || (c.ownChargedBack ?? a.chargedBack) < a.chargedBack;
      return older
        ? keep('stale', 'older_amounts', `${what} gives smaller amounts than the attempt's ${describe(a)}: an earlier statement`)
        : keep('duplicate', 'seen_before', `${what} repeats what is known: ${describe(a)}`);
    }
    if (repeats(a.status) && c.refunded >= a.refunded && c.chargedBack >= a.chargedBack)
      return advance(a, c, { steps: [there], seen: 0, challenged: false, viaSettlement: false }, what, reconciles);
  } else {
    const way = (c.via !== undefined ? routeThrough(here, c.via, there) : null) ?? reducerRoute(here, there);
    if (way !== null) return advance(a, c, way, what, reconciles);
  }
  const origin = pairCode(a.originStatus, a.originFraud);
  if (reducerRoute(origin, there) !== null && reducerRoute(there, here) !== null) {
    if (sameMoney) return keep('stale', 'history', `${what} (${nameOf(c.status, c.fraud)}) is already behind the attempt, now ${describe(a)}`);
    // History that carries money the attempt has not seen (a refund made before the verdict
    // changed, reported late): DOMAIN §4 convergence wants the same amounts whatever the delivery
    // order, and the current state may take larger amounts by its own self-loop.
    if (!overdrawn && repeats(a.status) && c.gross === a.grossAmount && c.refunded >= a.refunded && c.chargedBack >= a.chargedBack)
      return lateMoney(a, c.refunded, c.refunds, c.chargedBack, `${what} (${nameOf(c.status, c.fraud)}) is behind the attempt, now ${describe(a)}`, reconciles);
  }
  return judgement(
    'illegal',
    'unreachable',
    `${what} (${nameOf(c.status, c.fraud)}${money(c.refunded, c.chargedBack)}) cannot follow ${describe(a)}, nor lie between ${nameOf(a.originStatus, a.originFraud)} and it`,
    a.transactionId,
  );
};

// ---------------------------------------------------------------------------------------------
// reports: charge responses, notifications, status responses
// ---------------------------------------------------------------------------------------------

const isRetryable = (s: TransactionStatus): boolean => {
  switch (s) {
    case 'deny':
    case 'cancel':
    case 'expire':
    case 'failure':
      return true;
    default:
      return false;
  }
};

const isOpening = (s: TransactionStatus): boolean => {
  switch (s) {
    case 'pending':
    case 'authorize':
    case 'capture':
    case 'deny':
      return true;
    default:
      return false;
  }
};

const BLANK: ReducerAttempt = {
  transactionId: '',
  status: 'pending',
  fraud: null,
  originStatus: 'start',
  originFraud: null,
  seen: 0,
  challengeSeen: false,
  authorizedAmount: 0,
  grossAmount: 0,
  refunded: 0,
  refunds: {},
  chargedBack: 0,
  transactionTime: undefined,
  expiryTime: undefined,
  settlementTime: undefined,
};

const openAttempt = (o: ReducerState, r: StatusReport, code: string, what: string): Judgement => {
  const tid = r.transactionId;
  if (o.requestedAmount !== undefined && o.requestedAmount !== r.grossAmount)
    return rejectedIn(o, tid, 'amount_mismatch', `gross_amount ${displayAmount(r.grossAmount)} differs from the requested ${displayAmount(o.requestedAmount)}`);
  const fraud = r.fraud ?? null;
  if (fraud === 'deny' && r.status !== 'deny') return denyOutsideDeny(r.status, what, tid);
  const first = claimOf(o, { ...BLANK, transactionId: tid, authorizedAmount: r.grossAmount, grossAmount: r.grossAmount }, r);
  if ('outcome' in first) return first;
  const status = first.status;
  const target = pairCode(status, fraud);
  const way = reducerRoute(START, target);
  if (way === null || way.steps.length === 0) return judgement('illegal', 'unreachable', `${what} cannot open an attempt at ${nameOf(status, fraud)}`, tid);
  const direct = way.steps.length === 1 && isOpening(status);
  const blank: ReducerAttempt = {
    transactionId: tid,
    status,
    fraud: null,
    originStatus: direct ? status : 'start',
    originFraud: direct ? fraud : null,
    seen: way.seen,
    challengeSeen: way.challenged,
    authorizedAmount: r.grossAmount,
    grossAmount: r.grossAmount,
    refunded: 0,
    refunds: {},
    chargedBack: 0,
    transactionTime: r.transactionTime,
    expiryTime: r.expiryTime,
    settlementTime: r.settlementTime,
  };
  const c = claimOf(o, blank, r);
  if ('outcome' in c) return c;
  if (c.refunded + c.chargedBack > c.gross)
    return judgement('illegal', 'inconsistent_amounts', `${what} opens with refunds and chargebacks above gross_amount ${displayAmount(c.gross)}`, tid);
  const skipped: string[] = [];
  for (let i = 0; i < way.steps.length - 1; i++) if (txAt(way.steps[i]!) !== status) skipped.push(pairName(way.steps[i]!));
  return {
    outcome: 'applied',
    code,
    reason: `${what} opens attempt ${tid} at ${nameOf(status, fraud)}${money(c.refunded, c.chargedBack)}${skipped.length > 0 ? `, by way of ${skipped.join(', ')} (inferred)` : ''}`,
    tid,
    flags: status === 'deny' && way.viaSettlement ? REVERSAL_FLAGS : NO_FLAGS,
    attempt: { ...blank, fraud, refunded: c.refunded, refunds: c.refunds, chargedBack: c.chargedBack },
  };
};

const attemptOf = (o: ReducerState, tid: string | undefined): ReducerAttempt | undefined => {
  const list = o.attempts;
  if (tid === undefined) return list[list.length - 1];
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.transactionId === tid) return list[i];
  return undefined;
};

/**
 * DOMAIN §6b.2: a captured (or later) status stated with less than the authorized amount, before
 * any capture was seen: the partial capture itself. The pairs it proves were passed.
 */
const partialCapture = (a: ReducerAttempt, r: StatusReport): readonly number[] | undefined => {
  if ((a.status !== 'pending' && a.status !== 'authorize') || a.grossAmount !== a.authorizedAmount) return undefined;
  if (!(r.grossAmount > 0 && r.grossAmount < a.authorizedAmount)) return undefined;
  switch (r.status) {
    case 'capture':
    case 'settlement':
    case 'refund':
    case 'partial_refund':
    case 'chargeback':
    case 'partial_chargeback':
    case 'cancel':
    case 'deny': {
      const verdict = r.fraud === 'accept' || r.fraud === 'challenge' ? r.fraud : a.fraud === 'deny' ? null : a.fraud;
      return [pairCode('authorize', a.fraud), pairCode('capture', verdict)];
    }
    default:
      return undefined;
  }
};

/** DOMAIN §5: the amount a statement must carry, before capture the authorized one, after it the captured one. */
const amountCheck = (o: ReducerState, a: ReducerAttempt, r: StatusReport): Judgement | undefined => {
  // DOMAIN §6b.5: after a partial capture every status, a late pending included, states the captured amount
  const expected = a.grossAmount;
  return r.grossAmount === expected
    ? undefined
    : rejectedIn(o, a.transactionId, 'amount_mismatch', `gross_amount ${displayAmount(r.grossAmount)} is not the attempt's ${displayAmount(expected)}`);
};

type ReportKind = 'notification' | 'status response' | 'charge response';

const onReport = (o: ReducerState, r: StatusReport, what: ReportKind): Judgement => {
  const tid = r.transactionId;
  const a = attemptOf(o, tid);
  if (what === 'notification') {
    // the signature does not cover the status: its status_code must match it
    const fraud = r.fraud ?? a?.fraud ?? null;
    const codes = notificationStatusCodes(r.status, fraud);
    if (!codes.includes(r.statusCode))
      return rejectedIn(o, tid, 'status_code_mismatch', `notification says ${r.status} with status_code "${r.statusCode}"; expected ${codes.map((c) => `"${c}"`).join(' or ')}`);
  }
  if (a === undefined) {
    const latest = o.attempts[o.attempts.length - 1];
    if (latest === undefined) return openAttempt(o, r, 'attempt_opened', what);
    if (what !== 'charge response') return rejectedIn(o, tid, 'unknown_transaction', `order ${o.orderId} has no attempt ${tid}`);
    if (!isRetryable(latest.status))
      return judgement('illegal', 'active_attempt', `new transaction ${tid} while attempt ${latest.transactionId} is still ${latest.status}`, tid);
    return openAttempt(o, r, 'retry_opened', `retry after ${latest.status}: ${what}`);
  }
  const partial = what === 'charge response' ? undefined : partialCapture(a, r);
  if (partial !== undefined) {
    const c = claimOf(o, { ...a, grossAmount: r.grossAmount }, r);
    if ('outcome' in c) return c;
    return judge(a, { ...c, via: partial }, what, what === 'status response');
  }
  const wrong = amountCheck(o, a, r);
  if (wrong !== undefined) return wrong;
  const c = claimOf(o, a, r);
  if ('outcome' in c) return c;
  return judge(a, c, what, what === 'status response');
};

// ---------------------------------------------------------------------------------------------
// action answers
// ---------------------------------------------------------------------------------------------

const onRefund = (a: ReducerAttempt, obs: ActionResponse, r: StatusReport, what: string, via: readonly number[]): Judgement => {
  const tid = a.transactionId;
  const key = r.refundKey ?? obs.request.refundKey;
  const remaining = a.grossAmount - a.refunded - a.chargedBack;
  const amount = r.refundAmount ?? obs.request.amount ?? remaining;
  const fraud = r.fraud ?? a.fraud;
  if (key !== undefined) {
    const before = a.refunds[key];
    if (before !== undefined) {
      if (before !== amount)
        return judgement(
          'illegal',
          'refund_key_reused',
          `refund_key ${key} already names a refund of ${displayAmount(before)}; it cannot name one of ${displayAmount(amount)}`,
          tid,
        );
      // the same refund again: judged against what it already did
      return judge(a, sameClaim(a, r.status, fraud, r.status === 'refund' ? a.grossAmount : undefined), `${what} for refund ${key} again`, false);
    }
  }
  // DOMAIN §6b.4: the refunds known by key (and chargebacks) leave no room for this one, ever
  const room = a.grossAmount - total(a.refunds) - a.chargedBack;
  if (amount > room)
    return judgement('illegal', 'refund_never_fits', `a refund of ${displayAmount(amount)} never fitted: the known refunds leave ${displayAmount(room)}`, tid);
  // partial refunds that add up to the whole amount are a refund
  const status: TransactionStatus = r.status === 'partial_refund' && a.refunded + amount === a.grossAmount ? 'refund' : r.status;
  const here = pairCode(a.status, a.fraud);
  const there = pairCode(status, fraud);
  if (there !== here && reducerRoute(here, there) === null && reducerRoute(there, here) !== null) {
    // An earlier refund answered after a later one moved the attempt on. When its key is new and
    // every known refund is keyed (so it is not counted yet), its amount still counts (DOMAIN §4
    // convergence), by the current partial_refund's self-loop.
    const refunded = a.refunded + amount;
    if (
      key !== undefined &&
      a.status === 'partial_refund' &&
      amount > 0 &&
      refunded < a.grossAmount - a.chargedBack &&
      total(a.refunds) === a.refunded &&
      reducerRoute(pairCode(a.originStatus, a.originFraud), there) !== null
    )
      return lateMoney(a, refunded, { ...a.refunds, [key]: amount }, a.chargedBack, `${what} (${nameOf(r.status, fraud)}) is behind the attempt, now ${describe(a)}`, false);
    return judge(a, sameClaim(a, status, fraud), what, false);
  }
  if (amount <= 0 || amount > remaining)
    return judgement('illegal', 'refund_exceeds_remaining', `a refund of ${displayAmount(amount)} is more than the ${displayAmount(remaining)} left to refund`, tid);
  const refunded = status === 'refund' ? a.grossAmount : a.refunded + amount;
  return judge(
    a,
    {
      via,
      status,
      fraud,
      gross: a.grossAmount,
      refunded,
      refunds: key !== undefined ? { ...a.refunds, [key]: amount } : a.refunds,
      chargedBack: a.chargedBack,
      ownRefunded: refunded,
      ownChargedBack: undefined,
      report: r,
    },
    what,
    false,
  );
};

const onAction = (o: ReducerState, obs: ActionResponse): Judgement => {
  const ans = obs.answer;
  const r = 'report' in ans ? ans.report : undefined;
  const err = 'error' in ans ? ans.error : undefined;
  const tid = r !== undefined ? r.transactionId : obs.targetId !== undefined && obs.targetId !== o.orderId ? obs.targetId : undefined;
  const found = attemptOf(o, tid);
  const action = obs.action;
  // an answer (other than capture's own) stating a partial capture not seen yet
  const partial = found !== undefined && r !== undefined && action !== 'capture' && r.statusCode !== '202' ? partialCapture(found, r) : undefined;
  const a = found !== undefined && partial !== undefined && r !== undefined ? { ...found, grossAmount: r.grossAmount } : found;
  if (a === undefined)
    return tid === undefined
      ? judgement('illegal', 'no_attempt', `${action} on order ${o.orderId} before any attempt exists`, undefined)
      : rejectedIn(o, tid, 'unknown_transaction', `order ${o.orderId} has no attempt ${tid}`);
  const id = a.transactionId;
  // DOMAIN §6b.9: the input checks come before anything §6 says
  if (r !== undefined) {
    const wrong = action === 'capture' ? captureAmountCheck(o, a, obs, r) : amountCheck(o, a, r);
    if (wrong !== undefined) return wrong;
  }
  // A success answer proves the precondition held somewhere on the way to the state it reports.
  let provenByAnswer = false;
  const via: number[] = partial !== undefined ? [...partial] : [];
  if (!allowedOnPath(a, action)) {
    const success = r !== undefined && r.statusCode !== '202';
    const result = success ? pairCode(r.status, r.fraud ?? a.fraud) : -1;
    const here = pairCode(a.status, a.fraud);
    const ahead = success ? ACTION_PAIRS[action].find((p) => p !== result && reducerRoute(here, p) !== null && reducerRoute(p, result) !== null) : undefined;
    if (ahead !== undefined) via.push(ahead);
    if (!success || !allowedOnWay(action, here, result)) {
      // DOMAIN §4/§6: an action allowed earlier and answered after the state moved on is stale or
      // a duplicate ("a late approve answer after settlement"): the answer proves the way from the
      // attempt's origin went through a state allowing it, when the answered state lies behind
      // (or at) the current one. The engine only looks ahead of the current state.
      if (success && reducerRoute(result, here) !== null && allowedOnWay(action, pairCode(a.originStatus, a.originFraud), result)) provenByAnswer = true;
      else
        return judgement(
          'illegal',
          'action_not_allowed',
          `${action} was not allowed anywhere on this attempt's path, now ${describe(a)}${err !== undefined ? `; answered ${err.statusCode}` : ''}`,
          id,
        );
    }
  }
  const decided = actionAnswer(o, a, obs, r, err, via);
  if (!provenByAnswer) return decided;
  return decided.outcome === 'stale' || decided.outcome === 'duplicate'
    ? { ...decided, code: PROVEN_BY_ANSWER, reason: `${decided.reason}; the answer proves ${action} was allowed earlier on the way` }
    : judgement('illegal', 'action_not_allowed', `${action} was not allowed anywhere on this attempt's path, now ${describe(a)}`, id);
};

/** A capture answer's gross_amount: the capture's, the authorization's, or the attempt's. */
const captureAmountCheck = (o: ReducerState, a: ReducerAttempt, obs: ActionResponse, r: StatusReport): Judgement | undefined => {
  const captured = obs.request.amount ?? r.grossAmount;
  return r.grossAmount === captured || r.grossAmount === a.authorizedAmount || r.grossAmount === a.grossAmount
    ? undefined
    : rejectedIn(o, a.transactionId, 'amount_mismatch', `capture answer gross_amount ${displayAmount(r.grossAmount)} is neither the capture nor the authorization`);
};

const actionAnswer = (
  o: ReducerState,
  a: ReducerAttempt,
  obs: ActionResponse,
  r: StatusReport | undefined,
  err: { statusCode: string; message?: string } | undefined,
  via: readonly number[],
): Judgement => {
  const action = obs.action;
  const id = a.transactionId;
  // the amount and refund_key preconditions are part of "allowed", whatever Midtrans answered
  const asked = obs.request.amount;
  const refusedWith = err !== undefined ? `; answered ${err.statusCode}` : '';
  switch (action) {
    case 'capture':
      if (asked !== undefined && asked > a.authorizedAmount)
        return judgement('illegal', 'capture_exceeds_authorized', `capture of ${displayAmount(asked)} is more than the ${displayAmount(a.authorizedAmount)} authorized${refusedWith}`, id);
      break;
    case 'refund':
    case 'direct_refund': {
      if (err === undefined || asked === undefined) break;
      if (asked > a.grossAmount)
        return judgement('illegal', 'refund_exceeds_remaining', `a refund of ${displayAmount(asked)} is more than was ever refundable (${displayAmount(a.grossAmount)})${refusedWith}`, id);
      const key = obs.request.refundKey;
      const before = key === undefined ? undefined : a.refunds[key];
      if (before !== undefined && before !== asked)
        return judgement('illegal', 'refund_key_reused', `refund_key ${key!} already names a refund of ${displayAmount(before)}, not one of ${displayAmount(asked)}${refusedWith}`, id);
      break;
    }
    default:
      break;
  }
  if (err !== undefined && !(action === 'expire' && err.statusCode === '407')) {
    const code = Number(err.statusCode);
    return {
      outcome: 'ignored',
      code: 'action_refused',
      reason: `${action} answered ${answered(err)}; nothing changes`,
      tid: id,
      flags: code >= 400 && code < 500 ? ['action_refused'] : NO_FLAGS,
    };
  }
  if (r === undefined) return judge(a, sameClaim(a, 'expire', a.fraud), 'expire answer', false);
  if (r.statusCode === '202')
    switch (action) {
      case 'capture':
      case 'refund':
      case 'direct_refund':
        return judgement('ignored', 'action_declined', `the bank declined ${action} (202 ${r.status}); nothing changes`, id);
      default:
        break;
    }
  if (!documented(action, r.status) || (action === 'approve' && r.fraud !== undefined && r.fraud !== 'accept'))
    return judgement(
      'illegal',
      'unexpected_action_result',
      `${action} answered ${r.statusCode} ${nameOf(r.status, r.fraud ?? null)}, but its result is ${documentedText(action)}`,
      id,
    );
  const what = `${action} answer`;
  switch (action) {
    case 'refund':
    case 'direct_refund':
      return onRefund(a, obs, r, what, via);
    case 'capture': {
      const captured = obs.request.amount ?? r.grossAmount;
      if (captured > a.authorizedAmount)
        return judgement('illegal', 'capture_exceeds_authorized', `capture of ${displayAmount(captured)} is more than the ${displayAmount(a.authorizedAmount)} authorized`, id);
      const c = claimOf(o, a, { ...r, grossAmount: a.grossAmount });
      if ('outcome' in c) return c;
      return judge(a, { ...(a.status === 'authorize' || a.status === 'pending' ? { ...c, gross: captured } : c), via }, what, false);
    }
    default: {
      const c = claimOf(o, a, r);
      if ('outcome' in c) return c;
      return judge(a, { ...c, via }, what, false);
    }
  }
};

// ---------------------------------------------------------------------------------------------
// deadlines (DOMAIN §8)
// ---------------------------------------------------------------------------------------------

const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;
const GMT7 = 7 * 60 * MINUTE;

/** The next day at 16:00 GMT+7. */
const settlesAt = (t: number): number => {
  const local = new Date(t + GMT7);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1, 16) - GMT7;
};

/** The attempt still awaits a deadline of this kind, or at this moment. */
const awaits = (a: ReducerAttempt, kind: string, at: string): boolean => {
  switch (a.status) {
    case 'pending': {
      const t = parseMidtransTime(a.transactionTime);
      const expiry = parseMidtransTime(a.expiryTime) ?? (t === undefined ? undefined : t + 10 * MINUTE);
      return expiry !== undefined && (kind === '3ds_expiry' || formatMidtransTime(expiry) === at);
    }
    case 'authorize': {
      const t = parseMidtransTime(a.transactionTime);
      return t !== undefined && (kind === 'authorization_expiry' || formatMidtransTime(t + 7 * DAY) === at);
    }
    case 'capture': {
      const t = parseMidtransTime(a.transactionTime);
      return t !== undefined && (kind === 'settlement' || (kind === 'challenge_auto_cancel' && a.fraud === 'challenge') || formatMidtransTime(settlesAt(t)) === at);
    }
    default:
      return false;
  }
};

// ---------------------------------------------------------------------------------------------
// the reducer
// ---------------------------------------------------------------------------------------------

const classify = (o: ReducerState | undefined, obs: Observation): Judgement => {
  switch (obs.kind) {
    case 'invalid':
      // DOMAIN §4, §6b.8: a notification that failed its signature or decoding (or a callback, or
      // a line of no known kind) is not authenticated and never touches an order, not even a flag
      return rejectedIn(
        obs.received === 'notification' || obs.received === 'callback_3ds' || obs.received === 'unknown' ? undefined : o,
        obs.transactionId,
        'invalid_input',
        obs.reason,
      );
    case 'charge_request': {
      const amount = displayAmount(obs.grossAmount);
      if (o === undefined)
        return { ...judgement('applied', 'stream_opened', `order ${obs.orderId} opened by a charge request for ${amount}`, undefined), opens: true, requestedAmount: obs.grossAmount };
      const latest = o.attempts[o.attempts.length - 1];
      // DOMAIN §6b.6: the same request as the last one recorded is a retried request
      if (o.requestedAmount === obs.grossAmount) return judgement('duplicate', 'seen_before', `the charge request for ${amount} again`, undefined);
      if (latest === undefined)
        return { ...judgement('applied', 'transition', `the charge request now asks for ${amount}`, undefined), requestedAmount: obs.grossAmount };
      if (isRetryable(latest.status))
        return { ...judgement('applied', 'transition', `a retry after ${latest.status}: charge request for ${amount}`, undefined), requestedAmount: obs.grossAmount };
      return judgement('illegal', 'active_attempt', `charge request while attempt ${latest.transactionId} is still ${latest.status}`, undefined);
    }
    case 'charge_response': {
      const ans = obs.answer;
      if (o === undefined) {
        const orderId = obs.orderId;
        if (orderId === undefined) return rejectedIn(undefined, undefined, 'no_order', 'a charge response without order_id');
        if ('error' in ans)
          return { ...judgement('ignored', 'charge_refused', `charge answered ${answered(ans.error)}; no attempt`, undefined), opens: true };
        const j = onReport({ orderId, version: 0, requestedAmount: undefined, attempts: [], flags: [], reconciledAt: undefined }, ans.report, 'charge response');
        return j.outcome === 'applied' ? { ...j, opens: true } : { ...j, flags: NO_FLAGS };
      }
      if ('error' in ans) return judgement('ignored', 'charge_refused', `charge answered ${answered(ans.error)}; no attempt`, undefined);
      return onReport(o, ans.report, 'charge response');
    }
    default:
      break;
  }
  if (o === undefined)
    return obs.orderId === undefined
      ? rejectedIn(undefined, undefined, 'no_order', `a ${obs.kind.replace('_', ' ')} for no known order`)
      : rejectedIn(undefined, undefined, 'unknown_order', `order ${obs.orderId} is unknown: nothing opened it`);
  switch (obs.kind) {
    case 'notification':
      return onReport(o, obs.report, 'notification');
    case 'status_response': {
      const ans = obs.answer;
      return 'error' in ans
        ? judgement('ignored', 'status_error', `GET status answered ${answered(ans.error)}; nothing changes`, undefined)
        : onReport(o, ans.report, 'status response');
    }
    case 'action_response':
      return onAction(o, obs);
    case 'callback_3ds':
      return judgement(
        'ignored',
        'not_authoritative',
        `the browser's 3DS callback${obs.status !== undefined ? ` (${obs.status})` : ''} is never authoritative; wait for Midtrans`,
        obs.transactionId,
      );
    case 'deadline_passed': {
      const a = attemptOf(o, obs.transactionId);
      if (a !== undefined && awaits(a, obs.reason, obs.deadline))
        return {
          ...judgement('ignored', 'deadline_passed', `${obs.reason} deadline ${obs.deadline} passed while ${a.status}; ask GET status`, a.transactionId),
          flags: ['deadline_passed'],
        };
      return judgement('ignored', 'deadline_moot', `${obs.reason} deadline ${obs.deadline} is no longer awaited`, a?.transactionId);
    }
  }
};

/** Records a judgement in the order's state. */
const record = (o: ReducerState | undefined, orderId: string | undefined, j: Judgement): ReducerState | undefined => {
  let s = o;
  if (s === undefined) {
    if (j.opens !== true || orderId === undefined) return undefined;
    s = { orderId, version: 0, requestedAmount: undefined, attempts: [], flags: [], reconciledAt: undefined };
  }
  const at = s.version;
  const flags = j.flags.length === 0 ? s.flags : [...s.flags, ...j.flags.map((flag) => ({ flag, at, reason: j.reason }))];
  if (j.outcome === 'rejected') return flags === s.flags ? s : { ...s, flags };
  let attempts = s.attempts;
  const next = j.attempt;
  if (next !== undefined) {
    const i = attempts.findIndex((x) => x.transactionId === next.transactionId);
    attempts = i < 0 ? [...attempts, next] : attempts.map((x, k) => (k === i ? next : x));
  }
  return {
    orderId: s.orderId,
    version: at + 1,
    // a charge request changes the requested amount; a status response reconciles the flags before it
    requestedAmount: j.requestedAmount ?? s.requestedAmount,
    attempts,
    flags,
    reconciledAt: j.reconciles === true ? at : s.reconciledAt,
  };
};

/** Classifies one observation against one order's state and applies it. Pure. */
export const reduce = (state: ReducerState | undefined, obs: Observation): Reduced => {
  const j = classify(state, obs);
  return { state: record(state, obs.orderId ?? state?.orderId, j), outcome: j.outcome, code: j.code, reason: j.reason, transactionId: j.tid };
};

// ---------------------------------------------------------------------------------------------
// many orders, routed as the engine's ledger routes them
// ---------------------------------------------------------------------------------------------

export interface ReducerLedger {
  observe(obs: Observation): Reduced;
  order(orderId: string): ReducerState | undefined;
  orders(): ReadonlyMap<string, ReducerState>;
}

const transactionIdIn = (o: Observation): string | undefined => {
  switch (o.kind) {
    case 'notification':
      return o.report.transactionId;
    case 'charge_response':
    case 'status_response':
    case 'action_response':
      return 'report' in o.answer ? o.answer.report.transactionId : undefined;
    case 'callback_3ds':
    case 'deadline_passed':
    case 'invalid':
      return o.transactionId;
    case 'charge_request':
      return undefined;
  }
};

export const createReducerLedger = (): ReducerLedger => {
  const orders = new Map<string, ReducerState>();
  const byTransaction = new Map<string, string>();
  const resolve = (obs: Observation): string | undefined => {
    if (obs.orderId !== undefined) return obs.orderId;
    const target = obs.kind === 'action_response' || obs.kind === 'status_response' ? obs.targetId : undefined;
    if (target !== undefined && orders.has(target)) return target;
    const tid = transactionIdIn(obs) ?? target;
    return tid === undefined ? undefined : byTransaction.get(tid);
  };
  return {
    observe(obs) {
      const orderId = resolve(obs);
      const before = orderId === undefined ? undefined : orders.get(orderId);
      const routed: Observation = orderId !== undefined && obs.orderId === undefined ? { ...obs, orderId } : obs;
      const out = reduce(before, routed);
      const after = out.state;
      if (after !== undefined && after !== before) {
        orders.set(after.orderId, after);
        if (out.outcome === 'applied' && out.transactionId !== undefined) byTransaction.set(out.transactionId, after.orderId);
      }
      return out;
    },
    order: (id) => orders.get(id),
    orders: () => orders,
  };
};

// ---------------------------------------------------------------------------------------------
// the benchmark run
// ---------------------------------------------------------------------------------------------

/** The same timing loop as `runCompiledFold`'s (bench/fold.ts). */

export const runReducerFold = (events: readonly Observation[]): FoldRun => {
  const ledger = createReducerLedger();
  return timeFold(events, (o) => ledger.observe(o).outcome);
};
