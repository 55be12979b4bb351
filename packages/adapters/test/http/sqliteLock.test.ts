/**
 * The server on a SQLite file another process has locked (`BEGIN EXCLUSIVE`): a notification is
 * answered 503 within the webhook's deadline, `/health` reports the store unhealthy, the read API
 * still answers from what is committed, and once the lock goes a redelivery is recorded once.
 */
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { join } from 'node:path';
import { createPaystate, streamIdOf } from '../../src/ingest/index';
import { cardOrder, chargeRequest, chargeResponse, notificationBody } from '../../src/midtrans/fixtures';
import { openSqlite, tempDir } from '../store/support/sqlite';
import { json, observationOf, send, startInProcess } from './support/http';

const KEY = 'SB-Mid-server-SQLITE-LOCK';
const TOKEN = 'read-token-sqlite-lock-0123456789';
const DEADLINE_MS = 800;
// Longer than the deadline, so the deadline is what answers.
const BUSY_MS = 2_000;
const MARGIN_MS = 700;

test('a SQLite file locked by another process: 503 within the deadline, /health 503, reads served, then recorded once', async () => {
  const { dir, remove } = tempDir();
  const filename = join(dir, 'locked.db');
  const store = openSqlite({ filename, busyTimeoutMs: BUSY_MS });
  const paystate = createPaystate({ store, serverKey: KEY });
  const server = await startInProcess(paystate, { deadlineMs: DEADLINE_MS, readToken: TOKEN });
  const other = new Database(filename);
  const o = cardOrder('sqlite-exclusive', 1, KEY);
  const timed = async (options: Parameters<typeof send>[1]) => {
    const started = performance.now();
    const reply = await send(server.port, options);
    return { reply, ms: performance.now() - started };
  };
  try {
    expect(E.isRight(await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)())).toBe(true);
    other.exec('BEGIN EXCLUSIVE');
    const [notified, health, read] = await Promise.all([
      timed({ body: notificationBody(o, 'capture') }),
      timed({ method: 'GET', path: '/health' }),
      timed({ method: 'GET', path: `/orders/${o.orderId}`, headers: { authorization: `Bearer ${TOKEN}` } }),
    ]);
    expect([notified.reply.status, json(notified.reply)['error']]).toEqual([503, 'deadline_exceeded']);
    expect(notified.ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    expect([health.reply.status, json(health.reply)['status']]).toEqual([503, 'unavailable']);
    expect(health.ms).toBeLessThan(1_000 + MARGIN_MS);
    // The read API answers from what is committed while the writes wait.
    expect(read.reply.status).toBe(200);
    expect(read.ms).toBeLessThan(MARGIN_MS);

    other.exec('ROLLBACK');
    // The append sent before the deadline may commit once the lock goes: the redelivery then is a duplicate.
    const again = await send(server.port, { body: notificationBody(o, 'capture') });
    expect(again.status).toBe(200);
    expect(['applied', 'duplicate']).toContain(json(again)['outcome']);
    expect((await send(server.port, { method: 'GET', path: '/health' })).status).toBe(200);
    const events = await store.readStream(streamIdOf(o.orderId))();
    if (E.isLeft(events)) throw new Error(events.left._tag);
    const captures = events.right.events.filter((e) => observationOf(e)?.decision.reason === 'pending/accept → capture/accept');
    expect(captures).toHaveLength(1);
  } finally {
    if (other.inTransaction) other.exec('ROLLBACK');
    other.close();
    await server.close();
    await paystate.close();
    await remove();
  }
});
