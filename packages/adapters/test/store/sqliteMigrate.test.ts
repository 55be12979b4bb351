/** SQLite: migrate 'off' never changes the file and refuses one that is behind, naming `paystate migrate`. */
import * as E from 'fp-ts/lib/Either.js';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatStoreError } from '../../src/store/eventStore';
import { LATEST_SCHEMA_VERSION } from '../../src/store/migrations';
import { getSqliteEventStore, sqliteAppliedMigrations } from '../../src/store/sqliteEventStore';

describe("SQLite with migrate 'off'", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'paystate-migrate-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('refuses a database without tables, then one that is behind; opens it once migrated', async () => {
    const filename = join(dir, 'p.db');
    const none = getSqliteEventStore({ filename, migrate: 'off' });
    expect(E.isLeft(none) && formatStoreError(none.left)).toMatch(/has no paystate tables.*paystate migrate/);
    const older = getSqliteEventStore({ filename, schemaVersion: 1, writerThread: false });
    if (E.isLeft(older)) throw new Error(formatStoreError(older.left));
    await older.right.close();
    const behind = getSqliteEventStore({ filename, migrate: 'off' });
    expect(E.isLeft(behind) && formatStoreError(behind.left)).toMatch(/at migration 1 and this release needs migration \d+.*paystate migrate/);
    expect(sqliteAppliedMigrations(filename)).toEqual(E.right([1]));
    const migrated = getSqliteEventStore({ filename, writerThread: false });
    if (E.isLeft(migrated)) throw new Error(formatStoreError(migrated.left));
    await migrated.right.close();
    expect(E.isRight(sqliteAppliedMigrations(filename)) && Math.max(...(sqliteAppliedMigrations(filename) as E.Right<readonly number[]>).right)).toBe(LATEST_SCHEMA_VERSION);
    const opened = getSqliteEventStore({ filename, migrate: 'off', writerThread: false });
    expect(E.isRight(opened)).toBe(true);
    if (E.isRight(opened)) await opened.right.close();
    expect(existsSync(filename)).toBe(true);
  });
});
