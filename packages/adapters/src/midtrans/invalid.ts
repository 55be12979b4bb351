/**
 * The `invalid` observation a line becomes when it cannot be trusted or read: it keeps what the line
 * names (order, transaction, target), read best effort, so the engine can flag a known order.
 */
import { OBSERVATION_KINDS } from '@paystate/engine';
import type { Invalid, ObservationKind } from '@paystate/engine';
import { fieldAt, nonEmpty, opt } from './mapped';

/** What is known about a line before it is read properly, for its `invalid` observation. */
export interface LineContext {
  readonly received: ObservationKind | 'unknown';
  readonly orderId?: string;
  readonly transactionId?: string;
  readonly targetId?: string;
  readonly receivedAt?: string;
}

const isObservationKind = (u: unknown): u is ObservationKind =>
  typeof u === 'string' && (OBSERVATION_KINDS as readonly string[]).includes(u);

export const contextOf = (line: Readonly<Record<string, unknown>>): LineContext => {
  const kind = line['kind'];
  const payload = line['payload'];
  const request = line['request'];
  const receivedAt = line['received_at'];
  return {
    received: isObservationKind(kind) ? kind : 'unknown',
    ...opt(
      'orderId',
      nonEmpty(fieldAt(payload, 'order_id')) ??
        nonEmpty(fieldAt(payload, 'transaction_details', 'order_id')) ??
        nonEmpty(fieldAt(request, 'body', 'transaction_details', 'order_id')),
    ),
    ...opt(
      'transactionId',
      nonEmpty(fieldAt(payload, 'transaction_id')) ?? nonEmpty(fieldAt(request, 'body', 'transaction_id')),
    ),
    ...opt('targetId', targetOfPath(fieldAt(request, 'path'))),
    ...opt('receivedAt', typeof receivedAt === 'string' ? receivedAt : undefined),
  };
};

/** The `{id}` of `/v2/{id}/status|approve|deny|cancel|expire|refund...`, best effort for rejected lines. */
const targetOfPath = (path: unknown): string | undefined => {
  if (typeof path !== 'string') return undefined;
  const m = /^\/v2\/([^/?#]+)\/(?:status|approve|deny|cancel|expire|refund)/.exec(path);
  return m?.[1] !== undefined ? nonEmpty(safeDecode(m[1])) : undefined;
};

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

export const invalid = (ctx: LineContext, reason: string): Invalid => ({
  kind: 'invalid',
  received: ctx.received,
  ...opt('orderId', ctx.orderId),
  ...opt('transactionId', ctx.transactionId),
  ...opt('targetId', ctx.targetId),
  ...opt('receivedAt', ctx.receivedAt),
  reason,
});
