/**
 * `pnpm pack` of every publishable package: pnpm replaces `workspace:^` with the real versions, so
 * the tarballs are what the registry would serve.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mustRun } from './run';

/** The publishable packages' folders under packages/. */
export const PUBLISHABLE = ['engine', 'adapters', 'simulator', 'cli'] as const;

export interface Packed {
  readonly name: string;
  readonly dir: string;
  readonly tarball: string;
}

export const packageJsonOf = (dir: string): { name: string; version: string; dependencies?: Record<string, string> } =>
  JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string; dependencies?: Record<string, string> };

/** Packs each package into `destination`; resolves to the tarballs by package name. */
export const packAll = async (root: string, destination: string): Promise<ReadonlyMap<string, Packed>> => {
  const packed = new Map<string, Packed>();
  for (const folder of PUBLISHABLE) {
    const dir = join(root, 'packages', folder);
    const { name, version } = packageJsonOf(dir);
    await mustRun('pnpm', ['pack', '--pack-destination', destination], { cwd: dir });
    const tarball = join(destination, `${name.replace('@', '').replace('/', '-')}-${version}.tgz`);
    packed.set(name, { name, dir, tarball });
  }
  return packed;
};

/** The tarballs a set of @paystate packages needs installed together: they and their @paystate dependencies. */
export const tarballClosure = (packed: ReadonlyMap<string, Packed>, names: Iterable<string>): Record<string, string> => {
  const out: Record<string, string> = {};
  const visit = (name: string): void => {
    const p = packed.get(name);
    if (p === undefined) throw new Error(`${name} is not a publishable package`);
    if (out[name] !== undefined) return;
    out[name] = `file:${p.tarball}`;
    for (const dep of Object.keys(packageJsonOf(p.dir).dependencies ?? {})) if (dep.startsWith('@paystate/')) visit(dep);
  };
  for (const n of names) visit(n);
  return out;
};
