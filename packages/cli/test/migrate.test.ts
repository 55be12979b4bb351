/**
 * `paystate migrate`: brings a store to this release's tables, changes nothing the second time,
 * and two processes running it at once on one PostgreSQL schema both succeed, each migration run
 * once.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../adapters/src/store/migrations';
import { dropSchema, freshSchema, postgresSkipReason, postgresUrl, withAdmin } from '../../adapters/test/store/support/postgres';
import type { Io } from '../src/io';
import { run } from '../src/main';
import { paystateArgv } from '../src/processes';

const runIn = async (argv: readonly string[]) => {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), readStdin: () => '', env: {} };
  const code = await run(argv, io);
  return { code, stdout, stderr };
};

const spawnMigrate = (store: string): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, paystateArgv(['migrate', '--store', store]), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

test('SQLite: migrate creates the tables, then has nothing to do', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'paystate-migrate-'));
  try {
    const store = `sqlite:${join(dir, 'p.db')}`;
    const first = await runIn(['migrate', '--store', store]);
    expect([first.code, first.stderr, first.stdout]).toEqual([0, '', `${store}: now at migration ${LATEST_SCHEMA_VERSION} (was 0)\n`]);
    const again = await runIn(['migrate', '--store', store]);
    expect([again.code, again.stdout]).toEqual([0, `${store}: up to date at migration ${LATEST_SCHEMA_VERSION}\n`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('migrate takes no arguments', async () => {
  const r = await runIn(['migrate', 'extra']);
  expect(r.code).toBe(2);
});

const pgTest = postgresSkipReason === undefined ? test : test.skip;

pgTest(`PostgreSQL: two processes migrating one schema at once both succeed, each migration once; again is a no-op${postgresSkipReason === undefined ? '' : ` (skipped: ${postgresSkipReason})`}`, async () => {
  const schema = freshSchema();
  const url = new URL(postgresUrl);
  url.searchParams.set('schema', schema);
  const store = url.toString();
  try {
    const [a, b] = await Promise.all([spawnMigrate(store), spawnMigrate(store)]);
    expect([a.code, a.stderr, b.code, b.stderr]).toEqual([0, '', 0, '']);
    for (const r of [a, b]) expect(r.stdout).toMatch(new RegExp(`(now|up to date) at migration ${LATEST_SCHEMA_VERSION}`));
    const versions = await withAdmin((c) => c.query<{ version: number }>(`SELECT version FROM "${schema}".paystate_migrations ORDER BY version`));
    expect(versions.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version).sort((a, b) => a - b));
    const again = await runIn(['migrate', '--store', store]);
    expect([again.code, again.stdout]).toEqual([0, `${store}: up to date at migration ${LATEST_SCHEMA_VERSION}\n`]);
    // A store that must not migrate on open opens once migrated.
    const verify = await runIn(['verify', '--store', `${store}&migrate=off`]);
    expect([verify.code, verify.stdout]).toEqual([0, '0 observations in 0 orders re-decided: 0 differences\n']);
  } finally {
    await dropSchema(schema);
  }
}, 60_000);
