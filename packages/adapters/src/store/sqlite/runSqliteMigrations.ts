/** The migrations runner: brings a database file up to a version, each migration once across processes. */
import type BetterSqlite3 from 'better-sqlite3';
import { pendingMigrations } from '../migrations';

/** Creates the migrations table if missing, then runs each pending migration up to upTo in a write transaction of its own. */
export const runSqliteMigrations = (db: BetterSqlite3.Database, upTo: number): void => {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const applied = (): Set<number> =>
    new Set(db.prepare<[], number>('SELECT version FROM schema_migrations').pluck().all());
  for (const m of pendingMigrations(applied(), upTo)) {
    db.transaction(() => {
      // Re-checked under the write lock: another process may have run it since.
      if (applied().has(m.version)) return;
      db.exec(m.sqlite);
      db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.description,
        new Date().toISOString(),
      );
    }).immediate();
  }
};
