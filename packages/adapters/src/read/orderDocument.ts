/**
 * What `GET /orders/{order_id}` answers: the order's replay summary (state, attempts, flags,
 * allowed actions, as `paystate replay` and `inspect --format json` write it), every business
 * answer with its reason, the open flags with theirs, the deadlines, and the timeline in replay's
 * event shape with the time received and where each entry is recorded.
 */
import { answersFor, formatAmount, openFlags, summarizeOrder, type Answer, type Deadline, type OrderState, type OrderSummary } from '@paystate/engine';
import { eventEntry, type ReplayEvent } from '../replay/replay';
import { maskCardNumbers } from './maskCardNumbers';
import type { TimelineEntry } from './orderTimeline';

export interface OrderTimelineEvent extends ReplayEvent {
  readonly received_at: string;
  /** The stream version the observation is recorded at, or the rejection log id of rejected input. */
  readonly source: { readonly stream: number } | { readonly rejection: number };
}

export interface OrderDocument extends OrderSummary {
  readonly order_id: string;
  /** The order stream's version. */
  readonly version: number;
  readonly answers: {
    readonly paid: Answer<boolean>;
    readonly can_ship: Answer<boolean>;
    readonly needs_review: Answer<boolean>;
    readonly can_cancel: Answer<boolean>;
    readonly needs_reconciliation: Answer<boolean>;
    /** As Midtrans writes amounts ("145000.00"), with the exact integer in minor units beside it. */
    readonly refundable_remaining: { readonly value: string; readonly minor: number; readonly reason: string };
  };
  /** The flags raised since the last reconciling status response, each with its reason. */
  readonly open_flags: readonly { readonly flag: string; readonly reason: string }[];
  readonly deadlines: readonly Deadline[];
  readonly timeline: readonly OrderTimelineEvent[];
}

/** The order as the read API answers it, with any full card number masked. */
export const orderDocument = (state: OrderState, timeline: readonly TimelineEntry[]): OrderDocument => {
  const a = answersFor(state);
  return maskCardNumbers({
    order_id: state.orderId,
    version: state.version,
    ...summarizeOrder(state),
    answers: {
      paid: a.paid,
      can_ship: a.canShip,
      needs_review: a.needsReview,
      can_cancel: a.canCancel,
      needs_reconciliation: a.needsReconciliation,
      refundable_remaining: { value: formatAmount(a.refundableRemaining.value), minor: a.refundableRemaining.value, reason: a.refundableRemaining.reason },
    },
    open_flags: openFlags(state).map((f) => ({ flag: f.flag, reason: f.reason })),
    deadlines: a.deadlines,
    timeline: timeline.map((t, i) => ({ ...eventEntry(i, t.kind, t.decision, t.state), received_at: t.receivedAt, source: t.source })),
  });
};
