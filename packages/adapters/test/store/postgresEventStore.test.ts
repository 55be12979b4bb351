import * as E from 'fp-ts/lib/Either.js';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describeEventStoreContract } from '../../src/store/eventStore.contract';
import type { EventStore } from '../../src/store/eventStore';
import { formatStoreError } from '../../src/store/eventStore';
import { getPostgresEventStore, postgresAppliedMigrations } from '../../src/store/postgresEventStore';

const url = process.env.PAYSTATE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const required = process.env.PAYSTATE_REQUIRE_POSTGRES === '1';

// Probed synchronously because jest collects tests before any hook runs.
const probe = spawnSync('pg_isready', ['-d', url, '-t', '3'], { encoding: 'utf8' });
const reachable = probe.status === 0;
const probeOutput = probe.error !== undefined ? `pg_isready: ${probe.error.message}` : `${probe.stdout}${probe.stderr}`.trim();

// Without a server the suite is skipped (with the reason printed) unless PAYSTATE_REQUIRE_POSTGRES=1,
// in which case it runs and every test fails on connecting: CI must not pass without PostgreSQL.
const skipReason =
  reachable || required
    ? undefined
    : `PostgreSQL is not reachable (${probeOutput}); set PAYSTATE_REQUIRE_POSTGRES=1 to make this a failure`;

// Schemas unique to this run, so parallel workers and repeated runs never share tables.
const runId = `ps_test_${randomBytes(5).toString('hex')}_${process.pid}`;
let counter = 0;
const freshSchema = (): string => `${runId}_${++counter}`;

const dropSchema = async (schema: string): Promise<void> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
};

const open = async (schema: string, schemaVersion?: number): Promise<EventStore> => {
  const opened = await getPostgresEventStore(
    schemaVersion === undefined ? { connectionString: url, schema } : { connectionString: url, schema, schemaVersion },
  )();
  if (E.isLeft(opened)) {
    const hint = reachable ? '' : ' (PAYSTATE_REQUIRE_POSTGRES=1 and pg_isready failed: ' + probeOutput + ')';
    throw new Error(`cannot open the PostgreSQL store: ${formatStoreError(opened.left)}${hint}`);
  }
  return opened.right;
};

describeEventStoreContract(
  'postgres',
  async () => {
    const schema = freshSchema();
    const store = await open(schema);
    return {
      store,
      openAnother: () => open(schema),
      cleanup: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  },
  {
    ...(skipReason === undefined ? {} : { skipReason }),
    multiInstance: true,
    olderSchema: async () => {
      const schema = freshSchema();
      return {
        open: (schemaVersion) => open(schema, schemaVersion),
        appliedMigrations: async () => {
          const applied = await postgresAppliedMigrations({ connectionString: url, schema })();
          if (E.isLeft(applied)) throw new Error(formatStoreError(applied.left));
          return applied.right;
        },
        cleanup: () => dropSchema(schema),
      };
    },
    // Port 1 refuses connections.
    openUnreachable: () => getPostgresEventStore({ connectionString: 'postgres://postgres:s3cret@127.0.0.1:1/test' })(),
  },
);
