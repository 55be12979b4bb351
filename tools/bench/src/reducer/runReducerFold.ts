import type { Observation } from '@paystate/engine';
import { timeFold, type FoldRun } from '../fold';
import { createReducerLedger } from './createReducerLedger';

/** The same timing loop as `runCompiledFold`'s (bench/fold.ts). */

export const runReducerFold = (events: readonly Observation[]): FoldRun => {
  const ledger = createReducerLedger();
  return timeFold(events, (o) => ledger.observe(o).outcome);
};
