/**
 * Regenerates the golden streams. Run only when the stored format changes on purpose, after the
 * upcaster from the old format is in place and the old golden files still pass:
 *
 *   TSX_TSCONFIG_PATH=tsconfig.json npx tsx packages/adapters/test/ingest/golden/generateGolden.ts
 *
 * It records the repository's sample corpus (corpus/*.json) through the ingestion service into a fresh SQLite
 * file and a fresh PostgreSQL schema, on fixed clocks, and exports their events tables.
 */
import * as E from 'fp-ts/lib/Either.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { createIngestor } from '../../../src/ingest/ingest';
import { foldStream } from '../../../src/ingest/ingest';
import type { EventStore } from '../../../src/store/eventStore';
import { getPostgresEventStore } from '../../../src/store/postgresEventStore';
import { getSqliteEventStore } from '../../../src/store/sqliteEventStore';
import { eventOfRow, GOLDEN_DIR, goldenCorpus, recordsOf, type GoldenRow } from './goldenStream';

const postgresUrl = process.env.PAYSTATE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A clock that ticks one second per reading from a fixed instant. */
const tickingClock = (): (() => Date) => {
  let t = Date.parse('2026-01-01T00:00:00.000Z');
  return () => new Date((t += 1000));
};

const record = async (store: EventStore): Promise<void> => {
  const clock = tickingClock();
  for (const scenario of goldenCorpus()) {
    const ingestor = createIngestor({ store, serverKey: scenario.server_key, clock });
    for (const line of scenario.events) {
      const r = await ingestor.ingest(line)();
      if (E.isLeft(r)) throw new Error(`${scenario.file}: ${JSON.stringify(r.left)}`);
    }
  }
};

const sqliteRows = async (): Promise<GoldenRow[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'paystate-golden-'));
  try {
    const filename = join(dir, 'golden.db');
    const store = getSqliteEventStore({ filename, clock: tickingClock(), writerThread: false });
    if (E.isLeft(store)) throw new Error(JSON.stringify(store.left));
    await record(store.right);
    await store.right.close();
    const db = new BetterSqlite3(filename, { readonly: true });
    try {
      return db.prepare('SELECT position, stream_id, version, type, data, idempotency_key, recorded_at FROM events ORDER BY position').all() as GoldenRow[];
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const postgresRows = async (): Promise<GoldenRow[]> => {
  const schema = `paystate_golden_${process.pid}`;
  const store = await getPostgresEventStore({ connectionString: postgresUrl, schema, clock: tickingClock() })();
  if (E.isLeft(store)) throw new Error(JSON.stringify(store.left));
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await record(store.right);
    await store.right.close();
    const rows = await client.query<GoldenRow>(
      `SELECT position::integer AS position, stream_id, version, type, data::text AS data, idempotency_key,
              to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at
       FROM "${schema}".events ORDER BY position`,
    );
    return rows.rows;
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
};

const main = async (): Promise<void> => {
  const sqlite = await sqliteRows();
  const postgres = await postgresRows();
  const write = (name: string, value: unknown) => writeFileSync(join(GOLDEN_DIR, name), JSON.stringify(value, null, 1) + '\n');
  write('sqlite-events.json', sqlite);
  write('postgres-events.json', postgres);
  const expected = recordsOf(sqlite.map(eventOfRow), (es) => foldStream(es));
  if (JSON.stringify(expected) !== JSON.stringify(recordsOf(postgres.map(eventOfRow), (es) => foldStream(es))))
    throw new Error('the SQLite and PostgreSQL streams fold to different states');
  write('expected-states.json', expected);
  process.stdout.write(`golden streams: ${sqlite.length} events, ${Object.keys(expected).length} orders\n`);
};

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
