/**
 * The `payments` read model: one row per order, maintained from the global stream and
 * rebuildable from zero; and the reconciliation queue derived from it.
 */
import * as TE from 'fp-ts/lib/TaskEither.js';
import { answersFor, formatAmount, latestAttempt, openFlags, parseMidtransTime, type OrderState } from '@paystate/engine';
import type { EventStore, StoredEvent, StoreError } from '../store/index';
import { foldStream, orderIdOfStream } from './ingest';

export interface PaymentRow {
  readonly order_id: string;
  readonly attempt: string | null;
  readonly status: string | null;
  readonly fraud_status: string | null;
  readonly paid: boolean;
  /** FDS challenged the capture: approve or deny it. */
  readonly needs_review: boolean;
  readonly refundable_remaining: string;
  readonly flags: readonly string[];
  /** GMT+7 Midtrans time of the next deadline, and its kind. */
  readonly next_deadline: { readonly at: string; readonly kind: string } | null;
  /** The recorded time of the latest event. */
  readonly updated_at: string;
  /** The stream version the row reflects. */
  readonly version: number;
}

export const paymentRow = (o: OrderState, updatedAt: string): PaymentRow => {
  const a = latestAttempt(o);
  const answers = answersFor(o);
  const d = answers.deadlines[0];
  return {
    order_id: o.orderId,
    attempt: a?.transactionId ?? null,
    status: a?.status ?? null,
    fraud_status: a?.fraud ?? null,
    paid: answers.paid.value,
    needs_review: answers.needsReview.value,
    refundable_remaining: formatAmount(answers.refundableRemaining.value),
    flags: [...new Set(openFlags(o).map((f) => f.flag))],
    next_deadline: d === undefined ? null : { at: d.at, kind: d.kind },
    updated_at: updatedAt,
    version: o.version,
  };
};

/** Whether a row is due for reconciliation at `now` (open flags, or its next deadline passed), since when and why. */
export const dueOf = (r: PaymentRow, now: Date): { readonly due: string; readonly why: string; readonly t: number } | undefined => {
  if (r.flags.length > 0) return { due: r.updated_at, why: `flagged: ${r.flags.join(', ')}`, t: Date.parse(r.updated_at) };
  if (r.next_deadline === null) return undefined;
  const t = parseMidtransTime(r.next_deadline.at);
  return t !== undefined && t <= now.getTime() ? { due: new Date(t).toISOString(), why: `deadline passed: ${r.next_deadline.kind}`, t } : undefined;
};

export interface PaymentsProjection {
  /** Applies one event of the global stream (in position order). */
  apply(e: StoredEvent): void;
  readonly position: () => number;
  row(orderId: string): PaymentRow | undefined;
  rows(): readonly PaymentRow[];
  /** Orders whose deadline has passed at `now` or that carry open flags, earliest due first. */
  reconciliationQueue(now: Date): readonly { readonly order_id: string; readonly due: string; readonly why: string }[];
  /** Catches up from the store (from its current position). */
  catchUp(store: EventStore, options?: { batchSize?: number }): TE.TaskEither<StoreError, number>;
}

export const createPaymentsProjection = (): PaymentsProjection => {
  const states = new Map<string, OrderState>();
  const rows = new Map<string, PaymentRow>();
  let position = 0;
  const apply = (e: StoredEvent) => {
    const orderId = orderIdOfStream(e.streamId);
    if (orderId === undefined) return;
    const next = foldStream([e], states.get(orderId));
    if (next !== undefined) {
      states.set(orderId, next);
      rows.set(orderId, paymentRow(next, e.recordedAt));
    }
    position = e.position;
  };
  return {
    apply,
    position: () => position,
    row: (id) => rows.get(id),
    rows: () => [...rows.values()].sort((a, b) => (a.order_id < b.order_id ? -1 : a.order_id > b.order_id ? 1 : 0)),
    reconciliationQueue: (now) => {
      const out: { order_id: string; due: string; why: string; t: number }[] = [];
      for (const r of rows.values()) {
        const d = dueOf(r, now);
        if (d !== undefined) out.push({ order_id: r.order_id, ...d });
      }
      return out.sort((a, b) => a.t - b.t || (a.order_id < b.order_id ? -1 : 1)).map(({ t: _t, ...rest }) => rest);
    },
    catchUp: (store, options) =>
      store.catchUp(
        position,
        (e) => {
          apply(e);
          return TE.right(undefined);
        },
        options,
      ),
  };
};

/** Builds the read model from zero. */
export const rebuildPayments = (store: EventStore, options?: { batchSize?: number }): TE.TaskEither<StoreError, PaymentsProjection> => {
  const p = createPaymentsProjection();
  return TE.map(() => p)(p.catchUp(store, options));
};
