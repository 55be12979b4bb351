/**
 * Fold benchmark: the engine's compiled fold, the same fold asking xstate's pure `transition`
 * for each step, and a hand-written switch reducer, over one workload in one process.
 */
import { transition } from 'xstate';
import {
  compiledPath,
  createLedger,
  fraudOf,
  fraudStatusMachine,
  makeDecide,
  pairOf,
  transactionStatusMachine,
  txOf,
  START,
  type FraudNode,
  type Observation,
  type PathFinder,
  type TxNode,
} from '@paystate/engine';

/**
 * A path finder that asks xstate for every single step: both machines' pure `transition` on a
 * snapshot resolved from the state value. Multi-step paths (inferred states) fall back to the
 * compiled table, so the two folds decide identically.
 */
export const xstatePath: PathFinder = (from, to) => {
  if (from === to) return [];
  const tx = txOf(from);
  const fraud = fraudOf(from);
  const toTx = txOf(to);
  const toFraud = fraudOf(to);
  let nextTx: TxNode = tx;
  if (toTx !== tx) {
    const snap = transactionStatusMachine.resolveState({ value: tx });
    const [next] = transition(transactionStatusMachine, snap, { type: toTx as never, fraud });
    nextTx = next.value as TxNode;
  }
  let nextFraud: FraudNode = fraud;
  if (toFraud !== fraud && toFraud !== START) {
    const snap = fraudStatusMachine.resolveState({ value: fraud });
    const [next] = transition(fraudStatusMachine, snap, { type: toFraud, leavingPending: tx === 'pending' && toTx !== 'pending' });
    nextFraud = next.value as FraudNode;
  }
  if (pairOf(nextTx, nextFraud) === to && (tx === 'start' || nextTx === tx || nextFraud === fraud || tx === 'pending')) return [to];
  return compiledPath(from, to);
};

export interface FoldRun {
  readonly eps: number;
  readonly events: number;
  readonly ms: number;
  /** A digest of the outcomes, so runs can be compared. */
  readonly checksum: string;
}

const time = (events: readonly Observation[], foldOne: (o: Observation) => string): FoldRun => {
  const counts = new Map<string, number>();
  const t0 = process.hrtime.bigint();
  for (const o of events) {
    const outcome = foldOne(o);
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const checksum = [...counts.entries()].sort().map(([k, v]) => `${k}=${v}`).join(' ');
  return { eps: Math.round(events.length / (ms / 1000)), events: events.length, ms: Math.round(ms), checksum };
};

export const runCompiledFold = (events: readonly Observation[]): FoldRun => {
  const ledger = createLedger();
  return time(events, (o) => ledger.observe(o).decision.outcome);
};

export const runXstateFold = (events: readonly Observation[]): FoldRun => {
  const ledger = createLedger(makeDecide(xstatePath));
  return time(events, (o) => ledger.observe(o).decision.outcome);
};
