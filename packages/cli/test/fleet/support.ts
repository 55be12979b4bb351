/**
 * The fleet tests' tools: paystate worker processes (spawned, their JSON log lines collected), a
 * simulator that counts the status calls made to it per order, and card orders opened in it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as E from 'fp-ts/lib/Either.js';
import { createCoreApiClient } from '@paystate/adapters';
import { startSimulator, type RunningSimulator } from '@paystate/midtrans-simulator';
import type { Paystate } from '../../../adapters/src/ingest/index';
import { chargeRequest, tokenFor } from '../../../adapters/test/reconcile/support';
import { cleanEnv } from '../../../adapters/test/http/support/http';

export interface Worker {
  readonly child: ChildProcess;
  /** The JSON log lines so far. */
  readonly lines: Record<string, unknown>[];
  readonly stderr: () => string;
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
}

/** Spawns a paystate process (node argv) and collects its JSON log lines. */
export const spawnWorker = (argv: readonly string[], env: Record<string, string> = {}): Worker => {
  const child = spawn(process.execPath, [...argv], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let pending = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    pending += s;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ text: line });
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  return { child, lines, stderr: () => err, exited };
};

/** Waits until `ready()` holds, checking every 25 ms; throws after `timeoutMs` with `what`. */
export const until = async (ready: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > end) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

export interface StatusCall {
  readonly orderId: string;
  readonly startedAt: number;
  answeredAt?: number;
}

export interface CountingSimulator {
  readonly sim: RunningSimulator;
  /** Every GET status call, in the order they arrived. */
  readonly calls: StatusCall[];
  /** Per order, the most status calls it had in flight at once. */
  readonly mostAtOnce: Map<string, number>;
  /** Extra time the simulator takes before answering a status call (changeable). */
  delayMs: number;
  /** Called as each status call arrives. */
  onStatus?: ((call: StatusCall) => void) | undefined;
  callsOf(orderId: string): StatusCall[];
}

/** A simulator that counts GET /v2/{id}/status per order, and may answer it late. */
export const startCountingSimulator = async (serverKey: string, startAt: string): Promise<CountingSimulator> => {
  const inFlight = new Map<string, number>();
  const counting: Omit<CountingSimulator, 'sim'> & { sim?: RunningSimulator } = {
    calls: [],
    mostAtOnce: new Map(),
    delayMs: 0,
    callsOf: (id) => counting.calls.filter((c) => c.orderId === id),
  };
  const sim = await startSimulator({
    serverKey,
    startAt,
    seed: 3,
    onRequest: async ({ method, path }) => {
      const m = /^\/v2\/([^/]+)\/status$/.exec(path);
      if (method !== 'GET' || m === null) return;
      const orderId = decodeURIComponent(m[1]!);
      const call: StatusCall = { orderId, startedAt: Date.now() };
      counting.calls.push(call);
      const now = (inFlight.get(orderId) ?? 0) + 1;
      inFlight.set(orderId, now);
      counting.mostAtOnce.set(orderId, Math.max(now, counting.mostAtOnce.get(orderId) ?? 0));
      counting.onStatus?.(call);
      if (counting.delayMs > 0) await new Promise((r) => setTimeout(r, counting.delayMs));
      inFlight.set(orderId, (inFlight.get(orderId) ?? 1) - 1);
      call.answeredAt = Date.now();
    },
  });
  return Object.assign(counting, { sim }) as CountingSimulator;
};

/** Opens `n` 3DS card orders in the simulator, each left pending, recorded in paystate by its Core API client. */
export const openPendingOrders = async (paystate: Paystate, sim: RunningSimulator, serverKey: string, prefix: string, n: number): Promise<string[]> => {
  const client = createCoreApiClient({ serverKey, baseUrl: sim.url, ingestor: paystate.ingestor, retries: 0 });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${prefix}-${i}`;
    const r = await client.charge(chargeRequest(id, await tokenFor(sim, '4811111111111114'), 10_000 + i))();
    if (E.isLeft(r) || r.right.transactionStatus !== 'pending') throw new Error(`the charge of ${id} did not leave it pending`);
    ids.push(id);
  }
  return ids;
};
