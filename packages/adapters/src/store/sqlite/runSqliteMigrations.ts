/** The migrations runner: brings a database file up to a version, each migration once across processes. */
import type BetterSqlite3 from 'better-sqlite3';
import { behindMessage, MIGRATIONS_TABLE, pendingMigrations } from '../migrations';

/** Creates the migrations table if missing, then runs each pending migration up to upTo in a write transaction of its own. */
export const runSqliteMigrations = (db: BetterSqlite3.Database, upTo: number): void => {
  db.exec(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const applied = (): Set<number> =>
    new Set(db.prepare<[], number>(`SELECT version FROM ${MIGRATIONS_TABLE}`).pluck().all());
  for (const m of pendingMigrations(applied(), upTo)) {
    db.transaction(() => {
      // Re-checked under the write lock: another process may have run it since.
      if (applied().has(m.version)) return;
      db.exec(m.sqlite);
      db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (version, description, applied_at) VALUES (?, ?, ?)`).run(
        m.version,
        m.description,
        new Date().toISOString(),
      );
    }).immediate();
  }
};

/** Why the database is behind upTo (undefined when it is not), without changing anything. */
export const sqliteBehind = (db: BetterSqlite3.Database, upTo: number): string | undefined => {
  const present = db.prepare<[string], number>("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(MIGRATIONS_TABLE) === 1;
  const applied = present ? new Set(db.prepare<[], number>(`SELECT version FROM ${MIGRATIONS_TABLE}`).pluck().all()) : new Set<number>();
  return behindMessage(applied, upTo);
};
