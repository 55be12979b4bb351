/** @jest-config-loader-options {"transpileOnly": true, "skipProject": true, "moduleTypes": {}, "compilerOptions": {"module": "nodenext", "moduleResolution": "nodenext"}} */
import { join } from 'node:path';
import type { Config } from 'jest';

// Tests run against the TypeScript sources (no build step); `pnpm typecheck` is the type check.
const project = (name: string): Config => ({
  displayName: name,
  rootDir: join(__dirname, 'packages', name),
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.base.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
});

const config: Config = {
  projects: [project('engine'), project('adapters')],
  reporters: ['default', join(__dirname, 'packages', 'engine', 'test', 'support', 'summaryReporter.cjs')],
  testTimeout: 60_000,
};
export default config;
