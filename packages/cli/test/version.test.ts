/** `paystate --version` prints the package's version (from its package.json, in the sources as in dist/). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, type Io } from '../src/main';

const io = (out: string[]): Io => ({ stdout: (s) => out.push(s), stderr: (s) => out.push(`stderr: ${s}`), readStdin: () => '', env: {} });

test('--version prints the version of @paystate/cli and exits 0', async () => {
  const out: string[] = [];
  const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
  expect(await run(['--version'], io(out))).toBe(0);
  expect(out).toEqual([`${version}\n`]);
});
