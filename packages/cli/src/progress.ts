/**
 * `paystate ingest`'s progress on stderr: the count, the rate and the outcomes so far, at most a
 * few times a second. On a terminal one line redrawn in place; elsewhere (asked with `--progress`)
 * a line at a time.
 */
import type { Outcome } from '@paystate/engine';
import { formatCounts } from './counts';

export interface Progress {
  /** Notes one more line; redraws when the last drawing is old enough. */
  readonly tick: (counts: ReadonlyMap<Outcome, number>) => void;
  /** The closing summary line (and the end of the redrawn line). */
  readonly done: (counts: ReadonlyMap<Outcome, number>) => void;
}

export const NO_PROGRESS: Progress = { tick: () => undefined, done: () => undefined };

const total = (counts: ReadonlyMap<Outcome, number>): number => [...counts.values()].reduce((a, b) => a + b, 0);

/** `12,345 lines, 4,100 lines/s: applied 12000, ...`. */
export const progressLine = (counts: ReadonlyMap<Outcome, number>, elapsedMs: number): string => {
  const n = total(counts);
  const rate = elapsedMs > 0 ? Math.round((n * 1000) / elapsedMs) : 0;
  return `${n.toLocaleString('en-US')} lines, ${rate.toLocaleString('en-US')} lines/s: ${formatCounts(counts)}`;
};

export const progress = (write: (s: string) => void, options: { readonly terminal: boolean; readonly everyMs?: number; readonly now?: () => number }): Progress => {
  const now = options.now ?? Date.now;
  const every = options.everyMs ?? (options.terminal ? 200 : 5000);
  const started = now();
  let last = started;
  let ticks = 0;
  return {
    tick: (counts) => {
      // Reading the clock costs more than counting: look at it every 256 lines.
      if ((++ticks & 0xff) !== 0) return;
      const t = now();
      if (t - last < every) return;
      last = t;
      write(options.terminal ? `\r${progressLine(counts, t - started)}\u001b[K` : `${progressLine(counts, t - started)}\n`);
    },
    done: (counts) => {
      const t = now();
      write(`${options.terminal ? '\r' : ''}${progressLine(counts, t - started)} (done in ${((t - started) / 1000).toFixed(1)} s)${options.terminal ? '\u001b[K' : ''}\n`);
    },
  };
};
