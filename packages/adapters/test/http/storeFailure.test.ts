/**
 * The store fails under the webhook: the answer is 503 (Midtrans retries), nothing is half
 * written, and after recovery the redelivery is applied exactly once.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { createPaystate, streamIdOf, type Paystate } from '../../src/ingest/index';
import { cardOrder, chargeRequest, chargeResponse, notificationBody, type CardOrder } from '../../src/midtrans/fixtures';
import type { EventStore } from '../../src/store/index';
import { getPostgresEventStore } from '../../src/postgres';
import { getSqliteEventStore } from '../../src/sqlite';
import { dropSchema, freshSchema, openPostgres, postgresSkipReason, postgresUrl, withAdmin } from '../store/support/postgres';
import { json, observationOf, send, startInProcess, startTcpProxy, type InProcess } from './support/http';

const KEY = 'SB-Mid-server-STORE-FAILURE';

const open = async (paystate: Paystate, o: CardOrder) => {
  expect(E.isRight(await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)())).toBe(true);
};

const streamOf = async (store: EventStore, o: CardOrder) => {
  const r = await store.readStream(streamIdOf(o.orderId))();
  if (E.isLeft(r)) throw new Error(r.left._tag);
  return r.right.events;
};

/** After recovery: the redelivery is applied, a second one is a duplicate, and the stream holds the capture once. */
const redeliverOnce = async (port: number, store: EventStore, o: CardOrder) => {
  const body = notificationBody(o, 'capture');
  const first = await send(port, { body });
  expect([first.status, json(first)['outcome']]).toEqual([200, 'applied']);
  const second = await send(port, { body });
  expect([second.status, json(second)['outcome']]).toEqual([200, 'duplicate']);
  const events = await streamOf(store, o);
  expect(events.filter((e) => observationOf(e)!.decision.outcome === 'applied').map((e) => observationOf(e)!.decision.reason)).toEqual([
    expect.stringContaining('opens order'),
    expect.stringContaining('opens attempt'),
    'pending/accept → capture/accept',
  ]);
};

describe('SQLite', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'paystate-store-failure-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the database is locked by another process: 503, then applied once when it is free', async () => {
    const file = join(dir, 'locked.db');
    const opened = getSqliteEventStore({ filename: file, busyTimeoutMs: 100 });
    if (E.isLeft(opened)) throw new Error(opened.left._tag);
    const store = opened.right;
    const paystate = createPaystate({ store, serverKey: KEY });
    const server = await startInProcess(paystate);
    const blocker = new Database(file);
    try {
      const o = cardOrder('sqlite-locked', 1, KEY);
      await open(paystate, o);
      blocker.exec('BEGIN IMMEDIATE');
      const started = performance.now();
      const r = await send(server.port, { body: notificationBody(o, 'capture') });
      // The writer thread gives up after its busy timeout (100 ms here): the answer is not held longer.
      expect(performance.now() - started).toBeLessThan(100 + 1_000);
      expect(r.status).toBe(503);
      expect(json(r)).toMatchObject({ error: 'store_unavailable' });
      blocker.exec('ROLLBACK');
      expect(await streamOf(store, o)).toHaveLength(2);
      await redeliverOnce(server.port, store, o);
    } finally {
      if (blocker.inTransaction) blocker.exec('ROLLBACK');
      blocker.close();
      await server.close();
      await paystate.close();
    }
  });

  test('the database is closed under the handler mid-request: 503, nothing written, applied once after reopening', async () => {
    const file = join(dir, 'closed.db');
    const first = getSqliteEventStore({ filename: file });
    if (E.isLeft(first)) throw new Error(first.left._tag);
    const real = first.right;
    // The reads succeed; the database goes away just before the commit.
    const failing: EventStore = { ...real, appendMany: (ops) => async () => (await real.close(), real.appendMany(ops)()) };
    const paystate = createPaystate({ store: failing, serverKey: KEY });
    const o = cardOrder('sqlite-closed', 1, KEY);
    await open(createPaystate({ store: real, serverKey: KEY }), o);
    const server = await startInProcess(paystate);
    try {
      const r = await send(server.port, { body: notificationBody(o, 'capture') });
      expect([r.status, json(r)['error']]).toEqual([503, 'store_unavailable']);
      expect((await send(server.port, { method: 'GET', path: '/health' })).status).toBe(503);
    } finally {
      await server.close();
    }
    const reopened = getSqliteEventStore({ filename: file });
    if (E.isLeft(reopened)) throw new Error(reopened.left._tag);
    const recovered = createPaystate({ store: reopened.right, serverKey: KEY });
    const again = await startInProcess(recovered);
    try {
      expect(await streamOf(reopened.right, o)).toHaveLength(2);
      await redeliverOnce(again.port, reopened.right, o);
    } finally {
      await again.close();
      await recovered.close();
    }
  });
});

