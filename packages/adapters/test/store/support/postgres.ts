/**
 * PostgreSQL for the store tests: where it is, whether it is required, and a schema per store so
 * parallel workers and repeated runs never share tables.
 */
import * as E from 'fp-ts/lib/Either.js';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { EventStore } from '../../../src/store/eventStore';
import { formatStoreError } from '../../../src/store/eventStore';
import { getPostgresEventStore } from '../../../src/store/postgresEventStore';

export const postgresUrl = process.env.PAYSTATE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const required = process.env.PAYSTATE_REQUIRE_POSTGRES === '1';

// Probed synchronously because jest collects tests before any hook runs.
const probe = spawnSync('pg_isready', ['-d', postgresUrl, '-t', '3'], { encoding: 'utf8' });
const reachable = probe.status === 0;
const probeOutput = probe.error !== undefined ? `pg_isready: ${probe.error.message}` : `${probe.stdout}${probe.stderr}`.trim();

/**
 * Why the PostgreSQL suites are skipped, or undefined to run them. Without a server they are skipped
 * unless PAYSTATE_REQUIRE_POSTGRES=1, in which case they run and fail on connecting: CI must not pass
 * without PostgreSQL.
 */
export const postgresSkipReason: string | undefined =
  reachable || required
    ? undefined
    : `PostgreSQL is not reachable (${probeOutput}); set PAYSTATE_REQUIRE_POSTGRES=1 to make this a failure`;

const runId = `ps_test_${randomBytes(5).toString('hex')}_${process.pid}`;
let counter = 0;

/** A schema name no other test uses. */
export const freshSchema = (): string => `${runId}_${++counter}`;

/** Runs f on a short-lived administrative connection. */
export const withAdmin = async <A>(f: (c: pg.Client) => Promise<A>): Promise<A> => {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end();
  }
};

export const dropSchema = (schema: string): Promise<void> =>
  withAdmin(async (c) => {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

/** Opens a store on a schema, throwing with a clear message if it cannot. */
export const openPostgres = async (schema: string, schemaVersion?: number): Promise<EventStore> => {
  const opened = await getPostgresEventStore(
    schemaVersion === undefined
      ? { connectionString: postgresUrl, schema }
      : { connectionString: postgresUrl, schema, schemaVersion },
  )();
  if (E.isLeft(opened)) {
    const hint = reachable ? '' : ` (PAYSTATE_REQUIRE_POSTGRES=1 and pg_isready failed: ${probeOutput})`;
    throw new Error(`cannot open the PostgreSQL store: ${formatStoreError(opened.left)}${hint}`);
  }
  return opened.right;
};
