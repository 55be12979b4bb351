/**
 * The packages as someone else's project gets them: built, packed with `pnpm pack`, installed
 * with a plain `npm install` of the tarballs into scratch projects under the system's temp
 * folder, and used there: ES module and CommonJS apps, a strict TypeScript app, a PostgreSQL-only
 * app, the two commands, the published examples, and attw and publint over every tarball.
 *
 * The installs of independent projects run at once; better-sqlite3 compiles once, in the one
 * project that needs it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { packAll, packageJsonOf, tarballClosure, type Packed } from '../src/packAll';
import { describeFailure, mustRun, run, scratchEnv } from '../src/run';
import { exampleProject, filesEndingWith, installedPackages, scratchProject } from '../src/scratchProject';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join(__dirname, '..', 'fixtures');
const BIN = join(ROOT, 'node_modules', '.bin');
const MINUTES = 60_000;
const PG_URL = process.env['PAYSTATE_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Installs started together and awaited by the tests that use them (a failure is reported there). */
const started = <A>(p: Promise<A>): Promise<A> => {
  p.catch(() => undefined);
  return p;
};

let work: string;
let packed: ReadonlyMap<string, Packed>;
let sqliteApp: Promise<string>;
let typesApp: Promise<string>;
let pgApp: Promise<string>;
let examples: readonly { readonly name: string; readonly installed: Promise<string> }[];

const tarballs = (...names: string[]) => tarballClosure(packed, names);
const fixture = (...path: string[]) => join(FIXTURES, ...path);
const node = (cwd: string, ...args: string[]) => mustRun(process.execPath, args, { cwd, env: scratchEnv({ PAYSTATE_PG_URL: PG_URL }) });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'paystate-packaging-'));
  await mustRun('pnpm', ['build'], { cwd: ROOT });
  const tgz = join(work, 'tarballs');
  mkdirSync(tgz);
  packed = await packAll(ROOT, tgz);

  sqliteApp = started(
    scratchProject({
      dir: join(work, 'sqlite-app'),
      dependencies: { ...tarballs('@paystate/engine', '@paystate/adapters', '@paystate/cli', '@paystate/midtrans-simulator'), 'better-sqlite3': '^12.11.1', express: '^5.1.0' },
      files: { 'app.mjs': fixture('sqlite-app', 'app.mjs'), 'app.cjs': fixture('sqlite-app', 'app.cjs'), 'payloads.cjs': fixture('payloads.cjs') },
    }),
  );
  typesApp = started(
    scratchProject({
      dir: join(work, 'types-app'),
      dependencies: { ...tarballs('@paystate/engine', '@paystate/adapters', '@paystate/midtrans-simulator'), 'fp-ts': '^2.16.11', express: '^5.1.0', fastify: '^5.0.0', 'fast-check': '^4.0.0' },
      devDependencies: { typescript: '5.9.3', '@types/node': '^20.19.0', '@types/express': '^5.0.0', '@types/pg': '^8.11.0' },
      files: {
        'app.ts': fixture('types-app', 'app.ts'),
        'app.mts': fixture('types-app', 'app.ts'),
        'tsconfig.node16.json': fixture('types-app', 'tsconfig.node16.json'),
        'tsconfig.bundler.json': fixture('types-app', 'tsconfig.bundler.json'),
      },
    }),
  );
  pgApp = started(
    scratchProject({
      dir: join(work, 'pg-app'),
      dependencies: { ...tarballs('@paystate/engine', '@paystate/adapters'), pg: '^8.11.0' },
      files: { 'app.mjs': fixture('pg-app', 'app.mjs'), 'sqlite-entry.mjs': fixture('pg-app', 'sqlite-entry.mjs'), 'payloads.cjs': fixture('payloads.cjs') },
    }),
  );
  const examplesDir = join(ROOT, 'examples');
  examples = (existsSync(examplesDir) ? readdirSync(examplesDir) : [])
    .filter((name) => existsSync(join(examplesDir, name, 'package.json')))
    .map((name) => ({ name, installed: started(exampleProject(join(examplesDir, name), join(work, `example-${name}`), (names) => tarballs(...names))) }));
}, 10 * MINUTES);

afterAll(async () => {
  // Wait for installs still running (a failed test may not have awaited them) before removing their folders.
  await Promise.allSettled([sqliteApp, typesApp, pgApp, ...(examples ?? []).map((e) => e.installed)]);
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
}, 10 * MINUTES);

test('the API reports match the built declarations', async () => {
  await mustRun(process.execPath, ['--import', 'tsx', join('tools', 'packaging', 'src', 'apiReports.ts'), '--check'], { cwd: ROOT });
}, 5 * MINUTES);

test('pnpm pack writes real versions for workspace dependencies and ships the license and changelog', () => {
  for (const p of packed.values()) {
    const listing = execTar(['tzf', p.tarball]);
    expect(listing).toEqual(expect.arrayContaining(['package/LICENSE', 'package/CHANGELOG.md', 'package/package.json']));
    expect(listing.some((f) => f.startsWith('package/src/'))).toBe(false);
    const manifest = JSON.parse(execTar(['xzf', p.tarball, '-O', 'package/package.json']).join('\n')) as { dependencies?: Record<string, string> };
    for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
      expect(`${name}@${range}`).not.toMatch(/workspace:/);
      if (name.startsWith('@paystate/')) expect(range).toBe(`^${packageJsonOf(packed.get(name)!.dir).version}`);
    }
  }
});

