/** The README's main job, run as a user runs it: a real process, the embedded store, the simulator. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

test('paystate demo ends with every order agreeing with the simulator, and exits 0', () => {
  const run = spawnSync(process.execPath, [join(ROOT, 'packages', 'cli', 'bin', 'dev.cjs'), 'demo', '--copies', '2', '--seed', '11'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(run.stderr).toBe('');
  expect(run.stdout).toContain('[5/5] reconciliation');
  expect(run.stdout).toMatch(/all 32 orders agree with the simulator/);
  expect(run.stdout).toMatch(/dropped by chaos/);
  expect(run.stdout).not.toContain('DIFFERS');
  expect(run.status).toBe(0);
}, 120_000);

test('a bad option is one line and exit 2', () => {
  const run = spawnSync(process.execPath, [join(ROOT, 'packages', 'cli', 'bin', 'dev.cjs'), 'demo', '--copies', 'many'], { cwd: ROOT, encoding: 'utf8' });
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toContain('--copies');
  expect(run.status).toBe(2);
});
