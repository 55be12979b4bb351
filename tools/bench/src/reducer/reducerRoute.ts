/** The attempt's (transaction_status, fraud_status) pair graph, by hand, and shortest routes in it. */
import type { FraudStatus, TransactionStatus } from '@paystate/engine';
import type { Tx, Verdict } from './reducerState';

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
export const VERDICTS: readonly Verdict[] = [null, 'accept', 'challenge', 'deny'];

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
export const pairCode = (tx: Tx, f: Verdict): number => txIndex(tx) * 4 + verdictIndex(f);
export const txAt = (p: number): Tx => TXS[p >> 2]!;
export const verdictAt = (p: number): Verdict => VERDICTS[p & 3]!;
export const START = 0;
export const CAPTURE_CHALLENGE = pairCode('capture', 'challenge');
const bit = (tx: Tx): number => 1 << txIndex(tx);
export const PENDING = bit('pending');
export const AUTHORIZE = bit('authorize');
export const CAPTURE = bit('capture');
export const SETTLEMENT = bit('settlement');
export const PARTIAL_REFUND = bit('partial_refund');

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
export const repeats = (tx: Tx): boolean => tx === 'partial_refund' || tx === 'partial_chargeback';

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
export const routeThrough = (from: number, vias: readonly number[], to: number): Route | null => {
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
