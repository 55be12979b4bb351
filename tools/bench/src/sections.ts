/** The benchmark sections `pnpm bench` runs, in order. */
import { runCompiledFold, runXstateFold, type FoldRun } from './fold';
import { runReducerFold } from './reducer';
import { foldWorkload } from './workload';
import { projectionSection } from './projection';
import { webhookSection } from './webhook';
import { observabilitySection } from './observability';
import { ingestSection } from './ingest';
import type { BenchSection } from './benchSection';

const best = (runs: readonly FoldRun[]): FoldRun => runs.reduce((a, b) => (b.eps > a.eps ? b : a));

const fold: BenchSection = {
  name: 'fold',
  title: 'fold 1,000,000 seeded observations: compiled lookup vs xstate transition per step vs hand-written reducer',
  async run(ctx) {
    const size = ctx.events ?? (ctx.quick ? 100_000 : 1_000_000);
    const t0 = Date.now();
    const w = foldWorkload(size);
    ctx.log(`workload: ${w.observations.length.toLocaleString('en-US')} observations over ${w.orders.toLocaleString('en-US')} orders (generated in ${Date.now() - t0} ms)`);
    const compiled: FoldRun[] = [];
    const reducer: FoldRun[] = [];
    // Alternate the two fast folds so both see the same machine state; keep each one's best run.
    for (let i = 0; i < 3; i++) {
      compiled.push(runCompiledFold(w.observations));
      reducer.push(runReducerFold(w.observations));
    }
    const c = best(compiled);
    const r = best(reducer);
    ctx.log(`compiled: ${c.eps.toLocaleString('en-US')} events/s (${c.checksum})`);
    ctx.log(`reducer:  ${r.eps.toLocaleString('en-US')} events/s (${r.checksum})`);
    const x = runXstateFold(w.observations);
    ctx.log(`xstate:   ${x.eps.toLocaleString('en-US')} events/s (${x.checksum})`);
    if (c.checksum !== x.checksum || c.checksum !== r.checksum) throw new Error('the three folds disagree on the outcomes');
    ctx.log(`compiled / reducer = ${(c.eps / r.eps).toFixed(2)} (target >= 0.5); compiled / xstate = ${(c.eps / x.eps).toFixed(1)} (target >= 20)`);
    return { 'fold.compiled_eps': c.eps, 'fold.xstate_eps': x.eps, 'fold.reducer_eps': r.eps };
  },
};

export const SECTIONS: BenchSection[] = [fold, ingestSection, webhookSection, observabilitySection, projectionSection];
