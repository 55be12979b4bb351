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
export { createReducerLedger, type ReducerLedger } from './createReducerLedger';
export { PROVEN_BY_ANSWER } from './onAction';
export { LATE_MONEY } from './judge';
export { reduce } from './reduce';
export { reducerPair, reducerRoute, type Route } from './reducerRoute';
export type { Reduced, ReducerAttempt, ReducerFlag, ReducerState } from './reducerState';
export { runReducerFold } from './runReducerFold';
