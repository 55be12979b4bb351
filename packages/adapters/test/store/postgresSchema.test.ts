/**
 * PostgreSQL: paystate's tables live in a schema of their own (default `paystate`), so an order
 * system's own `events` and `schema_migrations` tables in `public` survive its migrations
 * untouched; with migrate 'off' a store that is behind is refused, naming `paystate migrate`.
 */
import * as E from 'fp-ts/lib/Either.js';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { formatStoreError } from '../../src/store/eventStore';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/store/migrations';
import { getPostgresEventStore } from '../../src/store/postgresEventStore';
import { dropSchema, freshSchema, postgresSkipReason, postgresUrl, withAdmin } from './support/postgres';

const describePg = postgresSkipReason === undefined ? describe : describe.skip;

describePg(`PostgreSQL schema and migrations${postgresSkipReason === undefined ? '' : ` (skipped: ${postgresSkipReason})`}`, () => {
  test("an order system's events and schema_migrations in public survive paystate's migrations untouched", async () => {
    const database = `paystate_app_${randomBytes(4).toString('hex')}`;
    await withAdmin((c) => c.query(`CREATE DATABASE ${database}`));
    const url = new URL(postgresUrl);
    url.pathname = `/${database}`;
    const app = new pg.Client({ connectionString: url.toString() });
    await app.connect();
    try {
      await app.query(`CREATE TABLE public.events (id serial PRIMARY KEY, order_no text NOT NULL, happened text NOT NULL)`);
      await app.query(`CREATE TABLE public.schema_migrations (version text PRIMARY KEY)`);
      await app.query(`INSERT INTO public.events (order_no, happened) VALUES ('A-1', 'placed'), ('A-1', 'shipped')`);
      await app.query(`INSERT INTO public.schema_migrations VALUES ('20240101000000'), ('20240202000000')`);
      const snapshot = async () => ({
        events: (await app.query('SELECT * FROM public.events ORDER BY id')).rows,
        migrations: (await app.query('SELECT * FROM public.schema_migrations ORDER BY version')).rows,
        columns: (await app.query(`SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`)).rows,
        tables: (await app.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)).rows,
      });
      const before = await snapshot();
      for (let i = 0; i < 2; i++) {
        const store = await getPostgresEventStore({ connectionString: url.toString() })();
        if (E.isLeft(store)) throw new Error(formatStoreError(store.left));
        const appended = await store.right.appendToStream('order:A-1', [{ type: 'observation', data: { n: i } }], { expectedVersion: i })();
        expect(E.isRight(appended)).toBe(true);
        await store.right.close();
      }
      expect(await snapshot()).toEqual(before);
      const ours = await app.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'paystate' ORDER BY tablename`);
      expect(ours.rows.map((r: { tablename: string }) => r.tablename)).toEqual(['aliases', 'checkpoints', 'events', 'paystate_migrations', 'reconcile_claims', 'rejection_log', 'rejections', 'subscription_effects', 'subscription_leases', 'subscription_members']);
      const versions = await app.query('SELECT version FROM paystate.paystate_migrations ORDER BY version');
      expect(versions.rows.map((r: { version: number }) => r.version)).toEqual(MIGRATIONS.map((m) => m.version).sort((a, b) => a - b));
      expect((await app.query('SELECT count(*)::integer AS n FROM paystate.events')).rows[0]).toEqual({ n: 2 });
    } finally {
      await app.end();
      await withAdmin((c) => c.query(`DROP DATABASE ${database} WITH (FORCE)`));
    }
  });

  test("a schema that already has a table paystate would create stops the migration rather than sharing it", async () => {
    const schema = freshSchema();
    try {
      await withAdmin(async (c) => {
        await c.query(`CREATE SCHEMA "${schema}"`);
        await c.query(`CREATE TABLE "${schema}".events (id serial PRIMARY KEY)`);
      });
      const store = await getPostgresEventStore({ connectionString: postgresUrl, schema })();
      expect(E.isLeft(store) && formatStoreError(store.left)).toMatch(/events.*already exists/);
    } finally {
      await dropSchema(schema);
    }
  });

  test("migrate 'off' refuses a schema that is behind, naming paystate migrate, and opens it once migrated", async () => {
    const schema = freshSchema();
    try {
      const fresh = await getPostgresEventStore({ connectionString: postgresUrl, schema, migrate: 'off' })();
      expect(E.isLeft(fresh) && formatStoreError(fresh.left)).toMatch(/has no paystate tables.*paystate migrate/);
      const exists = await withAdmin((c) => c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]));
      expect(exists.rowCount).toBe(0);
      const older = await getPostgresEventStore({ connectionString: postgresUrl, schema, schemaVersion: 2 })();
      if (E.isLeft(older)) throw new Error(formatStoreError(older.left));
      await older.right.close();
      const behind = await getPostgresEventStore({ connectionString: postgresUrl, schema, migrate: 'off' })();
      expect(E.isLeft(behind) && formatStoreError(behind.left)).toMatch(new RegExp(`at migration 2 and this release needs migration ${LATEST_SCHEMA_VERSION}.*paystate migrate`));
      const migrated = await getPostgresEventStore({ connectionString: postgresUrl, schema })();
      if (E.isLeft(migrated)) throw new Error(formatStoreError(migrated.left));
      await migrated.right.close();
      const opened = await getPostgresEventStore({ connectionString: postgresUrl, schema, migrate: 'off' })();
      expect(E.isRight(opened)).toBe(true);
      if (E.isRight(opened)) await opened.right.close();
    } finally {
      await dropSchema(schema);
    }
  });

  test("migrate must be 'auto' or 'off'", async () => {
    const r = await getPostgresEventStore({ connectionString: postgresUrl, migrate: 'sometimes' as 'off' })();
    expect(E.isLeft(r) && r.left._tag).toBe('InvalidArgument');
  });
});