describe('an app with the SQLite store, installed from the tarballs', () => {
  const paidThroughExpress = async (file: string, format: string) => {
    const dir = await sqliteApp;
    const out = JSON.parse((await node(dir, file)).stdout.trim()) as { format: string; status: number; paid: { value: boolean; reason: string } };
    expect(out).toEqual({ format, status: 200, paid: { value: true, reason: expect.stringContaining('captured') } });
  };

  test('as an ES module takes a signed notification through the Express handler to isPaid', () => paidThroughExpress('app.mjs', 'esm'), 10 * MINUTES);

  test('as CommonJS takes a signed notification through the Express handler to isPaid', () => paidThroughExpress('app.cjs', 'cjs'), 10 * MINUTES);

  test('runs the installed paystate command: --version and replay of a corpus scenario, with no tsx installed', async () => {
    const dir = await sqliteApp;
    expect(installedPackages(dir).filter((p) => basename(p) === 'tsx')).toEqual([]);
    const paystate = join(dir, 'node_modules', '.bin', 'paystate');
    const version = await mustRun(paystate, ['--version'], { cwd: dir, env: scratchEnv() });
    expect(version.stdout.trim()).toBe(packageJsonOf(join(ROOT, 'packages', 'cli')).version);
    const replay = await mustRun(paystate, ['replay', join(ROOT, 'corpus', '60-charge-request-3ds-capture-settlement.json')], { cwd: dir, env: scratchEnv() });
    expect(replay.stdout).toMatch(/settlement\/accept/);
    expect(replay.stdout).toMatch(/paid: yes/);
  }, 10 * MINUTES);

  test('runs the installed midtrans-simulator command: it listens, answers a status query, and stops', async () => {
    const dir = await sqliteApp;
    const serverKey = 'SB-Mid-server-scratch-sim';
    const child = spawn(join(dir, 'node_modules', '.bin', 'midtrans-simulator'), ['--port', '0', '--server-key', serverKey], { cwd: dir, env: scratchEnv() });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          stdout += c.toString('utf8');
          const m = /^listening on (http:\/\/\S+)$/m.exec(stdout);
          if (m !== null) resolve(m[1]!);
        });
        void exited.then((code) => reject(new Error(`midtrans-simulator exited (${code}) before listening\n${stdout}\n${stderr}`)));
      });
      const res = await fetch(`${url}/v2/no-such-order/status`, { headers: { authorization: `Basic ${Buffer.from(`${serverKey}:`).toString('base64')}` } });
      expect(await res.json()).toMatchObject({ status_code: '404' });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 10 * MINUTES);
});

describe('a strict TypeScript app type-checks against the published declarations (skipLibCheck off)', () => {
  test.each(['node16', 'bundler'])('under module resolution %s', async (mode) => {
    const dir = await typesApp;
    await mustRun(process.execPath, [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', `tsconfig.${mode}.json`], { cwd: dir, env: scratchEnv() });
  }, 10 * MINUTES);
});

describe('a PostgreSQL-only app, installed without better-sqlite3', () => {
  test('compiled nothing and has no better-sqlite3', async () => {
    const dir = await pgApp;
    expect(installedPackages(dir).map((p) => basename(p))).not.toContain('better-sqlite3');
    expect(filesEndingWith(join(dir, 'node_modules'), '.node')).toEqual([]);
  }, 10 * MINUTES);

  test('records a charge and a signed notification on PostgreSQL and reads the payment', async () => {
    const dir = await pgApp;
    const out = JSON.parse((await node(dir, 'app.mjs')).stdout.trim()) as unknown;
    expect(out).toEqual({ outcome: 'applied', status: 'capture', paid: { value: true, reason: expect.stringContaining('captured') } });
  }, 10 * MINUTES);

  test('importing @paystate/adapters/sqlite fails with one line naming better-sqlite3', async () => {
    const dir = await pgApp;
    const lines = (await node(dir, 'sqlite-entry.mjs')).stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/better-sqlite3/);
    expect(lines[0]).not.toBe('loaded');
  }, 10 * MINUTES);
});

describe('the tarballs pass the package linters', () => {
  // The command has no importable entry, so no types for attw to check; publint still reads it.
  test('attw finds no problem in the libraries', async () => {
    for (const name of ['@paystate/engine', '@paystate/adapters', '@paystate/midtrans-simulator']) {
      const args = [packed.get(name)!.tarball, '--format', 'ascii', '--no-color'];
      const r = await run(join(BIN, 'attw'), args, { cwd: work });
      if (r.code !== 0) throw new Error(describeFailure('attw', args, work, r));
      expect(r.stdout).toMatch(/No problems found/);
    }
  }, 10 * MINUTES);

  test('publint finds no error, warning or suggestion', async () => {
    for (const p of packed.values()) {
      const r = await mustRun(join(BIN, 'publint'), ['run', p.tarball, '--strict', '--level', 'suggestion'], { cwd: work });
      expect(`${p.name}: ${r.stdout}`).not.toMatch(/Suggestions:|Warnings:|Errors:/);
      expect(r.stdout).toMatch(/All good/);
    }
  }, 10 * MINUTES);
});

test('every example installs from the tarballs and passes its npm test', async () => {
  expect(examples.map((e) => e.name)).toEqual(expect.arrayContaining(['express-sqlite', 'fastify-postgres', 'hono']));
  for (const example of examples) {
    const dir = await example.installed;
    const r = await run('npm', ['test'], { cwd: dir, env: scratchEnv({ PAYSTATE_PG_URL: PG_URL }), timeoutMs: 5 * MINUTES });
    if (r.code !== 0) throw new Error(`examples/${example.name}: ${describeFailure('npm', ['test'], dir, r)}`);
  }
}, 10 * MINUTES);

function execTar(args: readonly string[]): string[] {
  const r = spawnSync('tar', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim().split('\n');
}
