/**
 * Applies a recorded decision to the order. Folding `evolve` over the recorded decisions rebuilds
 * the state.
 */
import { makeOrder, type FlagRecord, type OrderState } from '../state';
import type { Decision } from './decision';

/**
 * Whether a decision is kept in the order's stream. Every outcome but `rejected` is; of the
 * rejections only a confirm-mode notification the status answer contradicted (DOMAIN §6a) is: it
 * is authenticated, recorded with the status answer it was weighed against, and moves nothing.
 */
export const inStream = (d: Decision): boolean => d.outcome !== 'rejected' || d.code === 'contradicted_by_status';

/**
 * Applies a decision to the order. Rejected decisions add only their flag (they are kept in a
 * separate rejection log, not in the stream); every decision kept in the stream takes one stream
 * position.
 */
export const evolve = (order: OrderState | undefined, d: Decision): OrderState | undefined => {
  let o = order;
  if (o === undefined) {
    if (d.effect?.open !== true || d.orderId === undefined) return undefined;
    o = makeOrder(d.orderId, 0, [], [], undefined, undefined);
  }
  const at = o.version;
  let flags = o.flags;
  if (d.flags.length > 0) {
    const added: FlagRecord[] = [...flags];
    for (const flag of d.flags) added.push({ flag, at, reason: d.reason });
    flags = added;
  }
  if (!inStream(d)) return flags === o.flags ? o : makeOrder(o.orderId, o.version, o.attempts, flags, o.requestedAmount, o.reconciledAt);
  const e = d.outcome === 'rejected' ? undefined : d.effect;
  let attempts = o.attempts;
  if (e?.attempt !== undefined) {
    const next = e.attempt;
    const i = attempts.findIndex((a) => a.transactionId === next.transactionId);
    if (i < 0) attempts = [...attempts, next];
    else {
      const copy = attempts.slice();
      copy[i] = next;
      attempts = copy;
    }
  }
  return makeOrder(o.orderId, at + 1, attempts, flags, e?.requestedAmount ?? o.requestedAmount, e?.reconciles === true ? at : o.reconciledAt);
};
