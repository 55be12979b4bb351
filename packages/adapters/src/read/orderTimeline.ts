/**
 * One order's timeline: every recorded observation of its stream (folded, with its outcome and
 * reason) merged with the rejected input that named the order, by time received. `paystate
 * inspect` prints it and the read API answers it.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Decision, OrderState } from '@paystate/engine';
import { foldStream } from '../ingest/ingest';
import { recordedObservationOf } from '../ingest/storedObservation';
import type { StoredEvent, StoredRejection } from '../store/index';

/** One observation of the order, recorded in its stream or in the rejection log. */
export interface TimelineEntry {
  readonly receivedAt: string;
  readonly kind: string;
  readonly decision: Decision;
  /** The order after this observation. */
  readonly state: OrderState | undefined;
  /** The stream version, or the rejection log id. */
  readonly source: { readonly stream: number } | { readonly rejection: number };
  /** The input as recorded: the stored line (kind, payload, request) as JSON, or the rejected body as received. */
  readonly raw: string;
}

/** The transaction_id a rejected body names (a payload, or a replay line's payload), as replay reports it. */
const transactionIdOfRaw = (rawBody: string): string | undefined => {
  const parsed = E.tryCatch(() => JSON.parse(rawBody) as unknown, () => undefined);
  if (E.isLeft(parsed) || typeof parsed.right !== 'object' || parsed.right === null) return undefined;
  const body = parsed.right as { transaction_id?: unknown; payload?: { transaction_id?: unknown } };
  const tid = body.transaction_id ?? (typeof body.payload === 'object' && body.payload !== null ? body.payload.transaction_id : undefined);
  return typeof tid === 'string' && tid !== '' ? tid : undefined;
};

const rejectedDecision = (r: StoredRejection): Decision => ({
  outcome: 'rejected',
  code: 'invalid_input',
  reason: r.reason,
  orderId: r.orderId ?? undefined,
  transactionId: transactionIdOfRaw(r.rawBody),
  inferred: [],
  flags: [],
});

/** Merges the stream (in version order, folded) with the rejection log entries, by time received. */
export const orderTimeline = (events: readonly StoredEvent[], rejections: readonly StoredRejection[]): readonly TimelineEntry[] => {
  const out: TimelineEntry[] = [];
  let state: OrderState | undefined;
  let r = 0;
  const takeRejection = (rej: StoredRejection) =>
    out.push({ receivedAt: rej.receivedAt, kind: rej.kind, decision: rejectedDecision(rej), state, source: { rejection: rej.id }, raw: rej.rawBody });
  for (const e of events) {
    const data = recordedObservationOf(e);
    if (data === undefined) continue;
    while (r < rejections.length && rejections[r]!.receivedAt < data.receivedAt) takeRejection(rejections[r++]!);
    state = foldStream([e], state);
    out.push({ receivedAt: data.receivedAt, kind: data.observation.kind, decision: data.decision, state, source: { stream: e.version }, raw: JSON.stringify(data.line, null, 2) });
  }
  while (r < rejections.length) takeRejection(rejections[r++]!);
  return out;
};
