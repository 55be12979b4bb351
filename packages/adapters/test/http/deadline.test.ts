/**
 * The per-notification deadline: a store that stalls (a read or the append never answering in
 * time) gets the webhook a 503 `deadline_exceeded` within the deadline, on node:http and on the
 * Fetch handler; a body whose deadline passed before its append is never written, however late
 * the store comes back; and once the store answers again the redelivery is applied once.
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { fetchWebhook } from '../../src/http/fetchWebhook';
import { createPaystate, streamIdOf } from '../../src/ingest/index';
import { cardOrder, chargeRequest, chargeResponse, notificationBody, type CardOrder } from '../../src/midtrans/fixtures';
import { getInMemoryEventStore, type EventStore } from '../../src/store/index';
import { DEFAULT_DEADLINE_MS, withinDeadline } from '../../src/http/deadline';
import { createPaystateServer } from '../../src/http/server';
import { json, observationOf, send, startInProcess } from './support/http';

const KEY = 'SB-Mid-server-DEADLINE';
const DEADLINE_MS = 300;
// Scheduling on a shared two-core machine.
const MARGIN_MS = 700;

/** A store whose reads and appends can be held: each held call waits until `release()`. */
const stallable = (inner: EventStore) => {
  let gate: Promise<void> | undefined;
  let open = (): void => undefined;
  const calls = { reads: 0, appends: 0 };
  const held =
    <A extends unknown[], R>(f: (...a: A) => TE.TaskEither<unknown, R>, count: 'reads' | 'appends') =>
    (...a: A) =>
    async () => {
      calls[count]++;
      if (gate !== undefined) await gate;
      return f(...a)();
    };
  const store: EventStore = {
    ...inner,
    readStream: held(inner.readStream, 'reads') as EventStore['readStream'],
    appendToStream: held(inner.appendToStream, 'appends') as EventStore['appendToStream'],
    appendMany: held(inner.appendMany, 'appends') as EventStore['appendMany'],
  };
  return {
    store,
    calls,
    stall: () => {
      gate = new Promise((resolve) => (open = resolve));
    },
    release: () => {
      gate = undefined;
      open();
    },
  };
};

const setUp = async (name: string) => {
  const s = stallable(getInMemoryEventStore());
  const paystate = createPaystate({ store: s.store, serverKey: KEY });
  const o = cardOrder(name, 1, KEY);
  expect(E.isRight(await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)())).toBe(true);
  return { ...s, paystate, o };
};

const appliedOf = async (store: EventStore, o: CardOrder): Promise<string[]> => {
  const r = await store.readStream(streamIdOf(o.orderId))();
  if (E.isLeft(r)) throw new Error(r.left._tag);
  return r.right.events.filter((e) => observationOf(e)?.decision.outcome === 'applied').map((e) => observationOf(e)!.decision.reason);
};

const timed = async <A>(f: () => Promise<A>): Promise<{ value: A; ms: number }> => {
  const started = performance.now();
  const value = await f();
  return { value, ms: performance.now() - started };
};

describe('the per-notification deadline', () => {
  test('a stalled read: 503 deadline_exceeded in time, nothing written when the store comes back, then applied once', async () => {
    const { store, calls, stall, release, paystate, o } = await setUp('deadline-read');
    // A fresh process: nothing cached, so the notification starts with a read of the order.
    const cold = createPaystate({ store, serverKey: KEY });
    const server = await startInProcess(cold, { deadlineMs: DEADLINE_MS });
    try {
      stall();
      const appendsBefore = calls.appends;
      const { value: reply, ms } = await timed(() => send(server.port, { body: notificationBody(o, 'capture') }));
      expect([reply.status, json(reply)['error'], reply.headers['retry-after']]).toEqual([503, 'deadline_exceeded', '5']);
      expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
      expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
      expect(server.logs.at(-1)).toMatchObject({ status: 503, code: 'deadline_exceeded' });
      // The read answers late: the ingest it was part of writes nothing.
      release();
      await new Promise((r) => setTimeout(r, 100));
      expect(calls.appends).toBe(appendsBefore);
      expect(await appliedOf(store, o)).toHaveLength(2);
      const again = await send(server.port, { body: notificationBody(o, 'capture') });
      expect([again.status, json(again)['outcome']]).toEqual([200, 'applied']);
      expect(await appliedOf(store, o)).toEqual([expect.stringContaining('opens order'), expect.stringContaining('opens attempt'), 'pending/accept → capture/accept']);
    } finally {
      release();
      await server.close();
      await paystate.close();
    }
  });

  test('a stalled append: 503 in time; the append, already under way, commits whole and the redelivery is a duplicate', async () => {
    const { store, stall, release, paystate, o } = await setUp('deadline-append');
    const server = await startInProcess(paystate, { deadlineMs: DEADLINE_MS });
    try {
      // The order is cached by the process that opened it, so only the append waits.
      stall();
      const { value: reply, ms } = await timed(() => send(server.port, { body: notificationBody(o, 'capture') }));
      expect([reply.status, json(reply)['error']]).toEqual([503, 'deadline_exceeded']);
      expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
      release();
      await new Promise((r) => setTimeout(r, 100));
      const again = await send(server.port, { body: notificationBody(o, 'capture') });
      expect(again.status).toBe(200);
      expect(['applied', 'duplicate']).toContain(json(again)['outcome']);
      expect((await appliedOf(store, o)).filter((r) => r === 'pending/accept → capture/accept')).toHaveLength(1);
    } finally {
      release();
      await server.close();
      await paystate.close();
    }
  });

  test('the Fetch handler keeps the same deadline', async () => {
    const { stall, release, paystate, o } = await setUp('deadline-fetch');
    const handle = fetchWebhook(paystate, { deadlineMs: DEADLINE_MS });
    try {
      stall();
      const { value: response, ms } = await timed(() =>
        handle(new Request('http://localhost/notifications', { method: 'POST', body: notificationBody(o, 'capture') })),
      );
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: 'deadline_exceeded' });
      expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    } finally {
      release();
      await paystate.close();
    }
  });

  test('an answer in time is passed through; the default is 5 s; a bad deadline is refused', async () => {
    expect(DEFAULT_DEADLINE_MS).toBe(5_000);
    let aborted: AbortSignal | undefined;
    const fast = await withinDeadline(1_000, async (signal) => {
      aborted = signal;
      return { status: 200, body: {}, headers: {}, outcome: 'applied', code: 'x', orderId: null };
    });
    expect(fast.status).toBe(200);
    expect(aborted?.aborted).toBe(false);
    const { paystate } = await setUp('deadline-bad');
    expect(() => createPaystateServer(paystate, { deadlineMs: 0 })).toThrow(/deadlineMs must be a positive integer/);
    await paystate.close();
  });
});
