import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '../../src/store/eventStore';
import { dropSchema, freshSchema, openPostgres, postgresSkipReason, withAdmin } from './support/postgres';

if (postgresSkipReason !== undefined) console.warn(`PostgreSQL connection-loss test skipped: ${postgresSkipReason}`);

// Skipped only when the server is unreachable and PAYSTATE_REQUIRE_POSTGRES is not 1 (see support/postgres.ts).
(postgresSkipReason === undefined ? describe : describe.skip)('PostgreSQL store losing its connection', () => {
  test('a connection terminated mid-append is StoreUnavailable, and the store recovers', async () => {
    const schema = freshSchema();
    const store: EventStore = await openPostgres(schema);
    try {
      const blocked = await withAdmin(async (admin) => {
        // Hold the events table so the append waits on a lock, then terminate the waiting backend.
        await admin.query('BEGIN');
        await admin.query(`LOCK TABLE "${schema}".events IN ACCESS EXCLUSIVE MODE`);
        const append = store.appendToStream('s', [{ type: 'A', data: 1 }], { expectedVersion: 0 })();
        let terminated = 0;
        for (let i = 0; i < 100 && terminated === 0; i++) {
          await new Promise((r) => setTimeout(r, 20));
          const killed = await admin.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid() AND query LIKE $1`,
            // The append is an INSERT or a call of the store's append function: either names the schema.
            [`%"${schema}".%`],
          );
          terminated = killed.rowCount ?? 0;
        }
        const result = await append;
        await admin.query('ROLLBACK');
        return { terminated, result };
      });
      expect(blocked.terminated).toBe(1);
      expect(E.isLeft(blocked.result) && blocked.result.left._tag).toBe('StoreUnavailable');
      const retried = await store.appendToStream('s', [{ type: 'A', data: 1 }], { expectedVersion: 0 })();
      expect(E.isRight(retried) && retried.right.events.map((e) => e.position)).toEqual([1]);
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });
});
