import { defineConfig } from 'tsup';

// The command only: CommonJS for bin/paystate.cjs, no declarations (the libraries carry the API).
export default defineConfig({
  entry: { main: 'src/main.ts' },
  format: ['cjs'],
  sourcemap: true,
  clean: true,
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
});
