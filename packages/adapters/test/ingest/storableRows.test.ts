/**
 * Every row the store keeps is valid JSON for its database's own JSON functions: hostile strings
 * that JSON allows are stored and read back by SQLite's json_valid/json_extract and PostgreSQL's
 * jsonb; what no database keeps (NUL, lone surrogates, absurd nesting) is rejected while decoding.
 */
import BetterSqlite3 from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { join } from 'node:path';
import { createIngestor, type RawObservation } from '../../src/ingest/index';
import { cardOrder, chargeRequest, chargeResponse, notificationPayload } from '../../src/midtrans/fixtures';
import { MAX_JSON_DEPTH, unstorableReason } from '../../src/midtrans/unstorable';
import type { EventStore } from '../../src/store/eventStore';
import { dropSchema, freshSchema, openPostgres, postgresSkipReason, withAdmin } from '../store/support/postgres';
import { openSqlite, tempDir } from '../store/support/sqlite';

const KEY = 'SB-Mid-server-STORABLE';

const nested = (depth: number): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = { n: v };
  return v;
};

/** Legal in JSON and in both databases: stored as they are. */
const LEGAL: readonly Record<string, unknown>[] = [
  { status_message: 'Rp 10.000 — 東京 🚀 \u2028\u2029 \u007f \u0001 "quoted" \\u0000 back\\slash' },
  { custom_field1: '\uD83D\uDE00'.repeat(100), custom_field2: '\uFEFF' },
  { 'key with "quotes" and \n newline': 'x', '': 'empty key' },
  { custom_field3: nested(20) },
];

/** Each unstorable somewhere, with the path the reason names. */
const HOSTILE: readonly [Record<string, unknown>, RegExp][] = [
  [{ status_message: 'a\u0000b' }, /^payload\.status_message: a string containing NUL/],
  [{ custom_field1: ['ok', 'x\uD800y'] }, /^payload\.custom_field1\.1: a string containing a lone UTF-16 surrogate/],
  [{ custom_field2: '\uDC00' }, /^payload\.custom_field2: a string containing a lone UTF-16 surrogate/],
  [{ 'bad\u0000key': 1 }, /^payload\.bad\\u0000key: a key that is a string containing NUL/],
  [{ custom_field3: nested(1000) }, /^payload\.custom_field3(\.n)+: nested deeper than 32 levels/],
];

describe('unstorableReason', () => {
  test('accepts ordinary and odd but legal values, names the path of the first unstorable one', () => {
    for (const extra of LEGAL) expect(unstorableReason({ payload: extra })).toBeUndefined();
    for (const [extra, reason] of HOSTILE) expect(unstorableReason({ payload: extra })).toMatch(reason);
    expect(unstorableReason('\u0000')).toBe('line: a string containing NUL (\\u0000)');
    expect(unstorableReason(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(unstorableReason(nested(MAX_JSON_DEPTH + 1))).toMatch(/nested deeper than 32 levels$/);
  });
});

/** Ingests a charge and notifications carrying each legal and hostile extra; checks the outcomes. */
const ingestHostile = async (store: EventStore): Promise<void> => {
  const ingestor = createIngestor({ store, serverKey: KEY });
  const ok = async (line: RawObservation) => {
    const r = await ingestor.ingest(line)();
    if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
    return r.right;
  };
  for (const [i, extra] of LEGAL.entries()) {
    const o = cardOrder('legal', i, KEY);
    await ok(chargeRequest(o));
    await ok(chargeResponse(o));
    const r = await ok({ kind: 'notification', payload: notificationPayload(o, 'capture', extra) });
    expect(r.outcome).toBe('applied');
  }
  for (const [i, [extra, reason]] of HOSTILE.entries()) {
    const o = cardOrder('hostile', i, KEY);
    await ok(chargeRequest(o));
    await ok(chargeResponse(o));
    const r = await ok({ kind: 'notification', payload: notificationPayload(o, 'capture', extra) });
    expect(r.outcome).toBe('rejected');
    expect(r.reason).toMatch(reason);
    // Nothing about it reached the order, which is still pending.
    const state = await ingestor.load(o.orderId)();
    expect(E.isRight(state) && state.right?.attempts[0]?.status).toBe('pending');
  }
};

test('SQLite: every event row passes json_valid and json_extract', async () => {
  const { dir, remove } = tempDir();
  try {
    const filename = join(dir, 'p.db');
    const store = openSqlite({ filename });
    await ingestHostile(store);
    await store.close();
    const db = new BetterSqlite3(filename, { readonly: true });
    try {
      const rows = db.prepare("SELECT json_valid(data) AS valid, json_extract(data, '$.decision.outcome') AS outcome FROM events").all() as { valid: number; outcome: string }[];
      expect(rows).toHaveLength(LEGAL.length * 3 + HOSTILE.length * 2);
      expect(rows.every((r) => r.valid === 1 && typeof r.outcome === 'string')).toBe(true);
    } finally {
      db.close();
    }
  } finally {
    await remove();
  }
});

(postgresSkipReason === undefined ? test : test.skip)(`PostgreSQL: every event row casts to jsonb and answers data->'decision'->>'outcome'${postgresSkipReason === undefined ? '' : ` (skipped: ${postgresSkipReason})`}`, async () => {
  const schema = freshSchema();
  try {
    const store = await openPostgres(schema);
    await ingestHostile(store);
    await store.close();
    const rows = await withAdmin(async (c) => (await c.query<{ j: unknown; outcome: string }>(`SELECT data::jsonb AS j, data->'decision'->>'outcome' AS outcome FROM "${schema}".events`)).rows);
    expect(rows).toHaveLength(LEGAL.length * 3 + HOSTILE.length * 2);
    expect(rows.every((r) => typeof r.outcome === 'string' && r.j !== null)).toBe(true);
  } finally {
    await dropSchema(schema);
  }
});
