/** @jest-config-loader-options {"transpileOnly": true, "skipProject": true, "moduleTypes": {}, "compilerOptions": {"module": "nodenext", "moduleResolution": "nodenext"}} */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from 'jest';

// Tests run against the TypeScript sources (no build step); `pnpm typecheck` is the type check.
// The workspace's own packages resolve to their sources through the one table both tsc and tsx
// read: the `paths` of tsconfig.json. A published package resolves to dist/ instead, and the
// packaging suite checks that form.
const paths = (JSON.parse(readFileSync(join(__dirname, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, [string]> } })
  .compilerOptions.paths;
const moduleNameMapper = Object.fromEntries(
  Object.entries(paths).map(([name, [file]]) => [`^${name.replace(/[/.]/g, '\\$&')}$`, join(__dirname, file)]),
);

const project = (name: string, dir: string): Config => ({
  displayName: name,
  rootDir: join(__dirname, dir),
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: join(__dirname, 'tsconfig.base.json') }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
});

const config: Config = {
  projects: [
    project('engine', 'packages/engine'),
    project('adapters', 'packages/adapters'),
    project('simulator', 'packages/simulator'),
    project('cli', 'packages/cli'),
    project('bench', 'tools/bench'),
    // Builds, packs and installs the packages into scratch projects: minutes, not seconds (its
    // hooks and tests carry their own timeouts).
    project('packaging', 'tools/packaging'),
  ],
  reporters: ['default', join(__dirname, 'tools', 'jest', 'summaryReporter.cjs')],
  testTimeout: 60_000,
};
export default config;
