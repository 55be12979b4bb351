/**
 * The simulator over HTTP (node:http): reads bounded request bodies, routes them to the model, and
 * delivers queued notifications (POST JSON, `User-Agent: Veritrans`) one at a time, in order,
 * reporting each HTTP answer back to the model for Midtrans' retry policy.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSimulation, type Simulation, type SimulationOptions } from './simulation';
import type { SimTruth } from './statement';
import type { Delivery, DeliveryRecord, DeliveryResult } from './state';
import { bodyTooLarge, route, type SimResponse } from './routes';
import type { ChaosKind } from './chaos';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

export interface StartSimulatorOptions extends Omit<SimulationOptions, 'publicUrl' | 'chaos'> {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Where notifications are POSTed; none are sent without it. */
  readonly notifyUrl?: string;
  readonly chaos?: readonly ChaosKind[];
  /** Request bodies above this are answered 413 (default 64 KiB). */
  readonly maxBodyBytes?: number;
  /** How long a notification delivery may take (Midtrans waits 15 s). */
  readonly deliveryTimeoutMs?: number;
  readonly fetch?: typeof fetch;
  /**
   * Called with each request's method and path before it is answered; the answer waits for a
   * promise it returns. Tests count the calls made to the sandbox with it, or slow them down.
   */
  readonly onRequest?: (request: { readonly method: string; readonly path: string }) => void | Promise<void>;
}

export interface RunningSimulator {
  /** `http://127.0.0.1:PORT`: the base URL for the Core API client. */
  readonly url: string;
  readonly port: number;
  /** Moves the simulated clock (by ms, or to a time) and waits until every notification due by then is delivered. */
  advanceClock(by: number | { readonly to: string | number | Date }): Promise<void>;
  /** The simulator's truth about an order (its latest transaction). */
  truth(orderId: string): SimTruth | undefined;
  /** The simulated time. */
  now(): Date;
  /** Waits until the notifications due now have been delivered. */
  idle(): Promise<void>;
  /** Every delivery attempt so far (and dropped notifications). */
  deliveries(): readonly DeliveryRecord[];
  setNotifyUrl(url: string | undefined): void;
  reset(): Promise<void>;
  readonly simulation: Simulation;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 64 * 1024;
const MAX_REDIRECTS = 5;

// -------------------------------------------------------------------------------------------------
// reading and writing
// -------------------------------------------------------------------------------------------------

type Body = { readonly ok: true; readonly text: string } | { readonly ok: false };

const readBody = (req: IncomingMessage, limit: number): Promise<Body> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? { ok: false } : { ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', () => resolve({ ok: false }));
  });

const headersOf = (req: IncomingMessage): Record<string, string | undefined> => {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
};

const send = (res: ServerResponse, r: SimResponse) => {
  if (res.headersSent) return;
  res.writeHead(r.status, { ...r.headers, 'content-length': Buffer.byteLength(r.body) });
  res.end(r.body);
};

const internalError = (): SimResponse => ({
  status: 500,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ status_code: '500', status_message: 'Sorry, we encountered internal server error. We will fix this soon.' }),
});

// -------------------------------------------------------------------------------------------------
// delivery
// -------------------------------------------------------------------------------------------------

/** POSTs one notification, following 307/308 like Midtrans (≤ 5 times, same body). */
const deliver = async (doFetch: typeof fetch, url: string, d: Delivery, timeoutMs: number): Promise<DeliveryResult> => {
  let target = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const res = await doFetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'Veritrans' },
        body: d.body,
        redirect: 'manual',
        signal: controller.signal,
      });
      await res.arrayBuffer().catch(() => undefined);
      const location = res.headers.get('location');
      if ((res.status === 307 || res.status === 308) && location !== null && hop < MAX_REDIRECTS) {
        target = new URL(location, target).toString();
        continue;
      }
      return { status: res.status };
    } catch (e) {
      return { failure: controller.signal.aborted ? `no answer within ${timeoutMs} ms` : e instanceof Error ? e.message : String(e) };
    } finally {
      clearTimeout(timer);
    }
  }
  return { failure: 'too many redirects' };
};

// -------------------------------------------------------------------------------------------------
// the server
// -------------------------------------------------------------------------------------------------

/** Starts a simulator on 127.0.0.1 (port 0 = a free one) and resolves once it listens. */
export const startSimulator = async (options: StartSimulatorOptions): Promise<RunningSimulator> => {
  const host = options.host ?? '127.0.0.1';
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const timeoutMs = options.deliveryTimeoutMs ?? 15_000;
  const doFetch = options.fetch ?? fetch;
  let notifyUrl = options.notifyUrl;
  const sim = createSimulation(options);

  // --- the delivery pump: one delivery at a time, oldest first ----------------------------------------
  let pumping: Promise<void> | undefined;
  const drain = async () => {
    for (;;) {
      const due = sim.takeDue();
      if (due.length === 0) return;
      for (const d of due) {
        const result: DeliveryResult =
          notifyUrl === undefined ? { skipped: 'no notification URL' } : await deliver(doFetch, notifyUrl, d, timeoutMs);
        sim.reportDelivery(d, result);
      }
    }
  };
  const pump = (): Promise<void> => {
    if (pumping !== undefined) return pumping.then(() => pump());
    const run = drain().finally(() => {
      pumping = undefined;
    });
    pumping = run;
    return run;
  };

  // --- the clock: step from event to event so retries and transitions interleave as in time ---------
  let clockQueue: Promise<void> = Promise.resolve();
  const advanceTo = (target: number): Promise<void> => {
    const step = async () => {
      await pump();
      for (;;) {
        const next = sim.nextEventAt();
        if (next === undefined || next > target) break;
        sim.setNow(Math.max(next, sim.now()));
        await pump();
      }
      sim.setNow(target);
      sim.releaseHeld();
      await pump();
    };
    const run = clockQueue.then(step, step);
    clockQueue = run.catch(() => undefined);
    return run;
  };

  const controls = {
    advance: advanceTo,
    reset: async () => {
      await pump();
      sim.reset();
    },
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        const body = await readBody(req, limit);
        await options.onRequest?.({ method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0]! });
        if (!body.ok) return send(res, bodyTooLarge(limit));
        const r = await route(sim, controls, { serverKey: options.serverKey }, {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          headers: headersOf(req),
          body: body.text,
        });
        send(res, r);
        // Midtrans notifies asynchronously, after (or while) answering.
        setImmediate(() => void pump());
      } catch {
        send(res, internalError());
      }
    })();
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  sim.setPublicUrl(url);

  return {
    url,
    port,
    simulation: sim,
    advanceClock: (by) => {
      const target =
        typeof by === 'number' ? sim.now() + by : by.to instanceof Date ? by.to.getTime() : typeof by.to === 'number' ? by.to : Date.parse(by.to);
      return advanceTo(Math.max(target, sim.now()));
    },
    truth: (orderId) => sim.truth(orderId),
    now: () => new Date(sim.now()),
    idle: () => pump(),
    deliveries: () => sim.deliveryLog(),
    setNotifyUrl: (u) => {
      notifyUrl = u;
    },
    reset: () => controls.reset(),
    close: async () => {
      await pump().catch(() => undefined);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
};
