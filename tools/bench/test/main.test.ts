/**
 * `pnpm bench` as a user runs it: each section in a process of its own, the results gathered into
 * one JSON object, unknown sections refused. Only the shape and the work done are checked, never
 * a speed.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', 'src', 'main.ts');
const bench = (args: readonly string[]) =>
  spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', MAIN, ...args], { encoding: 'utf8', timeout: 120_000 });

it('runs a section in its own process and prints its results as one JSON object', () => {
  const r = bench(['--only', 'ingest', '--quick', '--json']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const results = JSON.parse(r.stdout) as Record<string, unknown>;
  expect(Object.keys(results).sort()).toEqual(['ingest.baseline_ops', 'ingest.pipeline_ops', 'machine']);
  expect(results['ingest.pipeline_ops']).toBeGreaterThan(0);
  expect(results['ingest.baseline_ops']).toBeGreaterThan(0);
}, 120_000);

it('passes the section log through and checks the pipeline did the work', () => {
  const r = bench(['--only', 'ingest', '--quick']);
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('== ingest:');
  // 20,000 orders: a capture, its duplicate and a settlement each
  expect(r.stdout).toContain('pipeline outcomes: applied 40000, duplicate 20000');
  expect(r.stdout).toMatch(/ingest\.pipeline_ops: [\d,]+/);
}, 120_000);

it('refuses an unknown section, naming the ones there are', () => {
  const r = bench(['--only', 'ingest,nosuch']);
  expect(r.status).toBe(1);
  expect(r.stderr).toBe('bench: no section "nosuch" (sections: fold, ingest, webhook, observability, projection)\n');
});
