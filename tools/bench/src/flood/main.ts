/**
 * `pnpm flood`: a slow-header connection flood against a real `paystate serve` (SQLite), as a
 * measurement, not a test. `--connections` (default 20,000) connections are opened at once from
 * several processes (`--workers`, default 4, each from a loopback address of its own so the
 * ephemeral ports suffice), each sending half a request's headers and then nothing, while genuine
 * signed notifications are posted every 200 ms, retried like Midtrans retries when a connection is
 * refused. Prints what the server held, how soon the slow clients were dropped and how the genuine
 * requests fared. serve runs with its defaults unless `--max-connections` / `--headers-timeout-ms`
 * are given. The script `pnpm flood` raises the descriptor limit (`ulimit -n`) before it starts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { request } from 'node:http';
import { createPaystate, formatStoreError } from '@paystate/adapters';
import { getSqliteEventStore } from '@paystate/adapters/sqlite';
import { cardOrder, chargeRequest, chargeResponse, notificationBody } from '@paystate/adapters/testing';
import { paystateArgv, spawnListening, stopProcess } from '../../../../packages/cli/src/processes';
import type { SlowClientReport } from './slowClients';

const KEY = 'SB-Mid-server-FLOOD-BENCH';
const GENUINE_EVERY_MS = 200;
const RETRY_EVERY_MS = 250;
const MAX_TRIES = 40;

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '20000' },
    workers: { type: 'string', default: '4' },
    'max-connections': { type: 'string' },
    'headers-timeout-ms': { type: 'string' },
    json: { type: 'boolean' },
  },
});
const connections = Number(values.connections);
const workers = Number(values.workers);

/** This process's open-files limit (Linux), which the workers inherit. */
const openFilesLimit = (): number => {
  const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return m === null ? Number.POSITIVE_INFINITY : Number(m[1]);
};
const fdsOf = (pid: number): number => {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return -1;
  }
};
const pct = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** POSTs a notification on a new connection, as Midtrans does; status 0 when the connection is refused or reset. */
const post = (port: number, body: string): Promise<{ status: number; outcome: unknown }> =>
  new Promise((done) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/notifications', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => {
        let outcome: unknown = text;
        try {
          outcome = (JSON.parse(text) as { outcome?: unknown }).outcome;
        } catch {
          // not JSON: kept as text
        }
        done({ status: res.statusCode ?? 0, outcome });
      });
    });
    req.on('error', () => done({ status: 0, outcome: 'connection refused or reset' }));
    req.setTimeout(30_000, () => req.destroy());
    req.end(body);
  });

/** Runs one worker; resolves to its report. */
const worker = (port: number, count: number, local: string): Promise<SlowClientReport> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, join(__dirname, 'slowClients.ts'), '--port', String(port), '--count', String(count), '--local', local], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim()) as SlowClientReport) : reject(new Error(`a flood worker exited with ${code}`))));
  });

const main = async () => {
  const limit = openFilesLimit();
  const perWorker = Math.ceil(connections / workers);
  if (perWorker + 200 > limit) throw new Error(`each worker would hold ${perWorker} connections but the open-files limit is ${limit}: run it as \`pnpm flood\` (which raises ulimit -n) or give more --workers`);
  const dir = mkdtempSync(join(tmpdir(), 'paystate-flood-bench-'));
  const file = join(dir, 'flood.db');
  const orders = Array.from({ length: 200 }, (_, i) => cardOrder('flood-bench', i, KEY));
  const setup = getSqliteEventStore({ filename: file });
  if (E.isLeft(setup)) throw new Error(formatStoreError(setup.left));
  const opener = createPaystate({ store: setup.right, serverKey: KEY });
  for (const o of orders) if (E.isLeft(await opener.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)())) throw new Error('could not open the orders');
  await opener.close();
  const limits = [
    ...(values['max-connections'] !== undefined ? ['--max-connections', values['max-connections']] : []),
    ...(values['headers-timeout-ms'] !== undefined ? ['--headers-timeout-ms', values['headers-timeout-ms']] : []),
  ];
  const server = await spawnListening(paystateArgv(['serve', '--port', '0', '--store', `sqlite:${file}`, '--server-key', KEY, '--log-level', 'silent', ...limits]), { keepLines: false, timeoutMs: 60_000 });
  const pid = server.child.pid!;
  try {
    const fdsBefore = fdsOf(pid);
    let fdsMax = fdsBefore;
    const sampler = setInterval(() => (fdsMax = Math.max(fdsMax, fdsOf(pid))), 100);
    const started = performance.now();
    let flooding = true;
    const flood = Promise.all(Array.from({ length: workers }, (_, i) => worker(server.port, Math.min(perWorker, connections - i * perWorker), `127.0.0.${2 + i}`))).finally(() => (flooding = false));
    const genuine: { status: number; outcome: unknown; ms: number; tries: number; at: number }[] = [];
    for (const o of orders) {
      if (!flooding && genuine.length >= 5) break;
      await sleep(GENUINE_EVERY_MS);
      const t0 = performance.now();
      let r = await post(server.port, notificationBody(o, 'capture'));
      let tries = 1;
      for (; r.status === 0 && tries < MAX_TRIES; tries++) {
        await sleep(RETRY_EVERY_MS);
        r = await post(server.port, notificationBody(o, 'capture'));
      }
      genuine.push({ status: r.status, outcome: r.outcome, ms: performance.now() - t0, tries, at: t0 - started });
    }
    const reports = await flood;
    clearInterval(sampler);
    await sleep(500);
    const fdsAfter = fdsOf(pid);
    const lifetimes = reports.flatMap((r) => r.lifetimes).sort((a, b) => a - b);
    const sum = (k: 'connected' | 'failed' | 'answered408') => reports.reduce((n, r) => n + r[k], 0);
    const firstTry = genuine.filter((g) => g.tries === 1).map((g) => g.ms).sort((a, b) => a - b);
    const all = genuine.map((g) => g.ms).sort((a, b) => a - b);
    const result = {
      connections,
      workers,
      serve: limits.length === 0 ? 'defaults' : limits.join(' '),
      connected: sum('connected'),
      failed_to_connect: sum('failed'),
      answered_408: sum('answered408'),
      server_fds_before: fdsBefore,
      server_fds_max: fdsMax,
      server_fds_after: fdsAfter,
      slow_dropped_p50_ms: Math.round(pct(lifetimes, 0.5)),
      slow_dropped_p99_ms: Math.round(pct(lifetimes, 0.99)),
      slow_dropped_max_ms: Math.round(pct(lifetimes, 1)),
      flood_over_ms: Math.max(...reports.map((r) => r.overMs)),
      genuine_sent: genuine.length,
      genuine_200: genuine.filter((g) => g.status === 200 && g.outcome === 'applied').length,
      genuine_first_try: firstTry.length,
      genuine_first_try_p50_ms: Math.round(pct(firstTry, 0.5)),
      genuine_first_try_max_ms: Math.round(pct(firstTry, 1)),
      genuine_with_retries_p50_ms: Math.round(pct(all, 0.5)),
      genuine_with_retries_max_ms: Math.round(pct(all, 1)),
      genuine_most_tries: Math.max(...genuine.map((g) => g.tries)),
      open_files_limit: limit,
    };
    if (values.json === true) process.stdout.write(JSON.stringify(result) + '\n');
    else for (const [k, v] of Object.entries(result)) process.stdout.write(`${k}: ${typeof v === 'number' ? v.toLocaleString('en-US') : v}\n`);
  } finally {
    await stopProcess(server, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
};

main().catch((e) => {
  process.stderr.write(`flood: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
