/**
 * Projection benchmark: rebuilding the payments read model from a SQLite store holding 1,000,000
 * observation events (100,000 with --quick), against reading the same events without folding.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { decide, evolve, type Observation, type OrderState } from '@paystate/engine';
import { cardOrder, chargeRequest, chargeResponse, notificationPayload } from '@paystate/adapters/testing';
import { OBSERVATION_EVENT, rebuildPayments, storedObservation, streamIdOf, type RawObservation, type StoredObservation } from '@paystate/adapters';
import { toObservation } from '@paystate/adapters';
import { formatStoreError, type AppendOp, type EventStore } from '@paystate/adapters';
import { getSqliteEventStore } from '@paystate/adapters/sqlite';
import type { BenchSection } from './benchSection';

const SERVER_KEY = 'SB-Mid-server-BENCH';
const BATCH_SIZE = 500;

const TEMPLATE = cardOrder('tmpl-order', 0xabcdef, SERVER_KEY);
/** One order's history as stored: charge, a browser callback, notifications with a duplicate, refunds. */
const templateLines = (): readonly RawObservation[] => [
  chargeRequest(TEMPLATE),
  chargeResponse(TEMPLATE),
  { kind: 'callback_3ds', payload: { order_id: TEMPLATE.orderId, transaction_id: TEMPLATE.transactionId, status_code: '200', transaction_status: 'capture' } },
  ...(['capture', 'capture', 'settlement', 'partial_refund', 'refund'] as const).map((s): RawObservation => ({ kind: 'notification', payload: notificationPayload(TEMPLATE, s) })),
];

/** Fills the store with `total` observation events, whole order histories decided by the engine, appended in large batches. */
const fill = async (store: EventStore, total: number, log: (s: string) => void): Promise<{ readonly events: number; readonly orders: number }> => {
  const lines = templateLines();
  // Each template line as JSON with the ids as placeholders: a new order is a string replace away.
  const templates = lines.map((line) => {
    const observation = toObservation(line, { serverKey: SERVER_KEY });
    return JSON.stringify({ line, observation }).split(TEMPLATE.orderId).join('\u0001ORDER\u0001').split(TEMPLATE.transactionId).join('\u0001TX\u0001');
  });
  const orders = Math.ceil(total / templates.length);
  const t0 = Date.now();
  let events = 0;
  let ops: AppendOp[] = [];
  const receivedAt = new Date().toISOString();
  const flush = async () => {
    const r = await store.appendMany(ops)();
    if (E.isLeft(r)) throw new Error(`cannot fill the store: ${formatStoreError(r.left)}`);
    const failed = r.right.find(E.isLeft);
    if (failed !== undefined) throw new Error(`cannot fill the store: ${formatStoreError(failed.left)}`);
    ops = [];
  };
  for (let i = 0; i < orders && events < total; i++) {
    const o = cardOrder('proj', i, SERVER_KEY);
    let state: OrderState | undefined;
    const data: { type: string; data: StoredObservation }[] = [];
    for (const t of templates) {
      if (events >= total) break;
      const { line, observation } = JSON.parse(t.split('\u0001ORDER\u0001').join(o.orderId).split('\u0001TX\u0001').join(o.transactionId)) as { line: RawObservation; observation: Observation };
      const decision = decide(state, observation);
      state = evolve(state, decision);
      data.push({ type: OBSERVATION_EVENT, data: storedObservation(line, receivedAt, observation, decision) });
      events++;
    }
    ops.push({ streamId: streamIdOf(o.orderId), events: data, expectedVersion: 0 });
    if (ops.length >= 2_500) await flush();
  }
  if (ops.length > 0) await flush();
  log(`filled: ${events.toLocaleString('en-US')} events over ${orders.toLocaleString('en-US')} orders in ${((Date.now() - t0) / 1000).toFixed(1)} s (not timed)`);
  return { events, orders };
};

const eps = (n: number, ms: number) => Math.round(n / (ms / 1000));

export const projectionSection: BenchSection = {
  name: 'projection',
  title: 'rebuild the payments read model from 1,000,000 stored events (SQLite) vs reading them without folding',
  async run(ctx) {
    const total = ctx.events ?? (ctx.quick ? 100_000 : 1_000_000);
    const dir = mkdtempSync(join(tmpdir(), 'paystate-projection-'));
    const opened = getSqliteEventStore({ filename: join(dir, 'projection.db') });
    if (E.isLeft(opened)) throw new Error(formatStoreError(opened.left));
    const store = opened.right;
    try {
      const { events, orders } = await fill(store, total, ctx.log);

      const readRuns: number[] = [];
      const rebuildRuns: number[] = [];
      // Alternate the two so both see the same page cache; keep each one's best run.
      for (let run = 0; run < 2; run++) {
        let t = process.hrtime.bigint();
        let read = 0;
        for (let from = 0; ; ) {
          const batch = await store.readAll({ fromPosition: from, limit: BATCH_SIZE })();
          if (E.isLeft(batch)) throw new Error(formatStoreError(batch.left));
          if (batch.right.length === 0) break;
          read += batch.right.length;
          from = batch.right[batch.right.length - 1]!.position;
        }
        readRuns.push(Number(process.hrtime.bigint() - t) / 1e6);
        if (read !== events) throw new Error(`read ${read} events, expected ${events}`);

        t = process.hrtime.bigint();
        const rebuilt = await rebuildPayments(store, { batchSize: BATCH_SIZE })();
        rebuildRuns.push(Number(process.hrtime.bigint() - t) / 1e6);
        if (E.isLeft(rebuilt)) throw new Error(formatStoreError(rebuilt.left));
        const rows = rebuilt.right.rows();
        if (rows.length !== orders || rows.some((r) => r.status !== 'refund')) throw new Error(`rebuilt ${rows.length} rows, expected ${orders} refunded orders`);
      }
      const readMs = Math.min(...readRuns);
      const rebuildMs = Math.min(...rebuildRuns);
      ctx.log(`read:    ${eps(events, readMs).toLocaleString('en-US')} events/s (readAll, batches of ${BATCH_SIZE}, no folding)`);
      ctx.log(`rebuild: ${eps(events, rebuildMs).toLocaleString('en-US')} events/s (rebuildPayments: ${orders.toLocaleString('en-US')} rows)`);
      ctx.log(`rebuild / read = ${(readMs / rebuildMs).toFixed(2)}`);
      return { 'projection.rebuild_eps': eps(events, rebuildMs), 'projection.read_eps': eps(events, readMs), 'projection.events': events };
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
