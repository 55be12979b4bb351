/**
 * Reconciliation as a fleet: `paystate reconcile` processes on one PostgreSQL schema against the
 * simulator, which counts the GET status calls per order. Two workers make one call per due
 * order per due time, never two at once; a worker killed -9 and restarted neither forgets the
 * attempts nor repeats a check before its backoff; an order a killed worker held is checked again
 * only after the lease.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { getSqliteEventStore } from '@paystate/adapters/sqlite';
import { createPaystate, type Paystate } from '../../../adapters/src/ingest/index';
import type { EventStore } from '@paystate/adapters';
import { dropSchema, freshSchema, openPostgres, postgresSkipReason, postgresUrl, withAdmin } from '../../../adapters/test/store/support/postgres';
import { observationOf, paymentEvents } from '../../../adapters/test/http/support/http';
import { paystateArgv, stopProcess } from '../../src/processes';
import { openPendingOrders, spawnWorker, startCountingSimulator, until, type CountingSimulator, type Worker } from './support';

const KEY = 'SB-Mid-server-FLEET-RECONCILE';
const MINUTE = 60_000;

jest.setTimeout(90_000);

const storeUrl = (schema: string) => `${postgresUrl}${postgresUrl.includes('?') ? '&' : '?'}schema=${schema}`;

const reconcileAt = (store: string, sim: CountingSimulator, extra: readonly string[] = []): Worker =>
  spawnWorker(paystateArgv(['reconcile', '--store', store, '--core-api', sim.sim.url, '--log-level', 'debug', '--interval-ms', '100', ...extra]), { MIDTRANS_SERVER_KEY: KEY });

const reconcile = (schema: string, sim: CountingSimulator, extra: readonly string[] = []): Worker => reconcileAt(storeUrl(schema), sim, extra);

const rounds = (w: Worker) => w.lines.filter((l) => l['msg'] === 'reconciliation round').length;
const checkedBy = (w: Worker) => w.lines.filter((l) => l['msg'] === 'reconciliation round').reduce((s, l) => s + Number(l['checked']), 0);

/** Starts two workers on the store, waits for `n` status calls and five more rounds of each, and stops them. */
const twoWorkers = async (store: string, sim: CountingSimulator, n: number, workers: Worker[]): Promise<readonly [Worker, Worker]> => {
  const a = reconcileAt(store, sim, ['--concurrency', '4']);
  const b = reconcileAt(store, sim, ['--concurrency', '4']);
  workers.push(a, b);
  await until(() => sim.calls.length >= n, 45_000, () => `${sim.calls.length} of ${n} status calls; ${a.stderr()}${b.stderr()}`);
  // Several more rounds of both workers: nothing is due any more, so nothing more is called.
  const [ra, rb] = [rounds(a), rounds(b)];
  await until(() => rounds(a) >= ra + 5 && rounds(b) >= rb + 5, 20_000, () => 'five more rounds of each worker');
  expect(await stopProcess(a)).toEqual({ code: 0, signal: null });
  expect(await stopProcess(b)).toEqual({ code: 0, signal: null });
  return [a, b];
};

const claimRows = async (schema: string): Promise<Map<string, { attempts: number; nextAt: number }>> => {
  const r = await withAdmin((c) => c.query<{ order_id: string; attempts: number; next_at_ms: string }>(`SELECT order_id, attempts, next_at_ms FROM "${schema}".reconcile_claims`));
  return new Map(r.rows.map((x) => [x.order_id, { attempts: x.attempts, nextAt: Number(x.next_at_ms) }]));
};

