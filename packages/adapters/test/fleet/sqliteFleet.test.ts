/**
 * Several subscriber processes of one subscriber on one SQLite file: the leases live in the file,
 * so each change is handled once, by one process at a time, as on PostgreSQL.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { createPaystate } from '../../src/index';
import { getSqliteEventStore } from '../../src/store/sqliteEventStore';
import type { EventStore } from '../../src/store/eventStore';
import { countHandlings, readLogs, spawnScript, stop, type Child } from './harness';
import { expectedChangeIds, FLEET_KEY, runWorkload } from './workload';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('subscriptions across processes (SQLite, one file)', () => {
  jest.setTimeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'paystate-sqlite-fleet-'));
  const children: Child[] = [];
  let store: EventStore | undefined;
  afterAll(async () => {
    await Promise.all(children.map((c) => stop(c, 1000)));
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('three subscriber processes never deliver a change twice', async () => {
    const filename = join(dir, 'shared.db');
    const opened = getSqliteEventStore({ filename });
    if (E.isLeft(opened)) throw new Error(opened.left._tag);
    store = opened.right;
    const logs = [0, 1, 2].map((n) => join(dir, `sub-${n}.log`));
    const subs = logs.map((log) => spawnScript('subscriber.ts', { filename, log, segments: 8, leaseMs: 6000, renewIntervalMs: 1000, pollIntervalMs: 30, handlerMs: 1 }));
    children.push(...subs);
    await Promise.all(subs.map((s) => s.waitFor(/^ready/, 30_000)));
    // Until the three have shared the segments out.
    for (let i = 0; i < 300; i++) {
      const leases = await store.readLeases('fulfilment')();
      if (E.isRight(leases) && new Set(leases.right.filter((l) => l.remainingMs > 0).map((l) => l.owner)).size === 3) break;
      await sleep(50);
    }
    await runWorkload(createPaystate({ store, serverKey: FLEET_KEY }), { prefix: 'lite', orders: 100, parallel: 4, paceMs: 5 });
    const expected = await expectedChangeIds(store);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const ended = new Set(readLogs(logs).handlings.filter((h) => h.end !== undefined).map((h) => h.id));
      if (expected.every((id) => ended.has(id))) break;
      await sleep(100);
    }
    await Promise.all(subs.map((s) => stop(s)));
    // A process that stalls past half its lease (a write waiting on the file's lock behind the others')
    // gives its segment up, and its change in flight comes again: the lease here leaves 3 s for that.
    const stalls = logs.flatMap((f) => (existsSync(f) ? readFileSync(f, 'utf8') : '').split('\n').filter((l) => /^L (lost|fenced) /.test(l)));
    const log = readLogs(logs);
    const counts = countHandlings(expected, log, Date.now());
    console.log(`sqlite fleet: ${JSON.stringify({ ...counts, processesThatHandled: new Set(log.handlings.map((h) => h.pid)).size, stalls })}`);
    expect(counts.expected).toBe(200);
    expect(counts.handledOnce).toBe(200);
    expect(counts.handledMoreThanOnce).toBe(0);
    expect(counts.atTheSameMoment).toBe(0);
    expect(counts.neverHandled).toBe(0);
    expect(counts.effectsMoreThanOnce).toBe(0);
    expect(new Set(log.handlings.map((h) => h.pid)).size).toBe(3);
  });
});
