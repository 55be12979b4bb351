/** The README's main job, run as a user runs it: a real process, the embedded store, the simulator. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

test("paystate demo ends with every order agreeing with the simulator, and exits 0; verify finds every decision as this release makes it", () => {
  const dir = mkdtempSync(join(tmpdir(), 'paystate-demo-'));
  try {
    const run = spawnSync(process.execPath, [join(ROOT, 'packages', 'cli', 'bin', 'dev.cjs'), 'demo', '--copies', '2', '--seed', '11', '--dir', dir], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('[5/5] reconciliation');
    expect(run.stdout).toContain('confirm mode (each notification checked with GET status)');
    expect(run.stdout).toMatch(/all 32 orders agree with the simulator/);
    expect(run.stdout).toMatch(/dropped by chaos/);
    expect(run.stdout).not.toContain('DIFFERS');
    expect(run.status).toBe(0);
    const verify = spawnSync(process.execPath, [join(ROOT, 'packages', 'cli', 'bin', 'dev.cjs'), 'verify', '--store', `sqlite:${join(dir, 'demo.db')}`], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(verify.stderr).toBe('');
    expect(verify.stdout).toMatch(/^\d+ observations in 32 orders re-decided: 0 differences\n$/);
    expect(verify.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);

test('a bad option is one line and exit 2', () => {
  const run = spawnSync(process.execPath, [join(ROOT, 'packages', 'cli', 'bin', 'dev.cjs'), 'demo', '--copies', 'many'], { cwd: ROOT, encoding: 'utf8' });
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toContain('--copies');
  expect(run.status).toBe(2);
});
