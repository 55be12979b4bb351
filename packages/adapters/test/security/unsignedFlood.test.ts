/**
 * An unsigned flood cannot fill the store: 10,000 notifications with a wrong signature and 60 KiB
 * bodies, through the webhook's receiver, grow a SQLite store by a bounded amount per request
 * (measured on the file and its WAL after a checkpoint), and a capped log stays under its cap.
 */
import BetterSqlite3 from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createNotificationReceiver } from '../../src/http/webhook';
import { createPaystate } from '../../src/ingest/paystate';
import { KEPT_BODY_BYTES } from '../../src/ingest/unauthenticatedRejection';
import { cardOrder, chargeRequest, chargeResponse, notificationPayload } from '../../src/midtrans/fixtures';
import type { RejectionLogLimits } from '../../src/store/shared/rejectionLogLimits';
import { openSqlite, tempDir } from '../store/support/sqlite';

const KEY = 'SB-Mid-server-FLOOD';
const REQUESTS = 10_000;
const BODY_KIB = 60;
/** The bound this test holds every unauthenticated request to, in bytes of database file. */
export const BYTES_PER_UNSIGNED_REQUEST = 2560;

/** The database file plus its WAL, after a checkpoint that empties the WAL. */
const onDisk = (filename: string): number => {
  const db = new BetterSqlite3(filename);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  const wal = `${filename}-wal`;
  return statSync(filename).size + (existsSync(wal) ? statSync(wal).size : 0);
};

const flood = async (requests: number, rejectionLog?: RejectionLogLimits): Promise<{ before: number; after: number; answers: Set<number>; dropped: number }> => {
  const { dir, remove } = tempDir();
  try {
    const filename = join(dir, 'flood.db');
    const store = openSqlite({ filename, ...(rejectionLog === undefined ? {} : { rejectionLog }) });
    const paystate = createPaystate({ store, serverKey: KEY });
    const o = cardOrder('flood', 1, KEY);
    expect(E.isRight(await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)())).toBe(true);
    await store.close();
    const before = onDisk(filename);

    const reopened = openSqlite({ filename, ...(rejectionLog === undefined ? {} : { rejectionLog }) });
    const receiver = createNotificationReceiver(createPaystate({ store: reopened, serverKey: KEY }));
    // A known order's notification, signed with nonsense, carrying 60 KiB of padding.
    const body = (i: number): string =>
      JSON.stringify({ ...notificationPayload(o, 'settlement', { custom_field1: String(i).padEnd(BODY_KIB * 1024, 'x') }), signature_key: 'f'.repeat(128) });
    const answers = new Set<number>();
    const CONCURRENT = 50;
    for (let i = 0; i < requests; i += CONCURRENT) {
      const batch = await Promise.all(Array.from({ length: CONCURRENT }, (_, j) => receiver.receive(body(i + j))));
      for (const a of batch) answers.add(a.status);
    }
    const stats = await reopened.rejectionLogStats()();
    const rows = await reopened.readRejections({ limit: 1 })();
    await reopened.close();
    // The order saw nothing: still pending, no flag.
    const check = openSqlite({ filename });
    const state = await createPaystate({ store: check, serverKey: KEY }).payment(o.orderId)();
    await check.close();
    expect(E.isRight(state) && state.right?.state.attempts.map((a) => a.status)).toEqual(['pending']);
    expect(E.isRight(state) && state.right?.state.flags).toEqual([]);
    const first = E.isRight(rows) ? rows.right[0] : undefined;
    expect(first?.orderId).toBeNull();
    expect(Buffer.byteLength(first?.rawBody ?? '', 'utf8')).toBeLessThanOrEqual(KEPT_BODY_BYTES);
    expect(first?.body?.bytes).toBeGreaterThan(BODY_KIB * 1024);
    return { before, after: onDisk(filename), answers, dropped: E.isRight(stats) ? stats.right.droppedRows : -1 };
  } finally {
    await remove();
  }
};

test(`${REQUESTS} unsigned ${BODY_KIB} KiB notifications grow the store by less than ${BYTES_PER_UNSIGNED_REQUEST} bytes each`, async () => {
  const { before, after, answers, dropped } = await flood(REQUESTS);
  const perRequest = (after - before) / REQUESTS;
  console.log(`unsigned flood: ${before} -> ${after} bytes, ${perRequest.toFixed(0)} bytes per request`);
  expect([...answers]).toEqual([401]);
  expect(dropped).toBe(0);
  expect(after - before).toBeLessThan(REQUESTS * BYTES_PER_UNSIGNED_REQUEST);
}, 300_000);

test('with a 2 MiB cap, 3,000 such notifications leave the log under the cap, the drops counted', async () => {
  const cap = 2 * 1024 * 1024;
  const { before, after, dropped } = await flood(3_000, { maxBytes: cap });
  console.log(`capped flood: ${before} -> ${after} bytes, ${dropped} rows dropped`);
  expect(dropped).toBeGreaterThan(0);
  // The file keeps the pages it once used; the bound is the cap plus what one page layout adds.
  expect(after - before).toBeLessThan(2 * cap);
}, 300_000);
