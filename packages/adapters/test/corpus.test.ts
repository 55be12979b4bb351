/**
 * The scenario corpus: one test per file in ../shared/corpus (the samples) and corpus/ (ours),
 * replayed through the same code path as `paystate replay`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readReplayInput, replayLines } from '../src/replay/index';

const ROOT = join(__dirname, '..', '..', '..');
const DIRS = [join(ROOT, '..', 'shared', 'corpus'), join(ROOT, 'corpus')];

interface Scenario {
  readonly name: string;
  readonly events: readonly unknown[];
  readonly expect: {
    readonly order_id: string;
    readonly transaction_status: string | null;
    readonly fraud_status: string | null;
    readonly trace: readonly { transaction_status: string | null; fraud_status: string | null }[];
    readonly illegal: readonly number[];
    readonly noop: readonly number[];
  };
}

const files = DIRS.flatMap((dir) =>
  existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => [`${dir.endsWith('shared/corpus') ? 'shared' : 'own'}/${f}`, join(dir, f)] as const) : [],
);

test('both corpus folders are present and hold scenarios', () => {
  for (const dir of DIRS) expect(existsSync(dir)).toBe(true);
  expect(files.filter(([n]) => n.startsWith('shared/')).length).toBeGreaterThanOrEqual(15);
  expect(files.filter(([n]) => n.startsWith('own/')).length).toBeGreaterThanOrEqual(20);
});

test('our scenario files are what corpus/.authoring/build.ts builds from corpus/.authoring/scenarios (no hand edits, no drift)', () => {
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
  const run = spawnSync(tsx, [join(ROOT, 'corpus', '.authoring', 'build.ts'), '--check'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(run.stderr).toBe('');
  expect(run.stdout).toMatch(/^all \d+ scenario files match their source/);
  expect(run.status).toBe(0);
});

describe.each(files)('%s', (_name, file) => {
  const text = readFileSync(file, 'utf8');
  const scenario = JSON.parse(text) as Scenario;
  const { report } = replayLines(readReplayInput(text, {}).lines);
  const x = scenario.expect;

  test('trace: the order state after each event', () => {
    expect(report.events.map((e) => ({ transaction_status: e.transaction_status, fraud_status: e.fraud_status }))).toEqual(x.trace);
  });

  test('illegal: exactly these events are not applied (stale, illegal or rejected)', () => {
    const notApplied = report.events.filter((e) => ['stale', 'illegal', 'rejected'].includes(e.outcome)).map((e) => e.index);
    expect(notApplied).toEqual([...x.illegal].sort((a, b) => a - b));
  });

  test('noop: these events are accepted without a state change (duplicate or ignored)', () => {
    for (const i of x.noop) expect([i, report.events[i]?.outcome]).toEqual([i, expect.stringMatching(/^(duplicate|ignored)$/)]);
  });

  test('final state', () => {
    const o = report.orders[x.order_id];
    expect({ transaction_status: o?.transaction_status ?? null, fraud_status: o?.fraud_status ?? null }).toEqual({
      transaction_status: x.transaction_status,
      fraud_status: x.fraud_status,
    });
  });
});
