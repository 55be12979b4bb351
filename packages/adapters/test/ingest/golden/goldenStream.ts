/**
 * The golden streams: the sample corpus recorded by this release into SQLite and PostgreSQL, the
 * rows exported as each store holds them, and the state every order folds to. Committed; the
 * format tests fold them with the current code. Regenerate (generateGolden.ts) only when changing
 * the stored format on purpose, and then only after adding the upcaster that reads the old rows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { answersFor, summarizeOrder, type OrderState } from '@paystate/engine';
import type { RawObservation } from '../../../src/ingest/storedObservation';
import type { StoredEvent } from '../../../src/store/eventStore';
import { getSqliteEventStore } from '../../../src/store/sqliteEventStore';

export const GOLDEN_DIR = __dirname;

/** The repository's own sample corpus (corpus/*.json), in file order: what the golden streams record. */
export const goldenCorpus = (): readonly { readonly file: string; readonly server_key: string; readonly events: readonly RawObservation[] }[] => {
  const dir = resolve(__dirname, '../../../../../corpus');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(join(dir, file), 'utf8')) as { server_key: string; events: RawObservation[] }) }));
};

/** A row of the events table as exported: every column's value as the driver returns it, data as its stored text. */
export interface GoldenRow {
  readonly position: number;
  readonly stream_id: string;
  readonly version: number;
  readonly type: string;
  readonly data: string;
  readonly idempotency_key: string | null;
  readonly recorded_at: string;
}

export const readGoldenRows = (store: 'sqlite' | 'postgres'): readonly GoldenRow[] =>
  JSON.parse(readFileSync(join(GOLDEN_DIR, `${store}-events.json`), 'utf8')) as GoldenRow[];

export const readExpected = (): Readonly<Record<string, unknown>> =>
  JSON.parse(readFileSync(join(GOLDEN_DIR, 'expected-states.json'), 'utf8')) as Record<string, unknown>;

export const eventOfRow = (r: GoldenRow): StoredEvent => ({
  position: r.position,
  streamId: r.stream_id,
  version: r.version,
  type: r.type,
  data: JSON.parse(r.data) as unknown,
  idempotencyKey: r.idempotency_key,
  recordedAt: r.recorded_at,
});

/** What the expected file records per order: the summary (statuses, amounts, flags) and the answers. */
export const recordOf = (s: OrderState): unknown => JSON.parse(JSON.stringify({ summary: summarizeOrder(s), answers: answersFor(s) }));

/** Every order's record, folding each stream's events with `fold` (the code under test). */
export const recordsOf = (
  events: readonly StoredEvent[],
  fold: (events: readonly StoredEvent[]) => OrderState | undefined,
  record: (s: OrderState) => unknown = recordOf,
): Record<string, unknown> => {
  const byStream = new Map<string, StoredEvent[]>();
  for (const e of events) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e]);
  const out: Record<string, unknown> = {};
  for (const [id, es] of [...byStream].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const s = fold(es);
    if (s !== undefined) out[id] = record(s);
  }
  return out;
};

/** Creates a SQLite store at filename (this release's tables) holding the golden SQLite rows as exported. */
export const writeGoldenSqlite = async (filename: string): Promise<void> => {
  const created = getSqliteEventStore({ filename, writerThread: false });
  if (E.isLeft(created)) throw new Error(JSON.stringify(created.left));
  await created.right.close();
  const db = new BetterSqlite3(filename);
  try {
    const insert = db.prepare(
      'INSERT INTO events (position, stream_id, version, type, data, idempotency_key, recorded_at) VALUES (@position, @stream_id, @version, @type, @data, @idempotency_key, @recorded_at)',
    );
    db.transaction((rows: readonly GoldenRow[]) => rows.forEach((r) => insert.run(r)))(readGoldenRows('sqlite'));
  } finally {
    db.close();
  }
};
