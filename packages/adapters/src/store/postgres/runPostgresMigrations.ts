/** The migrations runner: brings a schema up to a version, safely when several instances open it at once. */
import type PgModule from 'pg';
import { behindMessage, MIGRATIONS_TABLE, pendingMigrations } from '../migrations';
import { rollback, withClient } from './postgresConnection';

// Advisory lock namespace of migrations ('psmg'); the second key is hashtext(schema), as for appends.
const MIGRATION_LOCK = 1886612839;

/** The migration versions applied to the schema (s: its quoted name). */
export const appliedMigrations = async (c: PgModule.PoolClient, s: string): Promise<Set<number>> =>
  new Set((await c.query<{ version: number }>(`SELECT version FROM ${s}.${MIGRATIONS_TABLE}`)).rows.map((r) => r.version));

/** Creates the schema and its migrations table if missing, then runs each pending migration up to upTo, once. */
export const runPostgresMigrations = (pool: PgModule.Pool, schema: string, s: string, upTo: number): Promise<void> =>
  withClient(pool, async (c, discard) => {
    const lock = (): Promise<unknown> => c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK, schema]);
    await c.query('BEGIN');
    try {
      await lock();
      // Checked first so a role without CREATE on the database can use an existing schema.
      const exists = await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      if (exists.rowCount === 0) await c.query(`CREATE SCHEMA ${s}`);
      await c.query(`CREATE TABLE IF NOT EXISTS ${s}.${MIGRATIONS_TABLE} (
        version integer PRIMARY KEY,
        description text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      await c.query('COMMIT');
      for (const m of pendingMigrations(await appliedMigrations(c, s), upTo)) {
        await c.query('BEGIN');
        await lock();
        // Re-checked under the lock: a concurrent opener may have run it since.
        if (!(await appliedMigrations(c, s)).has(m.version)) {
          await c.query(m.postgres(s));
          await c.query(`INSERT INTO ${s}.${MIGRATIONS_TABLE} (version, description) VALUES ($1, $2)`, [
            m.version,
            m.description,
          ]);
        }
        await c.query('COMMIT');
      }
    } catch (e) {
      await rollback(c, discard);
      throw e;
    }
  });

/** Why the schema is behind upTo (undefined when it is not), without changing anything. */
export const postgresBehind = (pool: PgModule.Pool, s: string, upTo: number): Promise<string | undefined> =>
  withClient(pool, async (c) => {
    const exists = await c.query('SELECT to_regclass($1) IS NOT NULL AS present', [`${s}.${MIGRATIONS_TABLE}`]);
    return behindMessage(exists.rows[0]?.present === true ? await appliedMigrations(c, s) : new Set(), upTo);
  });
