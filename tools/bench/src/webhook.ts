/**
 * Webhook benchmark: signed notifications per second and latency through `paystate serve` (a child
 * process) on SQLite and on PostgreSQL, against a bare `node:http` server answering 200, driven by
 * one keep-alive load generator at a fixed concurrency over loopback. The bare server is measured
 * before and after the stores; the faster run is the baseline. Each store is measured as serve
 * runs by default (a log line per request, metrics) and quiet (no logging, no metrics).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { createPaystate } from '@paystate/adapters';
import { cardOrder, chargeRequest, chargeResponse, notificationBody, type CardOrder } from '@paystate/adapters/testing';
import { paystateArgv, spawnListening, stopProcess, type ServeProcess } from '../../../packages/cli/src/processes';
import { formatStoreError } from '@paystate/adapters';
import { openStore } from '../../../packages/cli/src/storeUrl';
import { collectGarbage } from './fold';
import type { BenchContext, BenchSection } from './benchSection';

export const SERVER_KEY = 'SB-Mid-server-BENCH';
const CONCURRENCY = 16;
const POSTGRES_URL = process.env['PAYSTATE_BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface LoadRun {
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** Count per HTTP status. */
  readonly statuses: Readonly<Record<string, number>>;
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

/** POSTs a notification body over a keep-alive agent; resolves with the status (0 when the connection failed). */
export const post = (agent: Agent, port: number, body: string): Promise<number> =>
  new Promise((resolve) => {
    const req = request(
      { agent, host: '127.0.0.1', port, method: 'POST', path: '/notifications', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });

/** POSTs every body once, `concurrency` at a time over keep-alive connections, in order of the list. */
export const runLoad = async (port: number, bodies: readonly string[], concurrency = CONCURRENCY): Promise<LoadRun> => {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const t0 = process.hrtime.bigint();
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const s = process.hrtime.bigint();
      const status = await post(agent, port, body);
      latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return { requests: bodies.length, rps: Math.round(bodies.length / seconds), p50: round(percentile(latencies, 0.5)), p99: round(percentile(latencies, 0.99)), statuses };
};

// -------------------------------------------------------------------------------------------------
// workload
// -------------------------------------------------------------------------------------------------

interface Workload {
  readonly orders: readonly CardOrder[];
  /** Timed: capture for every order, then settlement, then a duplicate of each. */
  readonly bodies: readonly string[];
  /** Untimed warm-up: the same mix on orders of its own, as many. */
  readonly warmup: readonly string[];
  readonly warmupOrders: readonly CardOrder[];
}

/** Capture for every order, then settlement, then a redelivery of one or the other for each. */
export const mix = (os: readonly CardOrder[]): string[] => {
  const captures = os.map((o) => notificationBody(o, 'capture'));
  const settlements = os.map((o) => notificationBody(o, 'settlement'));
  return [...captures, ...settlements, ...captures.filter((_, i) => i % 2 === 0), ...settlements.filter((_, i) => i % 2 === 1)];
};

// The warm-up is as long as the timed run: after a shorter one (1,000 requests) the first few
// thousand timed requests still ran while the JIT was compiling the hot paths, and even the bare
// server measured at half its steady rate there.
const workload = (orders: number, run: string): Workload => {
  const os = Array.from({ length: orders }, (_, i) => cardOrder(`bench-${run}`, i, SERVER_KEY));
  const ws = Array.from({ length: orders }, (_, i) => cardOrder(`warm-${run}`, i, SERVER_KEY));
  return { orders: os, bodies: mix(os), warmupOrders: ws, warmup: mix(ws) };
};

/** Records every order's charge request and response (not timed), many at once so commits are shared. */
export const openOrders = async (url: string, orders: readonly CardOrder[]): Promise<void> => {
  const store = await openStore(url)();
  if (E.isLeft(store)) throw new Error(`cannot open ${url}: ${formatStoreError(store.left)}`);
  const paystate = createPaystate({ store: store.right, serverKey: SERVER_KEY });
  try {
    for (let i = 0; i < orders.length; i += 200) {
      const results = await Promise.all(orders.slice(i, i + 200).map((o) => paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)()));
      const failed = results.find(E.isLeft);
      if (failed !== undefined) throw new Error(`cannot record the charges: ${formatStoreError(failed.left)}`);
    }
  } finally {
    await paystate.close();
  }
};

const BARE_SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.stringify({ outcome: 'applied', reason: 'bare', order_id: null, bytes: Buffer.concat(chunks).length });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

const measure = async (ctx: BenchContext, name: string, server: ServeProcess, w: Workload): Promise<LoadRun> => {
  // A full collection in the load generator before each run, so no run starts with another's garbage.
  collectGarbage();
  await runLoad(server.port, w.warmup);
  collectGarbage();
  const r = await runLoad(server.port, w.bodies);
  const bad = Object.entries(r.statuses).filter(([s]) => s !== '200');
  ctx.log(`${name.padEnd(9)} ${r.rps.toLocaleString('en-US').padStart(7)} notifications/s  p50 ${r.p50} ms  p99 ${r.p99} ms${bad.length > 0 ? `  NOT 200: ${JSON.stringify(Object.fromEntries(bad))}` : ''}`);
  if (bad.length > 0) throw new Error(`${name}: ${bad.map(([s, n]) => `${n} answered ${s}`).join(', ')}`);
  return r;
};

/**
 * serve as it runs by default (a JSON log line per request on stdout, a pipe the load generator
 * drains and drops; Prometheus metrics), or `quiet`: `--log-level silent --no-metrics`, to
 * measure what logging and metrics cost.
 */
const serveOn = async (ctx: BenchContext, name: string, url: string, w: Workload, quiet = false): Promise<LoadRun> => {
  const t0 = Date.now();
  await openOrders(url, [...w.orders, ...w.warmupOrders]);
  ctx.log(`${name}: ${(w.orders.length + w.warmupOrders.length).toLocaleString('en-US')} orders opened in ${Date.now() - t0} ms (not timed)`);
  const server = await spawnListening(paystateArgv(['serve', '--port', '0', '--store', url, '--server-key', SERVER_KEY, ...(quiet ? ['--log-level', 'silent', '--no-metrics'] : [])]), { keepLines: false });
  try {
    return await measure(ctx, name, server, w);
  } finally {
    await stopProcess(server);
  }
};

const measureBare = async (ctx: BenchContext, name: string, w: Workload): Promise<LoadRun> => {
  const bare = await spawnListening(['-e', BARE_SERVER]);
  try {
    return await measure(ctx, name, bare, w);
  } finally {
    await stopProcess(bare);
  }
};

/** Measures serve on PostgreSQL in a schema of its own, or says why not (the server does not answer). */
const measurePostgres = async (ctx: BenchContext, run: string, w: Workload, quiet = false): Promise<LoadRun | undefined> => {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  const reachable = await admin.connect().then(
    () => undefined,
    (e: unknown) => (e instanceof Error ? e.message : String(e)) || 'unreachable',
  );
  if (reachable !== undefined) {
    ctx.log(`postgres: skipped (${reachable})`);
    return undefined;
  }
  const schema = `bench_${run}`;
  try {
    return await serveOn(ctx, quiet ? 'pg quiet' : 'postgres', `${POSTGRES_URL}?schema=${schema}`, w, quiet);
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await admin.end().catch(() => undefined);
  }
};

export const webhookSection: BenchSection = {
  name: 'webhook',
  title: `signed notifications through paystate serve (SQLite, PostgreSQL) vs a bare node:http server, ${CONCURRENCY} concurrent keep-alive clients`,
  async run(ctx) {
    const orders = ctx.events !== undefined ? Math.ceil(ctx.events / 3) : ctx.quick ? 1_000 : 3_000;
    const run = randomBytes(4).toString('hex');
    const w = workload(orders, run);
    // The quiet runs (no logging, no metrics) get orders of their own: the same mix, unseen ids.
    const wq = workload(orders, `${run}q`);
    ctx.log(`workload: ${w.bodies.length.toLocaleString('en-US')} notifications (capture, settlement, duplicates) over ${orders.toLocaleString('en-US')} orders`);

    const bareBefore = await measureBare(ctx, 'bare', w);
    const dir = mkdtempSync(join(tmpdir(), 'paystate-bench-'));
    let s: LoadRun;
    let sq: LoadRun;
    try {
      s = await serveOn(ctx, 'sqlite', `sqlite:${join(dir, 'bench.db')}`, w);
      sq = await serveOn(ctx, 'sq quiet', `sqlite:${join(dir, 'quiet.db')}`, wq, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const p = await measurePostgres(ctx, run, w);
    const pq = p === undefined ? undefined : await measurePostgres(ctx, `${run}q`, wq, true);
    // The baseline is measured again after the stores, and the faster of the two counts: a dip in
    // the machine during one bare run must not flatter the ratios.
    const bareAfter = await measureBare(ctx, 'bare', w);
    const b = bareAfter.rps > bareBefore.rps ? bareAfter : bareBefore;

    ctx.log(`sqlite / bare = ${(s.rps / b.rps).toFixed(2)} (target >= 0.25); p99 target < 25 ms`);
    if (p !== undefined) ctx.log(`postgres / bare = ${(p.rps / b.rps).toFixed(2)} (target >= 0.15); p99 target < 25 ms`);
    ctx.log(`logging + metrics on / off: sqlite ${(s.rps / sq.rps).toFixed(2)}${pq !== undefined && p !== undefined ? `, postgres ${(p.rps / pq.rps).toFixed(2)}` : ''}`);
    return {
      'webhook.bare_rps': b.rps,
      'webhook.bare_p50_ms': b.p50,
      'webhook.bare_p99_ms': b.p99,
      'webhook.sqlite_rps': s.rps,
      'webhook.sqlite_p50_ms': s.p50,
      'webhook.sqlite_p99_ms': s.p99,
      'webhook.sqlite_quiet_rps': sq.rps,
      'webhook.sqlite_quiet_p50_ms': sq.p50,
      'webhook.sqlite_quiet_p99_ms': sq.p99,
      ...(p === undefined ? {} : { 'webhook.postgres_rps': p.rps, 'webhook.postgres_p50_ms': p.p50, 'webhook.postgres_p99_ms': p.p99 }),
      ...(pq === undefined ? {} : { 'webhook.postgres_quiet_rps': pq.rps, 'webhook.postgres_quiet_p50_ms': pq.p50, 'webhook.postgres_quiet_p99_ms': pq.p99 }),
    };
  },
};
