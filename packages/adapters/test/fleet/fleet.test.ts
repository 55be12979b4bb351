/**
 * Subscriptions across processes, with real processes on a real PostgreSQL: three subscriber
 * processes with one subscriberId while a fourth ingests, one killed -9 mid-way and restarted.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '../../src/store/eventStore';
import { dropSchema, freshSchema, openPostgres, postgresSkipReason, postgresUrl } from '../store/support/postgres';
import { countHandlings, readLogs, spawnScript, stop, type Child } from './harness';
import { expectedChangeIds } from './workload';

const suite = postgresSkipReason === undefined ? describe : describe.skip;
if (postgresSkipReason !== undefined) console.warn(`fleet tests skipped: ${postgresSkipReason}`);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const now = (): number => performance.timeOrigin + performance.now();

/** Watches a subscriber's segment checkpoints, counting any that goes backwards. */
const watchCheckpoints = (store: EventStore, subscriberId: string) => {
  const last = new Map<number, number>();
  let regressions = 0;
  let watching = true;
  let owners = new Map<number, string | null>();
  const running = (async () => {
    while (watching) {
      const leases = await store.readLeases(subscriberId)();
      if (E.isRight(leases)) {
        for (const l of leases.right) {
          if (l.position < (last.get(l.segment) ?? 0)) regressions++;
          last.set(l.segment, Math.max(l.position, last.get(l.segment) ?? 0));
        }
        owners = new Map(leases.right.map((l) => [l.segment, l.remainingMs > 0 ? l.owner : null]));
      }
      await sleep(20);
    }
  })();
  return {
    owners: () => owners,
    stop: async () => {
      watching = false;
      await running;
      return regressions;
    },
  };
};

