/**
 * `pnpm bench:fleet`: webhook throughput with one and with two `paystate serve` processes on one
 * PostgreSQL schema. Each run gets a fresh schema with its orders' charges recorded, an untimed
 * warm-up on orders of its own, then the timed mix (capture, settlement, a redelivery of one or
 * the other per order) sent over keep-alive connections spread evenly over the processes. Prints
 * requests per second, p50 and p99 per run and the ratio two / one; every timed notification is
 * checked to be in the store once afterwards.
 *
 *   pnpm bench:fleet                       # 2,000 orders (6,000 timed requests per run)
 *   pnpm bench:fleet -- --orders 500 --json
 *   pnpm bench:fleet -- --route order      # each order's notifications always to the same process
 *
 * PAYSTATE_BENCH_POSTGRES_URL names the server (default postgres://postgres@127.0.0.1:5432/test).
 */
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { cardOrder } from '@paystate/adapters/testing';
import { paystateArgv, spawnListening, stopProcess, type ServeProcess } from '../../../packages/cli/src/processes';
import { mix, openOrders, post, SERVER_KEY } from './webhook';

const POSTGRES_URL = process.env['PAYSTATE_BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONNECTIONS = 32;

/** Which process a body goes to: any (connection i to process i mod n, as a round-robin balancer does), or by order (a balancer with affinity). */
type Route = 'any' | 'order';

const orderOf = (body: string): string => /"order_id":"([^"]+)"/.exec(body)?.[1] ?? '';
const hash = (s: string): number => {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return Math.abs(h);
};

/** Sends every body once over CONNECTIONS connections at once, to the process the route picks. */
const load = async (ports: readonly number[], bodies: readonly string[], route: Route) => {
  const agents = ports.map(() => new Agent({ keepAlive: true, maxSockets: CONNECTIONS }));
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const t0 = process.hrtime.bigint();
  const worker = async (w: number) => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const k = route === 'any' ? w % ports.length : hash(orderOf(body)) % ports.length;
      const s = process.hrtime.bigint();
      const status = await post(agents[k]!, ports[k]!, body);
      latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => worker(w)));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  for (const a of agents) a.destroy();
  latencies.sort((a, b) => a - b);
  const at = (p: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0) * 100) / 100;
  return { rps: Math.round(bodies.length / seconds), p50: at(0.5), p99: at(0.99), statuses };
};

const admin = async <A>(f: (c: pg.Client) => Promise<A>): Promise<A> => {
  const c = new pg.Client({ connectionString: POSTGRES_URL });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
};

const run = async (processes: number, orders: number, route: Route, log: (s: string) => void) => {
  const schema = `ps_bench_fleet_${randomBytes(4).toString('hex')}`;
  const url = `${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}schema=${schema}`;
  const timed = Array.from({ length: orders }, (_, i) => cardOrder(`fleet-${processes}`, i, SERVER_KEY));
  const warm = Array.from({ length: orders }, (_, i) => cardOrder(`fleet-warm-${processes}`, i, SERVER_KEY));
  const servers: ServeProcess[] = [];
  try {
    await openOrders(url, [...timed, ...warm]);
    for (let i = 0; i < processes; i++) servers.push(await spawnListening(paystateArgv(['serve', '--port', '0', '--store', url, '--server-key', SERVER_KEY]), { keepLines: false, timeoutMs: 60_000 }));
    const ports = servers.map((s) => s.port);
    await load(ports, mix(warm), route);
    const bodies = mix(timed);
    const r = await load(ports, bodies, route);
    for (const s of servers) await stopProcess(s);
    const recorded = await admin(async (c) => Number((await c.query(`SELECT count(*) AS n FROM "${schema}".events WHERE stream_id LIKE 'order:fleet-${processes}-%'`)).rows[0].n));
    // Each order's stream holds its charge request and answer, then one event per notification.
    const expected = bodies.length + 2 * orders;
    if (recorded !== expected) throw new Error(`${processes} process(es): ${recorded} events stored, ${expected} expected`);
    log(`${processes} serve process(es): ${r.rps} rps, p50 ${r.p50} ms, p99 ${r.p99} ms, statuses ${JSON.stringify(r.statuses)}; ${bodies.length} notifications stored once each`);
    return r;
  } finally {
    for (const s of servers) await stopProcess(s, 'SIGKILL');
    await admin((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  }
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({ args: process.argv.slice(2).filter((a) => a !== '--'), options: { orders: { type: 'string' }, route: { type: 'string' }, json: { type: 'boolean' } } });
  const route = (values.route ?? 'any') as Route;
  if (route !== 'any' && route !== 'order') throw new Error(`--route must be any or order, got ${values.route}`);
  const orders = Number(values.orders ?? 2000);
  if (!Number.isInteger(orders) || orders < 1) throw new Error(`--orders must be a positive integer, got ${values.orders}`);
  const log = (s: string) => process.stderr.write(s + '\n');
  log(`webhook throughput on PostgreSQL, ${orders} orders (${3 * orders} timed requests per run), ${CONNECTIONS} connections, route ${route}, ${cpus().length} CPUs`);
  const one = await run(1, orders, route, log);
  const two = await run(2, orders, route, log);
  const ratio = Math.round((two.rps / one.rps) * 100) / 100;
  if (values.json === true) process.stdout.write(JSON.stringify({ one, two, ratio }) + '\n');
  else process.stdout.write(`two / one serve processes: ${ratio}\n`);
};

main().catch((e: unknown) => {
  process.stderr.write(`bench:fleet: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
