/**
 * The scenario corpus: the repository's `corpus/` and the shared one, each file once (the repository's copy first).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface CorpusEvent {
  readonly kind: string;
  readonly payload: unknown;
  readonly action?: string;
  readonly request?: { readonly method?: string; readonly path?: string; readonly body?: unknown };
  readonly received_at?: string;
  readonly [extra: string]: unknown;
}

export interface Scenario {
  readonly file: string;
  readonly server_key: string;
  readonly events: readonly CorpusEvent[];
  /** Indices the scenario expects not to be applied (stale, illegal or rejected): some are broken on purpose. */
  readonly illegal: readonly number[];
}

const DIRS = [resolve(__dirname, '../../../../corpus'), resolve(__dirname, '../../../../../shared/corpus')];

/** Every scenario file, parsed. */
export const loadCorpus = (): readonly Scenario[] => {
  const byName = new Map<string, Scenario>();
  for (const dir of DIRS) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      if (byName.has(file)) continue;
      const parsed = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Omit<Scenario, 'file' | 'illegal'> & { expect: { illegal: number[] } };
      byName.set(file, { file, server_key: parsed.server_key, events: parsed.events, illegal: parsed.expect.illegal });
    }
  }
  return [...byName.values()];
};

/** Events of the sample corpus that are broken on purpose, with the start of the reason they must be rejected with. */
export const DELIBERATELY_BROKEN: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  '39-forged-notification-bad-signature.json': { 1: 'signature_key: does not match' },
  '43-malformed-missing-transaction-status.json': { 1: 'transaction_status: missing' },
};

/** Whether a scenario expects event `i` to be applied or accepted (so it must decode and map). */
export const expectedWellFormed = (s: Scenario, i: number): boolean => !s.illegal.includes(i);
