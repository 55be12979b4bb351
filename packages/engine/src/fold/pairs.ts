/**
 * The attempt's pairs as the fold keeps them: the set of pairs on its path (bits of an integer),
 * the status pair each one names, and the pairs where each action is allowed.
 */
import type { ActionName } from '../actions';
import { actionsAt, byPairName, fraudOf, PAIR_COUNT, txOf, type Pair } from '../compiled';
import type { AttemptState, StatusPair } from '../state';
import { START, type TransactionStatus } from '../status';

// Bits up to 2^51: arithmetic, because bitwise operators stop at 32 bits.
const BIT: readonly number[] = Array.from({ length: PAIR_COUNT }, (_, i) => 2 ** i);
export const hasBit = (set: number, p: Pair): boolean => Math.floor(set / BIT[p]!) % 2 === 1;
export const addBit = (set: number, p: Pair): number => (hasBit(set, p) ? set : set + BIT[p]!);

// The status pair of every pair, made once.
const STATUS_PAIRS: readonly StatusPair[] = Array.from({ length: PAIR_COUNT }, (_, p) => {
  const f = fraudOf(p);
  return Object.freeze({ transaction_status: txOf(p) as TransactionStatus, fraud_status: f === START ? null : f });
});

export const statusPair = (p: Pair): StatusPair => STATUS_PAIRS[p]!;

/** The pairs in which each action is allowed. */
export const ACTION_PAIRS: ReadonlyMap<ActionName, readonly Pair[]> = (() => {
  const m = new Map<ActionName, Pair[]>();
  for (let p = 0; p < PAIR_COUNT; p++) for (const a of actionsAt(p)) m.set(a, [...(m.get(a) ?? []), p]);
  // by name, so which allowing pair an answer is taken to prove does not depend on the encoding
  for (const [a, ps] of m) m.set(a, [...ps].sort(byPairName));
  return m;
})();

/** The action was allowed somewhere on the attempt's path. */
export const allowedOnPath = (a: AttemptState, action: ActionName): boolean => (ACTION_PAIRS.get(action) ?? []).some((p) => hasBit(a.visited, p));
