/**
 * What logging and metrics cost the webhook, measured so that a loaded machine blurs both sides
 * alike: two `paystate serve` processes on SQLite side by side, one as it runs by default (a JSON
 * log line per request, Prometheus metrics) and one with `--log-level silent --no-metrics`, both
 * warmed up, then short timed rounds alternating between them (ABBA, so a drift in the machine's
 * load weighs on both). Each adjacent pair gives a ratio; the median and the spread are reported.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cardOrder, type CardOrder } from '@paystate/adapters/testing';
import { paystateArgv, spawnListening, stopProcess, type ServeProcess } from '../../../packages/cli/src/processes';
import { collectGarbage } from './fold';
import { mix, openOrders, runLoad, SERVER_KEY, type LoadRun } from './webhook';
import type { BenchSection } from './benchSection';

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const orders = (tag: string, n: number): CardOrder[] => Array.from({ length: n }, (_, i) => cardOrder(tag, i, SERVER_KEY));

export const observabilitySection: BenchSection = {
  name: 'observability',
  title: 'the webhook on SQLite with logging + metrics (serve\'s default) vs --log-level silent --no-metrics, alternating rounds',
  async run(ctx) {
    const perRound = ctx.quick ? 300 : 1_000; // orders per round: 3 notifications each
    const rounds = ctx.quick ? 4 : 8;
    const run = randomBytes(4).toString('hex');
    const dir = mkdtempSync(join(tmpdir(), 'paystate-bench-obs-'));
    const servers: ServeProcess[] = [];
    try {
      const sides = [
        { name: 'on', args: [] as string[], url: `sqlite:${join(dir, 'on.db')}` },
        { name: 'off', args: ['--log-level', 'silent', '--no-metrics'], url: `sqlite:${join(dir, 'off.db')}` },
      ] as const;
      // Warm-up plus one set of orders per round, opened (untimed) before anything is measured.
      const batches = sides.map((side) => Array.from({ length: rounds + 1 }, (_, r) => orders(`obs-${run}-${side.name}-${r}`, perRound)));
      for (const [i, side] of sides.entries()) await openOrders(side.url, batches[i]!.flat());
      for (const side of sides) servers.push(await spawnListening(paystateArgv(['serve', '--port', '0', '--store', side.url, '--server-key', SERVER_KEY, ...side.args]), { keepLines: false }));
      for (const [i, s] of servers.entries()) await runLoad(s.port, mix(batches[i]![0]!));
      ctx.log(`${rounds} rounds of ${(perRound * 3).toLocaleString('en-US')} notifications per side, after a warm-up of as many`);
      const results: { on: LoadRun; off: LoadRun }[] = [];
      for (let r = 1; r <= rounds; r++) {
        // ABBA: on first in odd rounds, off first in even ones.
        const order = r % 2 === 1 ? [0, 1] : [1, 0];
        const got: LoadRun[] = [];
        for (const i of order) {
          collectGarbage();
          got[i] = await runLoad(servers[i]!.port, mix(batches[i]![r]!));
          const bad = Object.entries(got[i]!.statuses).filter(([s]) => s !== '200');
          if (bad.length > 0) throw new Error(`${sides[i]!.name}: ${JSON.stringify(Object.fromEntries(bad))}`);
        }
        results.push({ on: got[0]!, off: got[1]! });
        ctx.log(`round ${r}: on ${got[0]!.rps.toLocaleString('en-US')} rps (p99 ${got[0]!.p99} ms), off ${got[1]!.rps.toLocaleString('en-US')} rps (p99 ${got[1]!.p99} ms), on / off ${(got[0]!.rps / got[1]!.rps).toFixed(2)}`);
      }
      const ratios = results.map((x) => x.on.rps / x.off.rps);
      const m = median(ratios);
      ctx.log(`on / off: median ${m.toFixed(2)}, range ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`);
      return {
        'observability.on_rps_median': Math.round(median(results.map((x) => x.on.rps))),
        'observability.off_rps_median': Math.round(median(results.map((x) => x.off.rps))),
        'observability.on_p99_ms_median': median(results.map((x) => x.on.p99)),
        'observability.off_p99_ms_median': median(results.map((x) => x.off.p99)),
        'observability.ratio_median': Math.round(m * 100) / 100,
        'observability.ratio_min': Math.round(Math.min(...ratios) * 100) / 100,
        'observability.ratio_max': Math.round(Math.max(...ratios) * 100) / 100,
      };
    } finally {
      for (const s of servers) await stopProcess(s);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