// Skipped only when the server is unreachable and PAYSTATE_REQUIRE_POSTGRES is not 1 (see ../store/support/postgres.ts).
(postgresSkipReason === undefined ? describe : describe.skip)('PostgreSQL', () => {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s);
  });

  test('our backend is terminated while the append waits: 503, nothing written, applied once after', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const store = await openPostgres(schema);
    const paystate = createPaystate({ store, serverKey: KEY });
    const server: InProcess = await startInProcess(paystate);
    try {
      const o = cardOrder('pg-terminated', 1, KEY);
      await open(paystate, o);
      const { reply, terminated } = await withAdmin(async (locker) => {
        // Reads pass, inserts wait: the request is stopped mid-append, inside its transaction.
        await locker.query('BEGIN');
        await locker.query(`LOCK TABLE "${schema}".events IN EXCLUSIVE MODE`);
        try {
          const pending = send(server.port, { body: notificationBody(o, 'capture') });
          // Another connection looks: pg_stat_activity is a snapshot within the locker's transaction.
          const killed = await withAdmin(async (admin) => {
            for (let i = 0; i < 300; i++) {
              await new Promise((r) => setTimeout(r, 10));
              const k = await admin.query(
                `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE wait_event_type = 'Lock' AND application_name = 'paystate' AND query LIKE $1`,
                // Only the append waits (an INSERT, or the store's append function that inserts).
                [`%"${schema}".%`],
              );
              if ((k.rowCount ?? 0) > 0) return k.rowCount ?? 0;
            }
            return 0;
          });
          await locker.query('ROLLBACK');
          return { reply: await pending, terminated: killed };
        } catch (e) {
          await locker.query('ROLLBACK');
          throw e;
        }
      });
      expect(terminated).toBe(1);
      expect([reply.status, json(reply)['error']]).toEqual([503, 'store_unavailable']);
      expect(await streamOf(store, o)).toHaveLength(2);
      await redeliverOnce(server.port, store, o);
    } finally {
      await server.close();
      await paystate.close();
    }
  });

  test('the server behind the pool goes away: 503 and /health 503, then applied once when it is back', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    await (await openPostgres(schema)).close();
    const target = new URL(postgresUrl);
    const proxy = await startTcpProxy(Number(target.port || 5432));
    target.host = `127.0.0.1:${proxy.port}`;
    const opened = await getPostgresEventStore({ connectionString: target.toString(), schema, connectTimeoutMs: 1_000 })();
    if (E.isLeft(opened)) throw new Error(opened.left._tag);
    const store = opened.right;
    const paystate = createPaystate({ store, serverKey: KEY });
    const server = await startInProcess(paystate);
    try {
      const o = cardOrder('pg-gone', 1, KEY);
      await open(paystate, o);
      await proxy.stop();
      const r = await send(server.port, { body: notificationBody(o, 'capture') });
      expect([r.status, json(r)['error']]).toEqual([503, 'store_unavailable']);
      expect((await send(server.port, { method: 'GET', path: '/health' })).status).toBe(503);
      await proxy.start();
      expect((await send(server.port, { method: 'GET', path: '/health' })).status).toBe(200);
      expect(await streamOf(store, o)).toHaveLength(2);
      await redeliverOnce(server.port, store, o);
    } finally {
      await server.close();
      await paystate.close();
      await proxy.close();
    }
  });
});
