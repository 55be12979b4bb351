import { copyFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    sqlite: 'src/sqlite.ts',
    postgres: 'src/postgres.ts',
    express: 'src/express.ts',
    fastify: 'src/fastify.ts',
    fetch: 'src/fetch.ts',
    testing: 'src/testing.ts',
    metrics: 'src/metrics.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  splitting: true,
  sourcemap: true,
  clean: true,
  shims: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
  // The SQLite writer thread is a plain CommonJS file that a Worker loads by path beside the store's code.
  onSuccess: async () => copyFileSync('src/store/sqliteWriterThread.cjs', 'dist/sqliteWriterThread.cjs'),
});
