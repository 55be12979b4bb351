/**
 * What each entry of @paystate/adapters pulls in. The root entry loads no database driver and no
 * web framework (checked in a child process that requires it from the sources, as a host's
 * `require` would); the Express and Fastify entries do not even import their framework's types;
 * and nothing but the driver loader and the SQLite writer thread reaches for `require` or
 * `__dirname`, which only exist in the ESM build through tsup's shims.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const PACKAGE = resolve(__dirname, '..');
const SRC = join(PACKAGE, 'src');
const REPO_ROOT = resolve(PACKAGE, '..', '..');

// -------------------------------------------------------------------------------------------------
// loaded at run time
// -------------------------------------------------------------------------------------------------

const WATCHED = ['better-sqlite3', 'pg', 'express', 'fastify', 'prom-client'];

/** The watched packages that requiring `entry` (a file under src/) loads, in a fresh node. */
const packagesLoadedBy = (entry: string): string[] => {
  const script = `
    require(${JSON.stringify(join(SRC, entry))});
    const loaded = Object.keys(require.cache).map((f) => /.*[\\\\/]node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)[\\\\/]/.exec(f)?.[1]).filter(Boolean);
    process.stdout.write(JSON.stringify([...new Set(loaded)]));`;
  const run = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(REPO_ROOT, 'tsconfig.json'), NODE_OPTIONS: '' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (run.status !== 0) throw new Error(`requiring ${entry} failed: ${run.stderr}`);
  return (JSON.parse(run.stdout) as string[]).filter((p) => WATCHED.includes(p)).sort();
};

describe('run time', () => {
  test('requiring the root entry loads no driver and no framework', () => {
    expect(packagesLoadedBy('index.ts')).toEqual([]);
  });

  test('the framework entries load no framework either; the store entries load their driver only', () => {
    expect(packagesLoadedBy('express.ts')).toEqual([]);
    expect(packagesLoadedBy('fastify.ts')).toEqual([]);
    expect(packagesLoadedBy('fetch.ts')).toEqual([]);
    // The check sees a driver when one is loaded.
    expect(packagesLoadedBy('sqlite.ts')).toEqual(['better-sqlite3']);
    expect(packagesLoadedBy('postgres.ts')).toEqual(['pg']);
  });

  test('prom-client, an optional peer dependency, is loaded by the metrics entry only', () => {
    expect(packagesLoadedBy('metrics.ts')).toEqual(['prom-client']);
  });
});

// -------------------------------------------------------------------------------------------------
// imported in the sources (types included)
// -------------------------------------------------------------------------------------------------

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;

const resolveRelative = (from: string, spec: string): string => {
  const base = resolve(dirname(from), spec);
  const found = [`${base}.ts`, join(base, 'index.ts'), base].find((f) => existsSync(f) && f.match(/\.(c?js|ts)$/));
  if (found === undefined) throw new Error(`cannot resolve ${spec} from ${relative(SRC, from)}`);
  return found;
};

/** Every package (bare specifier) the files reachable from `entry` import, types included. */
const packagesImportedBy = (entry: string): Set<string> => {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      if (spec!.startsWith('.')) visit(resolveRelative(file, spec!));
      else packages.add(spec!);
    }
  };
  visit(join(SRC, entry));
  return packages;
};

const packageName = (spec: string): string => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);

describe('imports', () => {
  test('the root, Express, Fastify and Fetch entries import only node, fp-ts, io-ts, the engine and the OpenTelemetry API, even for types', () => {
    for (const entry of ['index.ts', 'express.ts', 'fastify.ts', 'fetch.ts']) {
      const imported = [...packagesImportedBy(entry)].map(packageName).filter((p) => !p.startsWith('node:'));
      for (const p of imported) expect([entry, p]).toEqual([entry, expect.stringMatching(/^(fp-ts|io-ts|@paystate\/engine|@opentelemetry\/api)$/)]);
    }
  });

  test('the check sees a package imported for its types', () => {
    expect([...packagesImportedBy('sqlite.ts')].map(packageName)).toContain('better-sqlite3');
  });
});

// -------------------------------------------------------------------------------------------------
// CommonJS-only globals
// -------------------------------------------------------------------------------------------------

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sourceFiles(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));

/** The driver loader (createRequire) and the writer thread's script path are the two uses the ESM build shims. */
const ALLOWED = new Set(['store/driver.ts', 'store/sqliteWriter.ts']);

test('no source but the driver loader and the writer thread uses require, __dirname, __filename or import.meta', () => {
  const files = sourceFiles(SRC);
  expect(files.length).toBeGreaterThan(40);
  const users = files
    .filter((f) => /\b(__dirname|__filename|require\s*\(|require\.|createRequire|import\.meta)\b/.test(readFileSync(f, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')))
    .map((f) => relative(SRC, f).split('\\').join('/'))
    .sort();
  expect(users.filter((f) => !ALLOWED.has(f))).toEqual([]);
  expect(users).toEqual([...ALLOWED].sort());
});