suite('subscriptions across processes (PostgreSQL)', () => {
  jest.setTimeout(120_000);
  let dir: string;
  let schema: string;
  let store: EventStore;
  const children: Child[] = [];
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paystate-fleet-'));
    schema = freshSchema();
    store = await openPostgres(schema);
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => stop(c, 1000)));
    await store.close();
    await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  const subscriber = (n: number, tuning: { leaseMs: number; renewIntervalMs: number; handlerMs: number; segments: number }): Child => {
    const c = spawnScript('subscriber.ts', { url: postgresUrl, schema, log: join(dir, `sub-${n}.log`), pollIntervalMs: 50, ...tuning });
    children.push(c);
    return c;
  };
  const logFiles = (n: number): string[] => Array.from({ length: n }, (_, i) => join(dir, `sub-${i}.log`));

  test('three subscribers and an ingester, one killed -9 mid-way and restarted: every change handled, once, by one process at a time', async () => {
    const tuning = { leaseMs: 2000, renewIntervalMs: 400, handlerMs: 2, segments: 8 };
    const subs = [0, 1, 2].map((n) => subscriber(n, tuning));
    await Promise.all(subs.map((s) => s.waitFor(/^ready/, 30_000)));
    const watch = watchCheckpoints(store, 'fulfilment');
    const ingester = spawnScript('ingester.ts', { url: postgresUrl, schema, prefix: 'fleet', orders: 300, parallel: 4, paceMs: 8 });
    children.push(ingester);
    // Mid-way (a third of the 600 observations recorded), kill one subscriber outright and start another.
    await ingester.waitFor(/^progress (2\d\d|[3-9]\d\d)$/, 60_000);
    const victim = subs[0]!;
    const victimOwner = `:${victim.pid}:`;
    const victimSegments = [...watch.owners()].filter(([, o]) => o?.includes(victimOwner) === true).map(([s]) => s);
    victim.child.kill('SIGKILL');
    const killedAt = now();
    await victim.exited;
    const restarted = subscriber(3, tuning);
    await ingester.waitFor(/^done/, 60_000);
    const expected = await expectedChangeIds(store);

    // Every expected change handled (to its end) somewhere, within a bound.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ended = new Set(readLogs(logFiles(4)).handlings.filter((h) => h.end !== undefined).map((h) => h.id));
      if (expected.every((id) => ended.has(id)) || Date.now() > deadline) break;
      await sleep(100);
    }
    await Promise.all([subs[1]!, subs[2]!, restarted].map((c) => stop(c)));
    const regressions = await watch.stop();

    const log = readLogs(logFiles(4));
    const counts = countHandlings(expected, log, killedAt);
    // Takeover: from the kill to the first change handled by another process in each segment the victim held.
    const takeovers = victimSegments.map((segment) => {
      const first = log.handlings.filter((h) => h.segment === segment && h.pid !== victim.pid && h.start > killedAt).sort((a, b) => a.start - b.start)[0];
      return first === undefined ? Infinity : first.start - killedAt;
    });
    const handlers = new Set(log.handlings.map((h) => h.pid));
    console.log(
      `fleet: ${JSON.stringify({ ...counts, repeated: counts.repeated, regressions, victimSegments, takeoverMs: takeovers.map((t) => Math.round(t)), processesThatHandled: handlers.size })}`,
    );

    expect(counts.expected).toBe(600);
    expect(victimSegments.length).toBeGreaterThan(0);
    expect(counts.neverHandled).toBe(0);
    expect(counts.atTheSameMoment).toBe(0);
    expect(regressions).toBe(0);
    expect(counts.handledOnce + counts.handledMoreThanOnce).toBe(600);
    // Only what the killed process had in flight comes again: the changes of one event, each first started by it.
    expect(new Set(counts.repeated.map((r) => r.id.split(':')[0])).size).toBeLessThanOrEqual(1);
    for (const r of counts.repeated) expect(r.pids[0] === victim.pid || r.pids.includes(victim.pid)).toBe(true);
    // Effects through change.once: never twice; missing only for a change the victim was inside.
    expect(counts.effectsMoreThanOnce).toBe(0);
    for (const id of counts.effectsMissing) expect(counts.repeated.map((r) => r.id)).toContain(id);
    // Every process took part, and the victim's segments were taken over within lease + renewal (+ slack for a loaded machine).
    expect(handlers.size).toBe(4);
    for (const t of takeovers) expect(t).toBeLessThan(tuning.leaseMs + tuning.renewIntervalMs + 2000);
  });

  test('a holder paused past its lease (SIGSTOP) and woken (SIGCONT) cannot write its checkpoint', async () => {
    const tuning = { leaseMs: 1000, renewIntervalMs: 200, handlerMs: 700, segments: 1 };
    const subs = [0, 1].map((n) => subscriber(n, tuning));
    await Promise.all(subs.map((s) => s.waitFor(/^ready/, 30_000)));
    await sleep(600);
    const watch = watchCheckpoints(store, 'fulfilment');
    const ingester = spawnScript('ingester.ts', { url: postgresUrl, schema, prefix: 'pause', orders: 2, parallel: 1, paceMs: 0 });
    children.push(ingester);
    await ingester.waitFor(/^done/, 30_000);
    // The holder is inside its 700 ms handler for the first change: freeze it there.
    const started = async (): Promise<{ pid: number }> => {
      for (let i = 0; i < 200; i++) {
        const h = readLogs(logFiles(2)).handlings.find((x) => x.id === 'pause-0@1:paid');
        if (h !== undefined) return h;
        await sleep(10);
      }
      throw new Error('the first change was not handled');
    };
    const holderPid = (await started()).pid;
    const holder = subs.find((s) => s.pid === holderPid)!;
    const other = subs.find((s) => s.pid !== holderPid)!;
    holder.child.kill('SIGSTOP');
    const stoppedAt = now();
    // The other process takes the segment over once the lease expires, and handles everything.
    const expected = await expectedChangeIds(store);
    for (let i = 0; i < 100; i++) {
      const ended = readLogs(logFiles(2)).handlings.filter((h) => h.pid === other.pid && h.end !== undefined).map((h) => h.id);
      if (expected.every((id) => ended.includes(id))) break;
      await sleep(100);
    }
    const leases = await store.readLeases('fulfilment')();
    const positionBefore = E.isRight(leases) ? leases.right[0]?.position : undefined;
    holder.child.kill('SIGCONT');
    // The woken holder ends its handler and tries to write its checkpoint: refused.
    await sleep(1500);
    const regressions = await watch.stop();
    const after = await store.readLeases('fulfilment')();
    const lines = readFileSync(join(dir, `sub-${subs.indexOf(holder)}.log`), 'utf8').split('\n');
    const fenced = lines.filter((l) => l.startsWith(`L fenced ${holderPid} `) || l.startsWith(`L lost ${holderPid} `));
    const log = readLogs(logFiles(2));
    const takenOverAt = Math.min(...log.handlings.filter((h) => h.pid === other.pid && h.start > stoppedAt).map((h) => h.start));
    console.log(`paused holder: ${JSON.stringify({ fenced, takeoverMs: Math.round(takenOverAt - stoppedAt), positionBefore, after: E.isRight(after) ? after.right : after.left })}`);

    expect(log.handlings.filter((h) => h.pid === other.pid).map((h) => h.id).sort()).toEqual([...expected].sort());
    expect(fenced.length).toBeGreaterThan(0);
    expect(regressions).toBe(0);
    expect(E.isRight(after) && after.right[0]!.position).toBe(positionBefore);
    // The change the holder was frozen inside had its effect once (by the holder, before the freeze).
    expect(log.effects.get('pause-0@1:paid')).toBe(1);
  });
});
