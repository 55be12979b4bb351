/**
 * Fold benchmark: the engine's compiled fold, the same decisions walked through xstate's pure
 * `transition` step by step, and a hand-written switch reducer, over one workload in one process.
 */
import { transition } from 'xstate';
import { compiledPath, fraudOf, pairOf, START_PAIR, txOf, type FraudNode, type Pair, type TxNode } from '@paystate/engine/internal';
import {
  createLedger,
  fraudStatusMachine,
  reportOf,
  transactionStatusMachine,
  START,
  type Decision,
  type Observation,
  type OrderState,
  type StatusReport,
} from '@paystate/engine';

/**
 * One step of an attempt's (transaction_status, fraud_status) pair asked of xstate, the naive way:
 * a snapshot of each machine is resolved from the state value and xstate's pure `transition` is
 * called with the observed status. The pair xstate reaches.
 */
export const xstateStep = (from: Pair, to: Pair): Pair => {
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
  return pairOf(afterTx.value as TxNode, afterFraud);
};

/** The report an observation states, if any. */
const reportIn = (o: Observation): StatusReport | undefined => {
  switch (o.kind) {
    case 'notification':
      return o.report;
    case 'charge_response':
    case 'status_response':
    case 'action_response':
      return reportOf(o.answer);
    default:
      return undefined;
  }
};

/** What the xstate fold counts when xstate and the engine's decision part ways (the run then fails on the checksum). */
export const XSTATE_DISAGREES = 'xstate_disagrees';

/**
 * Walks one decision through xstate. A decision that moves an attempt is walked step by step along
 * its path, and xstate must reach every step; any other observation that states an attempt's state
 * asks xstate once what that status does from where the attempt is. The outcome, or
 * `XSTATE_DISAGREES`.
 */
export const throughXstate = (before: OrderState | undefined, o: Observation, d: Decision): string => {
  const tid = d.transactionId;
  const attempt = tid === undefined ? undefined : before?.attempts.find((a) => a.transactionId === tid);
  const from = attempt?.pair ?? START_PAIR;
  const moved = d.effect?.attempt;
  if (moved !== undefined) {
    // an unchanged pair is a self-loop (a further partial refund or chargeback)
    const steps = moved.pair === from ? [from] : compiledPath(from, moved.pair);
    if (steps === undefined) return XSTATE_DISAGREES;
    let at = from;
    for (const step of steps) {
      if (xstateStep(at, step) !== step) return XSTATE_DISAGREES;
      at = step;
    }
    return d.outcome;
  }
  const report = reportIn(o);
  if (report !== undefined) xstateStep(from, pairOf(report.status, report.fraud ?? attempt?.fraud ?? null));
  return d.outcome;
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

/** The engine's decisions, each walked through xstate (see `throughXstate`). */
export const runXstateFold = (events: readonly Observation[]): FoldRun => {
  const ledger = createLedger();
  return timeFold(events, (o) => {
    const orderId = ledger.resolve(o);
    const before = orderId === undefined ? undefined : ledger.order(orderId);
    return throughXstate(before, o, ledger.observe(o).decision);
  });
};
