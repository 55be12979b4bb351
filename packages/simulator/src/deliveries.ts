/**
 * The outgoing notifications: the queue (one notification per status change), Midtrans' retry
 * policy after each delivery's result, and seeded chaos (drop, duplicate, delay, reorder). The
 * server takes what is due and reports back how each delivery ended.
 */
import type { ChaosKind } from './chaos';
import { isoTime } from './midtransTime';
import { notificationBody } from './statement';
import type { Delivery, DeliveryResult, QueuedDelivery, SimContext, SimTransaction } from './state';

const MINUTE = 60_000;

/** Midtrans' notification retry schedule (midtrans-facts.md §4), after each failed attempt. */
export const RETRY_SCHEDULE_MS: readonly number[] = [2, 10, 30, 90, 210].map((m) => m * MINUTE);

/** How many retries Midtrans makes after an HTTP answer (or a network failure). */
export const retriesAfter = (result: DeliveryResult): number => {
  if ('skipped' in result) return 0;
  if ('failure' in result) return 5;
  const s = result.status;
  if (s >= 200 && s < 300) return 0;
  if (s === 500) return 1;
  if (s === 503) return 4;
  if (s === 400 || s === 404) return 2;
  if (s === 301 || s === 302 || s === 303) return 0;
  return 5;
};

// -------------------------------------------------------------------------------------------------
// the queue
// -------------------------------------------------------------------------------------------------

const roll = (ctx: SimContext, kind: ChaosKind): boolean => ctx.config.chaos.has(kind) && ctx.st.chaosRng.next() < ctx.config.chaosRate;

const enqueue = (ctx: SimContext, d: Delivery): QueuedDelivery => {
  const q = { ...d, seq: ctx.st.nextSeq++ };
  ctx.st.queue.push(q);
  return q;
};

const releaseHeldFor = (ctx: SimContext, orderId: string, dueAt: number) => {
  const h = ctx.st.held.get(orderId);
  if (h === undefined) return;
  ctx.st.held.delete(orderId);
  enqueue(ctx, { ...h, dueAt: Math.max(h.dueAt, dueAt) });
};

/** Queues the notification of the transaction's current state, applying chaos. */
export const notify = (ctx: SimContext, tx: SimTransaction): void => {
  const st = ctx.st;
  const body = JSON.stringify(notificationBody(ctx.config, tx));
  // Every enabled kind is rolled for every notification, so the draws depend only on the seed and the history.
  const drop = roll(ctx, 'drop');
  const duplicate = roll(ctx, 'duplicate');
  const delay = roll(ctx, 'delay') ? st.chaosRng.int(1, 5) : 0;
  const reorder = roll(ctx, 'reorder');
  const tags: ChaosKind[] = [];
  if (drop) tags.push('drop');
  if (duplicate) tags.push('duplicate');
  if (delay > 0) tags.push('delay');
  if (reorder) tags.push('reorder');
  const base: Delivery = {
    id: st.nextDeliveryId++,
    orderId: tx.orderId,
    transactionId: tx.transactionId,
    transactionStatus: tx.status,
    body,
    attempt: 0,
    dueAt: st.now + delay * ctx.config.tickMs,
    chaos: tags,
  };
  if (drop) {
    st.log.push({ id: base.id, orderId: base.orderId, transactionStatus: base.transactionStatus, attempt: 0, at: isoTime(st.now), result: 'dropped', chaos: tags });
    return;
  }
  const alreadyHeld = st.held.has(tx.orderId);
  if (reorder && !alreadyHeld) {
    // Held back until the order's next notification has gone out (or the clock moves on).
    st.held.set(tx.orderId, { ...base, seq: 0 });
  } else {
    enqueue(ctx, base);
    releaseHeldFor(ctx, tx.orderId, base.dueAt);
  }
  if (duplicate) enqueue(ctx, { ...base, id: st.nextDeliveryId++, dueAt: base.dueAt });
};

// -------------------------------------------------------------------------------------------------
// delivering
// -------------------------------------------------------------------------------------------------

/** Takes the deliveries due now, oldest first. */
export const takeDue = (ctx: SimContext): readonly Delivery[] => {
  const st = ctx.st;
  const due = st.queue.filter((q) => q.dueAt <= st.now).sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
  if (due.length === 0) return [];
  st.queue = st.queue.filter((q) => q.dueAt > st.now);
  return due.map(({ seq: _seq, ...d }) => d);
};

/** Records a delivery's result and schedules Midtrans' retry when its policy allows one. */
export const reportDelivery = (ctx: SimContext, d: Delivery, result: DeliveryResult): void => {
  const st = ctx.st;
  const allowed = retriesAfter(result);
  const retryAt = d.attempt < allowed ? st.now + RETRY_SCHEDULE_MS[d.attempt]! : undefined;
  st.log.push({
    id: d.id,
    orderId: d.orderId,
    transactionStatus: d.transactionStatus,
    attempt: d.attempt,
    at: isoTime(st.now),
    result: 'skipped' in result ? `not sent: ${result.skipped}` : 'failure' in result ? `network: ${result.failure}` : result.status,
    chaos: d.chaos,
    ...(retryAt !== undefined ? { retryAt: isoTime(retryAt) } : {}),
  });
  if (retryAt !== undefined) enqueue(ctx, { ...d, attempt: d.attempt + 1, dueAt: retryAt });
};

/** Releases notifications held back for reordering (so none stays held forever). */
export const releaseHeld = (ctx: SimContext): void => {
  for (const orderId of [...ctx.st.held.keys()]) releaseHeldFor(ctx, orderId, ctx.st.now);
};

/** How many deliveries are queued or held. */
export const pendingDeliveries = (ctx: SimContext): number => ctx.st.queue.length + ctx.st.held.size;

/** When the next queued delivery is due, if any (held ones wait for a release). */
export const nextDeliveryAt = (ctx: SimContext): number | undefined => {
  let d: number | undefined;
  for (const q of ctx.st.queue) if (d === undefined || q.dueAt < d) d = q.dueAt;
  return d;
};
