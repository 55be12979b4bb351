/**
 * The committed golden streams (SQLite and PostgreSQL rows as exported) fold, through each store,
 * to the committed states and answers; every stored event matches docs/event.schema.json; and the
 * upgrade audit finds nothing to report on them, and exactly what a changed rule changes.
 */
import * as E from 'fp-ts/lib/Either.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv from 'ajv';
import { decide, FLAGS, FRAUD_STATUSES, OUTCOMES, TRANSACTION_STATUSES, type Decision, type Observation, type OrderState } from '@paystate/engine';
import { foldStream } from '../../src/ingest/ingest';
import { EVENT_FORMAT_VERSION, readObservation } from '../../src/ingest/storedObservation';
import { verifyEvents } from '../../src/ingest/verify';
import type { EventStore, StoredEvent } from '../../src/store/eventStore';
import { getSqliteEventStore } from '../../src/store/sqliteEventStore';
import { dropSchema, freshSchema, openPostgres, postgresSkipReason, withAdmin } from '../store/support/postgres';
import { eventOfRow, readExpected, readGoldenRows, recordsOf, writeGoldenSqlite } from './golden/goldenStream';

const schemaJson = JSON.parse(readFileSync(resolve(__dirname, '../../../../docs/event.schema.json'), 'utf8')) as Record<string, unknown>;
const validate = new Ajv({ allErrors: true }).compile(schemaJson);

const readEverything = async (store: EventStore): Promise<readonly StoredEvent[]> => {
  const all = await store.readAll({})();
  if (E.isLeft(all)) throw new Error(JSON.stringify(all.left));
  return all.right;
};

const expected = readExpected();

describe('the golden stream', () => {
  test('it is not empty and covers every outcome recorded in streams', () => {
    const rows = readGoldenRows('sqlite');
    expect(rows.length).toBeGreaterThan(150);
    expect(Object.keys(expected).length).toBeGreaterThanOrEqual(40);
    const outcomes = new Set(rows.map((r) => (JSON.parse(r.data) as { decision: { outcome: string } }).decision.outcome));
    expect([...outcomes].sort()).toEqual(['applied', 'duplicate', 'ignored', 'illegal', 'stale']);
  });

  test('SQLite: the exported rows, put back in a store, fold to the recorded states and answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paystate-golden-'));
    try {
      const filename = join(dir, 'golden.db');
      await writeGoldenSqlite(filename);
      const store = getSqliteEventStore({ filename, writerThread: false });
      if (E.isLeft(store)) throw new Error(JSON.stringify(store.left));
      const events = await readEverything(store.right);
      await store.right.close();
      expect(events).toHaveLength(readGoldenRows('sqlite').length);
      expect(recordsOf(events, (es) => foldStream(es))).toEqual(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const pgTest = postgresSkipReason === undefined ? test : test.skip;
  pgTest(`PostgreSQL: the exported rows, put back in a store, fold to the recorded states and answers${postgresSkipReason === undefined ? '' : ` (skipped: ${postgresSkipReason})`}`, async () => {
    const schema = freshSchema();
    const store = await openPostgres(schema);
    try {
      await withAdmin(async (c) => {
        for (const r of readGoldenRows('postgres'))
          await c.query(`INSERT INTO "${schema}".events (position, stream_id, version, type, data, idempotency_key, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
            r.position,
            r.stream_id,
            r.version,
            r.type,
            r.data,
            r.idempotency_key,
            r.recorded_at,
          ]);
      });
      const events = await readEverything(store);
      expect(events).toHaveLength(readGoldenRows('postgres').length);
      expect(recordsOf(events, (es) => foldStream(es))).toEqual(expected);
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });

  test.each(['sqlite', 'postgres'] as const)('every %s event is in the current format and matches docs/event.schema.json', (kind) => {
    for (const r of readGoldenRows(kind)) {
      const data = JSON.parse(r.data) as { schema: number };
      expect(data.schema).toBe(EVENT_FORMAT_VERSION);
      if (!validate(data)) throw new Error(`${r.stream_id}@${r.version}: ${JSON.stringify(validate.errors)}`);
      expect(E.isRight(readObservation(eventOfRow(r)))).toBe(true);
    }
  });

  test("the JSON Schema's vocabulary is the engine's: a new status or flag must be added to the documented format", () => {
    const defs = schemaJson['definitions'] as Record<string, { enum?: unknown[]; properties?: Record<string, { enum?: unknown[]; items?: { enum?: unknown[] } }> }>;
    expect(defs['transactionStatus']!.enum).toEqual([...TRANSACTION_STATUSES]);
    expect(defs['fraudStatus']!.enum).toEqual([...FRAUD_STATUSES, null]);
    expect(defs['decision']!.properties!['outcome']!.enum).toEqual([...OUTCOMES]);
    expect(defs['decision']!.properties!['flags']!.items!.enum).toEqual([...FLAGS]);
  });

  test('the schema refuses what format 1 does not allow (an in-memory pair index)', () => {
    const row = readGoldenRows('sqlite').find((r) => r.data.includes('"attempt"'))!;
    const data = JSON.parse(row.data) as { decision: { effect: { attempt: Record<string, unknown> } } };
    data.decision.effect.attempt['pair'] = 17;
    expect(validate(data)).toBe(false);
  });
});

describe('verify on the golden stream', () => {
  const events = readGoldenRows('sqlite').map(eventOfRow);

  test('this release decides every stored observation as recorded', () => {
    const report = verifyEvents(events);
    expect(report.unreadable).toEqual([]);
    expect(report.observations).toBe(events.length);
    expect(report.streams).toBe(new Set(events.map((e) => e.streamId)).size);
    expect(report.differences).toEqual([]);
  });

  test('a changed rule (settlement notifications ignored) is reported exactly where it applies', () => {
    const planted = (s: OrderState | undefined, o: Observation): Decision => {
      const d = decide(s, o);
      if (o.kind !== 'notification' || o.report.status !== 'settlement' || d.outcome !== 'applied') return d;
      const { effect: _effect, ...rest } = d;
      return { ...rest, outcome: 'ignored', code: 'same_state' };
    };
    const affected = events.filter((e) => {
      const d = e.data as { observation: Observation; decision: { outcome: string } };
      return d.observation.kind === 'notification' && d.observation.report.status === 'settlement' && d.decision.outcome === 'applied';
    });
    expect(affected.length).toBeGreaterThan(0);
    const report = verifyEvents(events, { decide: planted });
    expect(report.differences.map((d) => [d.streamId, d.version, d.position])).toEqual(affected.map((e) => [e.streamId, e.version, e.position]));
    const first = report.differences[0]!;
    expect(first.kind).toBe('notification');
    expect(first.recorded).toMatchObject({ outcome: 'applied', transaction_status: 'settlement' });
    expect(first.now).toMatchObject({ outcome: 'ignored', code: 'same_state', transaction_status: null });
    expect(first.fields).toEqual(expect.arrayContaining(['outcome', 'code', 'transaction_status']));
  });
});
