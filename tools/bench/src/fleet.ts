/**
 * `pnpm bench:subscriptions`: subscriptions across processes on PostgreSQL. For 1, 2 and 3 subscriber
 * processes of one subscriber: how many business changes per second they handle together (each
 * handler claims its effect with change.once and waits `--handler-ms`, standing for a call to a
 * shipping API); then, with the last fleet, how long after a kill -9 the killed process's segments
 * are held by the others.
 *
 *   pnpm bench:subscriptions [-- --url postgres://... --orders 400 --handler-ms 5 --processes 1,2,3 --lease-ms 2000 --renew-ms 500]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { createPaystate } from '../../../packages/adapters/src/index';
import { getPostgresEventStore } from '../../../packages/adapters/src/store/postgresEventStore';
import { formatStoreError, type EventStore } from '../../../packages/adapters/src/store/eventStore';
import { readLogs, spawnScript, stop, type Child } from '../../../packages/adapters/test/fleet/harness';
import { expectedChangeIds, FLEET_KEY, runWorkload } from '../../../packages/adapters/test/fleet/workload';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    url: { type: 'string', default: process.env.PAYSTATE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    orders: { type: 'string', default: '400' },
    'handler-ms': { type: 'string', default: '5' },
    processes: { type: 'string', default: '1,2,3' },
    segments: { type: 'string', default: '8' },
    'lease-ms': { type: 'string', default: '2000' },
    'renew-ms': { type: 'string', default: '500' },
  },
});
const url = values.url!;
const orders = Number(values.orders);
const tuning = { segments: Number(values.segments), leaseMs: Number(values['lease-ms']), renewIntervalMs: Number(values['renew-ms']), handlerMs: Number(values['handler-ms']), pollIntervalMs: 20 };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const now = (): number => performance.timeOrigin + performance.now();

const withSchema = async <A>(f: (schema: string, store: EventStore) => Promise<A>): Promise<A> => {
  const schema = `ps_fleet_bench_${process.pid}_${Date.now()}`;
  const opened = await getPostgresEventStore({ connectionString: url, schema })();
  if (E.isLeft(opened)) throw new Error(formatStoreError(opened.left));
  try {
    return await f(schema, opened.right);
  } finally {
    await opened.right.close();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
};

/** Waits until the live owners hold every segment, `k` of them. */
const settled = async (store: EventStore, k: number): Promise<void> => {
  for (let i = 0; i < 500; i++) {
    const leases = await store.readLeases('fulfilment')();
    if (E.isRight(leases)) {
      const live = leases.right.filter((l) => l.remainingMs > 0 && l.owner !== null);
      if (live.length === tuning.segments && new Set(live.map((l) => l.owner)).size === k) return;
    }
    await sleep(20);
  }
  throw new Error(`${k} processes did not share the segments out`);
};

const run = async (k: number, measureTakeover: boolean) =>
  withSchema(async (schema, store) => {
    const dir = mkdtempSync(join(tmpdir(), 'paystate-fleet-bench-'));
    const logs = Array.from({ length: k }, (_, i) => join(dir, `sub-${i}.log`));
    const subs: Child[] = logs.map((log) => spawnScript('subscriber.ts', { url, schema, log, ...tuning }));
    try {
      await Promise.all(subs.map((s) => s.waitFor(/^ready/, 60_000)));
      await settled(store, k);
      await runWorkload(createPaystate({ store, serverKey: FLEET_KEY }), { prefix: `k${k}`, orders, parallel: 16, paceMs: 0 });
      const expected = await expectedChangeIds(store);
      for (;;) {
        const ended = readLogs(logs).handlings.filter((h) => h.end !== undefined);
        if (new Set(ended.map((h) => h.id)).size >= expected.length) break;
        await sleep(50);
      }
      const handlings = readLogs(logs).handlings;
      const first = Math.min(...handlings.map((h) => h.start));
      const last = Math.max(...handlings.map((h) => h.end ?? 0));
      const perSecond = Math.round(expected.length / ((last - first) / 1000));
      let takeoverMs: number | undefined;
      if (measureTakeover) {
        const victim = subs[0]!;
        const leases = await store.readLeases('fulfilment')();
        const held = E.isRight(leases) ? leases.right.filter((l) => l.owner?.includes(`:${victim.pid}:`) === true).map((l) => l.segment) : [];
        victim.child.kill('SIGKILL');
        const killedAt = now();
        await victim.exited;
        for (;;) {
          const after = await store.readLeases('fulfilment')();
          if (E.isRight(after) && held.every((s) => { const l = after.right.find((x) => x.segment === s); return l !== undefined && l.remainingMs > 0 && l.owner?.includes(`:${victim.pid}:`) === false; })) break;
          if (now() - killedAt > 60_000) throw new Error('no takeover within 60 s');
          await sleep(10);
        }
        takeoverMs = Math.round(now() - killedAt);
      }
      return { processes: k, changes: expected.length, seconds: Number(((last - first) / 1000).toFixed(2)), changesPerSecond: perSecond, ...(takeoverMs === undefined ? {} : { takeoverMs }) };
    } finally {
      await Promise.all(subs.map((s) => stop(s, 2000)));
      rmSync(dir, { recursive: true, force: true });
    }
  });

const main = async (): Promise<void> => {
  const counts = values.processes!.split(',').map(Number);
  console.log(`subscriptions across processes: ${orders} orders (${orders * 2} changes), handler ${tuning.handlerMs} ms + change.once, ${tuning.segments} segments, lease ${tuning.leaseMs} ms, renewal every ${tuning.renewIntervalMs} ms`);
  const results = [];
  for (const [i, k] of counts.entries()) {
    const r = await run(k, i === counts.length - 1 && k > 1);
    results.push(r);
    console.log(JSON.stringify(r));
  }
  const base = results[0]!.changesPerSecond;
  for (const r of results) console.log(`${r.processes} process(es): ${r.changesPerSecond} changes/s (${(r.changesPerSecond / base).toFixed(2)}x)${r.takeoverMs === undefined ? '' : `; takeover after kill -9: ${r.takeoverMs} ms`}`);
};

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
