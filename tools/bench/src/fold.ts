/**
 * Fold benchmark: the engine's compiled fold, the same fold asking xstate's pure `transition`
 * for each step, and a hand-written switch reducer, over one workload in one process.
 */
import { transition } from 'xstate';
import { compiledPath, fraudOf, makeDecide, pairOf, txOf, type FraudNode, type PathFinder, type TxNode } from '@paystate/engine/internal';
import { createLedger, fraudStatusMachine, transactionStatusMachine, START, type Observation } from '@paystate/engine';

/**
 * The naive way to use the machines in a fold: for every question the fold asks ("can the attempt
 * go from here to the observed state?"), resolve a snapshot of each machine from the state value
 * and ask xstate's pure `transition` what the observed status does. A single step comes from
 * xstate; a multi-step path (inferred states) falls back to the compiled table, so both folds
 * decide identically and only the cost of asking xstate differs.
 */
export const xstatePath: PathFinder = (from, to) => {
  const tx = txOf(from);
  const fraud = fraudOf(from);
  const toTx = txOf(to);
  const toFraud = fraudOf(to);
  const txSnapshot = transactionStatusMachine.resolveState({ value: tx });
  const [afterTx] = transition(transactionStatusMachine, txSnapshot, { type: toTx as never, fraud });
  let afterFraud: FraudNode = fraud;
  if (toFraud !== START) {
    const fraudSnapshot = fraudStatusMachine.resolveState({ value: fraud });
    const [next] = transition(fraudStatusMachine, fraudSnapshot, { type: toFraud, leavingPending: tx === 'pending' && toTx !== 'pending' });
    afterFraud = next.value as FraudNode;
  }
  if (from === to) return [];
  const nextTx = toTx === tx ? tx : (afterTx.value as TxNode);
  if (pairOf(nextTx, afterFraud) === to && (tx === 'start' || nextTx === tx || afterFraud === fraud || tx === 'pending')) return [to];
  return compiledPath(from, to);
};

export interface FoldRun {
  readonly eps: number;
  readonly events: number;
  readonly ms: number;
  /** A digest of the outcomes, so runs can be compared. */
  readonly checksum: string;
}

/** A full collection before each timed run, when the process allows it (`node --expose-gc`), so no run pays for another's garbage. */
export const collectGarbage = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Times one fold over the events; the checksum counts outcomes so runs can be compared. */
export const timeFold = (events: readonly Observation[], foldOne: (o: Observation) => string): FoldRun => {
  collectGarbage();
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
  return timeFold(events, (o) => ledger.observe(o).decision.outcome);
};

export const runXstateFold = (events: readonly Observation[]): FoldRun => {
  const ledger = createLedger(makeDecide(xstatePath));
  return timeFold(events, (o) => ledger.observe(o).decision.outcome);
};
