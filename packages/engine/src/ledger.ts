/**
 * Many orders folded in memory: routes each observation to its stream (by order_id, or by a
 * transaction_id it already knows) and keeps every decision. The order-level fold stays pure.
 */
import { decide as defaultDecide, evolve, type DecidedObservation, type Decision } from './fold';
import { transactionIdOf, type Observation } from './observation';
import type { OrderState } from './state';

export interface LedgerEntry extends DecidedObservation {
  /** The order's state after this observation (undefined if the order is unknown). */
  readonly state: OrderState | undefined;
}

export interface Ledger {
  /** Folds one observation and returns its entry. */
  observe(obs: Observation): LedgerEntry;
  order(orderId: string): OrderState | undefined;
  orders(): ReadonlyMap<string, OrderState>;
  /** The order an observation belongs to, as far as the ledger can tell. */
  resolve(obs: Observation): string | undefined;
}

export const createLedger = (decide: (o: OrderState | undefined, obs: Observation) => Decision = defaultDecide): Ledger => {
  const orders = new Map<string, OrderState>();
  const byTransaction = new Map<string, string>();
  const resolve = (obs: Observation): string | undefined => {
    if (obs.orderId !== undefined) return obs.orderId;
    const target = obs.kind === 'action_response' || obs.kind === 'status_response' || obs.kind === 'invalid' ? obs.targetId : undefined;
    if (target !== undefined && orders.has(target)) return target;
    const tid = transactionIdOf(obs) ?? target;
    return tid === undefined ? undefined : byTransaction.get(tid);
  };
  return {
    observe(obs) {
      const orderId = resolve(obs);
      const before = orderId === undefined ? undefined : orders.get(orderId);
      const routed: Observation = orderId !== undefined && obs.orderId === undefined ? { ...obs, orderId } : obs;
      const decision = decide(before, routed);
      const state = evolve(before, decision);
      if (state !== undefined && state !== before) {
        orders.set(state.orderId, state);
        // an attempt's transaction_id is routed from the observation that added it
        const a = decision.effect?.attempt;
        if (a !== undefined && state.attempts.length !== (before?.attempts.length ?? 0)) byTransaction.set(a.transactionId, state.orderId);
      }
      return { observation: obs, decision, state };
    },
    order: (id) => orders.get(id),
    orders: () => orders,
    resolve,
  };
};
