/**
 * The database drivers are optional peer dependencies, loaded when a store's entry is imported
 * (src/store/driver.ts). loadDriver resolves with Node's own require, which jest's module registry
 * does not reach, so each case imports the entry in a child process through tsx, with a preload
 * that makes the driver unresolvable or resolve to a stand-in that fails another way.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..', '..');
const fixtures = join(__dirname, 'fixtures');
const entries = {
  sqlite: { file: join(root, 'packages', 'adapters', 'src', 'sqlite.ts'), name: '@paystate/adapters/sqlite', driver: 'better-sqlite3' },
  postgres: { file: join(root, 'packages', 'adapters', 'src', 'postgres.ts'), name: '@paystate/adapters/postgres', driver: 'pg' },
} as const;

type Entry = (typeof entries)[keyof typeof entries];

/** Requires the entries in a fresh node, the driver (if any) resolving as `as` says. */
const importEntries = (files: readonly string[], driver?: { readonly pkg: string; readonly as: string }): { status: number | null; stderr: string } => {
  const result = spawnSync(
    process.execPath,
    ['-r', join(fixtures, 'driverResolution.cjs'), '-r', 'tsx/cjs', '-e', files.map((f) => `require(${JSON.stringify(f)});`).join('\n')],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: join(root, 'tsconfig.json'),
        PAYSTATE_TEST_DRIVER: driver?.pkg ?? '',
        PAYSTATE_TEST_DRIVER_AS: driver?.as ?? '',
      },
    },
  );
  if (result.error !== undefined) throw result.error;
  return { status: result.status, stderr: result.stderr };
};

/** The lines Node printed for the uncaught error: its message (one line or more) up to the first stack frame. */
const errorMessageLines = (stderr: string): string[] => {
  const lines = stderr.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Error: '));
  if (start === -1) throw new Error(`no error printed:\n${stderr}`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('    at '));
  return lines.slice(start, end === -1 ? undefined : end);
};

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('loading an optional database driver', () => {
  test('with both drivers installed, both entries load', () => {
    const { status, stderr } = importEntries([entries.sqlite.file, entries.postgres.file]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  describe.each([entries.sqlite, entries.postgres])('$name', (entry: Entry) => {
    test(`without ${entry.driver}, importing fails with one line naming the package and the install command`, () => {
      const { status, stderr } = importEntries([entry.file], { pkg: entry.driver, as: 'missing' });
      expect(status).toBe(1);
      const message = errorMessageLines(stderr);
      expect(message).toHaveLength(1);
      expect(message[0]).toMatch(
        new RegExp(
          `^Error: ${escape(entry.name)} needs the database driver "${escape(entry.driver)}", which is not installed: run \`npm install ${escape(entry.driver)}@[^\`\\s]+\`$`,
        ),
      );
      // Node's resolution error (several lines, with its require stack) is not what the user reads.
      expect(stderr).not.toMatch(/Cannot find module|Require stack/);
    });

    test(`a ${entry.driver} that is installed but throws at load is not reported as missing`, () => {
      const { status, stderr } = importEntries([entry.file], { pkg: entry.driver, as: join(fixtures, 'driverThatThrows.cjs') });
      expect(status).toBe(1);
      expect(errorMessageLines(stderr)).toEqual(['Error: the driver stand-in could not load its native binding']);
      expect(stderr).not.toMatch(/not installed|npm install/);
    });

    test(`a ${entry.driver} that lacks a dependency of its own is not reported as missing`, () => {
      const { status, stderr } = importEntries([entry.file], { pkg: entry.driver, as: join(fixtures, 'driverLackingDependency.cjs') });
      expect(status).toBe(1);
      expect(errorMessageLines(stderr)[0]).toBe("Error: Cannot find module 'a-dependency-the-driver-lacks'");
      expect(stderr).not.toMatch(/not installed|npm install/);
    });
  });
});
