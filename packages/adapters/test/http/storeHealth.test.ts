/**
 * Readiness reports a store that cannot write: SQLite locked by another connection (BEGIN
 * EXCLUSIVE), PostgreSQL refusing the write (a trigger raising) or read-only
 * (default_transaction_read_only); /health answers 503 with the cause within its deadline, and
 * 200 again once the fault is gone.
 */
import BetterSqlite3 from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { join } from 'node:path';
import { healthAnswer } from '../../src/http/server';
import { getPostgresEventStore } from '../../src/store/postgresEventStore';
import { formatStoreError } from '../../src/store/eventStore';
import { dropSchema, freshSchema, openPostgres, postgresSkipReason, postgresUrl, withAdmin } from '../store/support/postgres';
import { openSqlite, tempDir } from '../store/support/sqlite';

const TIMEOUT = 500;

const timed = async (f: () => Promise<{ status: number; body: unknown }>) => {
  const started = Date.now();
  const a = await f();
  return { status: a.status, body: a.body as { status: string; reason?: string }, ms: Date.now() - started };
};

test('SQLite: another connection holding BEGIN EXCLUSIVE makes /health 503 within its deadline, and 200 after', async () => {
  const { dir, remove } = tempDir();
  const filename = join(dir, 'health.db');
  const store = openSqlite({ filename });
  try {
    expect((await timed(() => healthAnswer(store, TIMEOUT))).status).toBe(200);
    const other = new BetterSqlite3(filename);
    other.exec('BEGIN EXCLUSIVE');
    try {
      const locked = await timed(() => healthAnswer(store, TIMEOUT));
      expect([locked.status, locked.body.status]).toEqual([503, 'unavailable']);
      expect(locked.body.reason).toMatch(/did not answer a write within 500 ms|cannot write/);
      expect(locked.ms).toBeLessThan(TIMEOUT * 3);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // The write the locked check left waiting goes through; the next check is healthy.
    let after = await timed(() => healthAnswer(store, 6000));
    expect(after.status).toBe(200);
    after = await timed(() => healthAnswer(store, TIMEOUT));
    expect(after.status).toBe(200);
  } finally {
    await store.close();
    await remove();
  }
}, 20_000);

(postgresSkipReason === undefined ? describe : describe.skip)(`PostgreSQL${postgresSkipReason === undefined ? '' : ` (skipped: ${postgresSkipReason})`}`, () => {
  test('a trigger refusing writes makes /health 503 naming the cause, and 200 once dropped', async () => {
    const schema = freshSchema();
    const store = await openPostgres(schema);
    try {
      expect((await healthAnswer(store, TIMEOUT)).status).toBe(200);
      await withAdmin((c) =>
        c.query(`
          CREATE FUNCTION "${schema}".refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'writes refused for maintenance'; END $$;
          CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON "${schema}".checkpoints FOR EACH ROW EXECUTE FUNCTION "${schema}".refuse();`),
      );
      const refused = await timed(() => healthAnswer(store, TIMEOUT));
      expect([refused.status, refused.body.status]).toEqual([503, 'unavailable']);
      expect(refused.body.reason).toMatch(/^the event store cannot write: .*writes refused for maintenance/);
      await withAdmin((c) => c.query(`DROP TRIGGER refuse ON "${schema}".checkpoints`));
      expect((await healthAnswer(store, TIMEOUT)).status).toBe(200);
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });

  test('a read-only session (default_transaction_read_only) makes /health 503', async () => {
    const schema = freshSchema();
    await (await openPostgres(schema)).close();
    const readOnly = `${postgresUrl}${postgresUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent('-c default_transaction_read_only=on')}`;
    const opened = await getPostgresEventStore({ connectionString: readOnly, schema, migrate: 'off' })();
    if (E.isLeft(opened)) throw new Error(formatStoreError(opened.left));
    const store = opened.right;
    try {
      const a = await timed(() => healthAnswer(store, TIMEOUT));
      expect([a.status, a.body.status]).toEqual([503, 'unavailable']);
      expect(a.body.reason).toMatch(/^the event store cannot write: .*read-only/);
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });
});
