/**
 * A scratch project outside the workspace: a package.json naming the tarballs and registry
 * packages, the app files copied in, and a plain `npm install` (no workspace links).
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mustRun, scratchEnv } from './run';

export interface ScratchSpec {
  readonly dir: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  /** Files copied in: target name → source path. */
  readonly files?: Readonly<Record<string, string>>;
}

const NPM_INSTALL = ['install', '--no-audit', '--no-fund', '--loglevel=error'];

export const npmInstall = (dir: string) => mustRun('npm', NPM_INSTALL, { cwd: dir, env: scratchEnv(), timeoutMs: 480_000 });

export const scratchProject = async (spec: ScratchSpec): Promise<string> => {
  mkdirSync(spec.dir, { recursive: true });
  const manifest = { name: 'paystate-scratch', version: '0.0.0', private: true, dependencies: spec.dependencies, devDependencies: spec.devDependencies ?? {} };
  writeFileSync(join(spec.dir, 'package.json'), JSON.stringify(manifest, null, 2));
  for (const [target, source] of Object.entries(spec.files ?? {})) copyFileSync(source, join(spec.dir, target));
  await npmInstall(spec.dir);
  return spec.dir;
};

/**
 * A copy of an example app (without its node_modules) whose @paystate dependencies point at the
 * tarballs; `closure` adds the @paystate packages those depend on, which no registry serves yet.
 */
export const exampleProject = async (
  source: string,
  dir: string,
  closure: (names: readonly string[]) => Record<string, string>,
): Promise<string> => {
  cpSync(source, dir, { recursive: true, filter: (s) => !s.includes('node_modules') });
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown> & {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const named = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})].filter((n) => n.startsWith('@paystate/'));
  const tarballs = closure(named);
  for (const field of ['dependencies', 'devDependencies'] as const) {
    const deps = manifest[field];
    if (deps !== undefined) for (const name of Object.keys(deps)) if (tarballs[name] !== undefined) deps[name] = tarballs[name];
  }
  // Packages the example reaches only through another @paystate package still come from the tarballs.
  manifest.dependencies = { ...tarballs, ...manifest.dependencies };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  // A lockfile would pin @paystate/* to registry versions that no registry serves yet.
  rmSync(join(dir, 'package-lock.json'), { force: true });
  await npmInstall(dir);
  return dir;
};

/** Every installed package directory (a folder holding a package.json) under node_modules, at any depth. */
export const installedPackages = (projectDir: string): string[] => {
  const out: string[] = [];
  const walk = (modules: string): void => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const path = join(modules, entry.name);
      if (entry.name.startsWith('@')) {
        walk(path);
        continue;
      }
      if (existsSync(join(path, 'package.json'))) out.push(path);
      walk(join(path, 'node_modules'));
    }
  };
  walk(join(projectDir, 'node_modules'));
  return out;
};

/** Files under a folder whose name ends with `suffix` (compiled addons end with `.node`). */
export const filesEndingWith = (dir: string, suffix: string): string[] =>
  (readdirSync(dir, { recursive: true, withFileTypes: true }) as { name: string; isFile(): boolean; parentPath?: string; path?: string }[])
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => join(e.parentPath ?? e.path ?? dir, e.name));