(postgresSkipReason === undefined ? describe : describe.skip)('reconcile workers on one PostgreSQL schema', () => {
  const workers: Worker[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const w of workers.splice(0)) await stopProcess(w, 'SIGKILL');
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** A schema with `n` pending 3DS orders whose expiry passed an hour ago (the simulator's clock starts then), and the simulator. */
  const setUp = async (prefix: string, n: number): Promise<{ schema: string; sim: CountingSimulator; store: EventStore; paystate: Paystate; ids: string[] }> => {
    const schema = freshSchema();
    const store = await openPostgres(schema);
    const sim = await startCountingSimulator(KEY, new Date(Date.now() - 60 * MINUTE).toISOString());
    cleanups.push(async () => {
      await store.close();
      await sim.sim.close();
      await dropSchema(schema);
    });
    const paystate = createPaystate({ store, serverKey: KEY });
    const ids = await openPendingOrders(paystate, sim.sim, KEY, prefix, n);
    return { schema, sim, store, paystate, ids };
  };

  test('two workers: one status call per due order, never two at once, each answer stored once', async () => {
    const N = 40;
    const { schema, sim, store, ids } = await setUp('two', N);
    // The 3DS pages were never completed: in the simulator every order has expired.
    await sim.sim.advanceClock(15 * MINUTE);
    const [a, b] = await twoWorkers(storeUrl(schema), sim, N, workers);

    const perOrder = ids.map((id) => sim.callsOf(id).length);
    expect(perOrder).toEqual(ids.map(() => 1));
    expect([...sim.mostAtOnce.values()].every((n) => n === 1)).toBe(true);
    // Each worker's rounds report what it checked: together, every order once.
    expect(checkedBy(a) + checkedBy(b)).toBe(N);
    // One status answer stored per order, and every order is now expired in paystate too.
    const answers = (await paymentEvents(store)).filter((e) => observationOf(e)?.line.kind === 'status_response');
    expect(answers.map((e) => observationOf(e)!.line.payload).map((p) => (p as { order_id: string }).order_id).sort()).toEqual([...ids].sort());
    expect(answers.every((e) => (e.data as { decision: { outcome: string } }).decision.outcome === 'applied')).toBe(true);
    const claims = await claimRows(schema);
    expect(ids.map((id) => claims.get(id)?.attempts)).toEqual(ids.map(() => 0));
    console.log(`two reconcile workers, ${N} due orders: ${sim.calls.length} status calls; worker A checked ${checkedBy(a)}, worker B ${checkedBy(b)}`);
  });

  test('a worker killed -9 between rounds and restarted neither forgets the attempts nor checks again before the backoff; one killed mid-check holds its order only for the lease', async () => {
    const N = 8;
    const BACKOFF = 3_000;
    const LEASE = 2_000;
    const { schema, sim, ids } = await setUp('kill', N);
    // The simulator still says pending: every order stays due, and backs off after each check.
    const args = ['--concurrency', '4', '--base-backoff-ms', String(BACKOFF), '--lease-ms', String(LEASE), '--timeout-ms', '400'];
    const first = reconcile(schema, sim, args);
    workers.push(first);
    await until(() => sim.calls.length >= N, 30_000, () => `${sim.calls.length} of ${N} first checks; ${first.stderr()}`);
    await until(async () => [...(await claimRows(schema)).values()].filter((c) => c.attempts === 1 && c.nextAt > 0).length === N, 5_000, () => 'every first check released');
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // The restarted worker: the second checks come at the backoff, never sooner. The first of
    // them is answered slowly, and this worker is killed while it waits.
    sim.delayMs = 1_500;
    let killedAt: number | undefined;
    let held: string | undefined;
    const second = reconcile(schema, sim, args);
    workers.push(second);
    sim.onStatus = (call) => {
      if (killedAt !== undefined) return;
      held = call.orderId;
      killedAt = Date.now();
      second.child.kill('SIGKILL');
    };
    await until(() => killedAt !== undefined, 30_000, () => `a second check; ${second.stderr()}`);
    await second.exited;
    sim.delayMs = 0;
    sim.onStatus = undefined;

    const third = reconcile(schema, sim, args);
    workers.push(third);
    await until(() => ids.every((id) => sim.callsOf(id).length >= 2) && sim.callsOf(held!).length >= 3, 30_000, () => `calls per order ${ids.map((id) => sim.callsOf(id).length).join(',')}; ${third.stderr()}`);
    expect(await stopProcess(third)).toEqual({ code: 0, signal: null });

    const claims = await claimRows(schema);
    for (const id of ids) {
      const calls = sim.callsOf(id);
      // Not repeated: the second check waited for the backoff the first one set (less the round's own time).
      expect(calls[1]!.startedAt - calls[0]!.startedAt).toBeGreaterThanOrEqual(BACKOFF - 500);
      // Not forgotten: the store counted every check across the kills (a claim counts as it is
      // made, so an order the killed worker had claimed but not yet called counts one more).
      expect(claims.get(id)?.attempts).toBeGreaterThanOrEqual(calls.length);
      expect(claims.get(id)?.attempts).toBeLessThanOrEqual(calls.length + 1);
    }
    // The order held by the worker killed mid-check was checked again once its lease had passed, not before.
    const heldCalls = sim.callsOf(held!);
    expect(heldCalls[2]!.startedAt - heldCalls[1]!.startedAt).toBeGreaterThanOrEqual(LEASE - 50);
    expect([...sim.mostAtOnce.values()].every((n) => n === 1)).toBe(true);
    console.log(
      `kill -9 and restart: calls per order ${ids.map((id) => sim.callsOf(id).length).join(',')}; held order re-checked ${heldCalls[2]!.startedAt - heldCalls[1]!.startedAt} ms after the killed worker's call (lease ${LEASE} ms)`,
    );
  });
});

describe('reconcile workers on one SQLite file', () => {
  let dir: string;
  const workers: Worker[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'paystate-fleet-reconcile-'));
  });
  afterAll(async () => {
    for (const w of workers.splice(0)) await stopProcess(w, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('two worker processes on one file: the claims hold there too, one status call per due order', async () => {
    const N = 40;
    const file = join(dir, 'reconcile.db');
    const opened = getSqliteEventStore({ filename: file });
    if (E.isLeft(opened)) throw new Error(opened.left._tag);
    const sim = await startCountingSimulator(KEY, new Date(Date.now() - 60 * MINUTE).toISOString());
    try {
      const ids = await openPendingOrders(createPaystate({ store: opened.right, serverKey: KEY }), sim.sim, KEY, 'lite', N);
      await sim.sim.advanceClock(15 * MINUTE);
      // Answered a little late, so the second worker starts while the first is still at work.
      sim.delayMs = 150;
      const [a, b] = await twoWorkers(`sqlite:${file}`, sim, N, workers);
      expect(ids.map((id) => sim.callsOf(id).length)).toEqual(ids.map(() => 1));
      expect([...sim.mostAtOnce.values()].every((n) => n === 1)).toBe(true);
      expect(checkedBy(a) + checkedBy(b)).toBe(N);
      const answers = (await paymentEvents(opened.right)).filter((e) => observationOf(e)?.line.kind === 'status_response');
      expect(answers).toHaveLength(N);
      console.log(`two reconcile workers on one SQLite file, ${N} due orders: ${sim.calls.length} status calls; worker A checked ${checkedBy(a)}, worker B ${checkedBy(b)}`);
    } finally {
      await opened.right.close();
      await sim.sim.close();
    }
  });
});
