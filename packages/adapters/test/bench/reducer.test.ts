/**
 * The hand-written switch reducer against the engine: the same pair graph, the same outcome for
 * every observation of a seeded workload, the same final states; and a few examples of its own.
 */
import {
  compiledPath,
  createLedger,
  FRAUD_NODES,
  pairOf,
  TX_NODES,
  type LedgerEntry,
  type Observation,
  type StatusReport,
} from '@paystate/engine';
import { foldWorkload } from '../../src/bench/workload';
import { createReducerLedger, PROVEN_BY_ANSWER, reduce, reducerPair, reducerRoute, type Reduced, type ReducerState } from '../../src/bench/reducer';

describe('the reducer’s pair graph', () => {
  test('reaches exactly what the engine’s compiled table reaches, by paths of the same length', () => {
    const differences: string[] = [];
    for (const ft of TX_NODES)
      for (const ff of FRAUD_NODES)
        for (const tt of TX_NODES)
          for (const tf of FRAUD_NODES) {
            const engine = compiledPath(pairOf(ft, ff), pairOf(tt, tf));
            const mine = reducerRoute(reducerPair(ft, ff === 'start' ? null : ff), reducerPair(tt, tf === 'start' ? null : tf));
            if ((engine === undefined) !== (mine === null) || (engine !== undefined && mine !== null && engine.length !== mine.steps.length))
              differences.push(`${ft}/${ff} → ${tt}/${tf}: engine ${engine?.length ?? 'none'}, reducer ${mine?.steps.length ?? 'none'}`);
          }
    expect(differences).toEqual([]);
  });
});

/** Engine decisions the reducer deliberately judges otherwise (DOMAIN over the engine); see the report. */
const knownDisagreement = (engine: LedgerEntry, mine: Reduced): boolean =>
  // A success answer for an action the engine's recorded path never allowed, while a legal path
  // from the attempt's origin through a state allowing it leads to the answered state, which lies
  // behind (or at) the current one. DOMAIN §4 names "a late approve answer after settlement" as
  // stale; the engine only looks ahead of the current state and calls it illegal.
  engine.decision.outcome === 'illegal' && engine.decision.code === 'action_not_allowed' && mine.code === PROVEN_BY_ANSWER;

const show = (o: Observation): string => JSON.stringify(o);

describe('differential: the reducer and the engine fold the same workload alike', () => {
  test.each([20261122, 7, 424242])('seed %i: every outcome and every final state', (seed) => {
    const { observations } = foldWorkload(30_000, seed);
    const engine = createLedger();
    const reducer = createReducerLedger();
    let excluded = 0;
    const excludedExample: string[] = [];
    for (let i = 0; i < observations.length; i++) {
      const o = observations[i]!;
      const e = engine.observe(o);
      const r = reducer.observe(o);
      if (e.decision.outcome === r.outcome) continue;
      if (knownDisagreement(e, r)) {
        excluded++;
        if (excludedExample.length === 0) excludedExample.push(`#${i} ${show(o)}`);
        continue;
      }
      const history = observations.slice(0, i).filter((p) => p.orderId !== undefined && p.orderId === o.orderId);
      throw new Error(
        [
          `observation #${i} differs: ${show(o)}`,
          `engine:  ${e.decision.outcome} (${e.decision.code}) ${e.decision.reason}`,
          `reducer: ${r.outcome} (${r.code}) ${r.reason}`,
          `the order's earlier observations:`,
          ...history.map(show),
        ].join('\n'),
      );
    }
    const mismatches: string[] = [];
    const mine = reducer.orders();
    expect([...mine.keys()].sort()).toEqual([...engine.orders().keys()].sort());
    for (const [id, eo] of engine.orders()) {
      const ro = mine.get(id)!;
      const ea = eo.attempts[eo.attempts.length - 1];
      const ra = ro.attempts[ro.attempts.length - 1];
      const eView = { attempts: eo.attempts.length, version: eo.version, status: ea?.status, fraud: ea?.fraud, refunded: ea?.refunded, chargedBack: ea?.chargedBack };
      const rView = { attempts: ro.attempts.length, version: ro.version, status: ra?.status, fraud: ra?.fraud, refunded: ra?.refunded, chargedBack: ra?.chargedBack };
      if (JSON.stringify(eView) !== JSON.stringify(rView)) mismatches.push(`${id}: engine ${JSON.stringify(eView)}, reducer ${JSON.stringify(rView)}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    if (excluded > 0) console.log(`seed ${seed}: ${excluded} known disagreement(s) left out, e.g. ${excludedExample[0]}`);
  });
});
