/**
 * The PostgreSQL store's call deadline: an append stuck behind a lock another session holds fails
 * with StoreUnavailable within the deadline, writes nothing, and the next call works once the lock
 * is gone; a bad deadline is refused on open.
 */
import * as E from 'fp-ts/lib/Either.js';
import { getPostgresEventStore } from '../../src/store/postgresEventStore';
import { dropSchema, freshSchema, openPostgres, postgresSkipReason, postgresUrl, withAdmin } from './support/postgres';

const DEADLINE_MS = 500;

if (postgresSkipReason !== undefined) console.warn(`PostgreSQL deadline test skipped: ${postgresSkipReason}`);

// Skipped only when the server is unreachable and PAYSTATE_REQUIRE_POSTGRES is not 1 (see support/postgres.ts).
(postgresSkipReason === undefined ? describe : describe.skip)('PostgreSQL store call deadline', () => {
  test('an append waiting on a lock is StoreUnavailable within the deadline, writes nothing, and the store goes on', async () => {
    const schema = freshSchema();
    await (await openPostgres(schema)).close();
    const opened = await getPostgresEventStore({ connectionString: postgresUrl, schema, poolSize: 2, callTimeoutMs: DEADLINE_MS })();
    if (E.isLeft(opened)) throw new Error(opened.left._tag);
    const store = opened.right;
    try {
      const { result, ms } = await withAdmin(async (admin) => {
        await admin.query('BEGIN');
        await admin.query(`LOCK TABLE "${schema}".events IN ACCESS EXCLUSIVE MODE`);
        const started = performance.now();
        const result = await store.appendToStream('s', [{ type: 'A', data: 1 }], { expectedVersion: 0 })();
        const ms = performance.now() - started;
        // Hold the lock until the server's own statement_timeout has surely ended the statement the
        // client gave up on: released earlier, a statement still waiting would go on and commit
        // (the ambiguity docs/security.md describes), which is not what this test is about.
        await new Promise((r) => setTimeout(r, DEADLINE_MS + 1_000));
        await admin.query('ROLLBACK');
        return { result, ms };
      });
      expect(E.isLeft(result) && result.left._tag).toBe('StoreUnavailable');
      expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
      expect(ms).toBeLessThan(DEADLINE_MS + 750);
      const read = await store.readStream('s')();
      expect(E.isRight(read) && read.right.events).toEqual([]);
      const retried = await store.appendToStream('s', [{ type: 'A', data: 1 }], { expectedVersion: 0 })();
      expect(E.isRight(retried) && retried.right.events.map((e) => e.position)).toEqual([1]);
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });

  test('a deadline that is not a positive integer is refused', async () => {
    const r = await getPostgresEventStore({ connectionString: postgresUrl, callTimeoutMs: 0 })();
    expect(E.isLeft(r) && r.left._tag).toBe('InvalidArgument');
  });
});
