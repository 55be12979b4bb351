/** Many orders, routed as the engine's ledger routes them. */
import type { Observation } from '@paystate/engine';
import { reduce } from './reduce';
import type { Reduced, ReducerState } from './reducerState';

export interface ReducerLedger {
  observe(obs: Observation): Reduced;
  order(orderId: string): ReducerState | undefined;
  orders(): ReadonlyMap<string, ReducerState>;
}

const transactionIdIn = (o: Observation): string | undefined => {
  switch (o.kind) {
    case 'notification':
      return o.report.transactionId;
    case 'charge_response':
    case 'status_response':
    case 'action_response':
      return 'report' in o.answer ? o.answer.report.transactionId : undefined;
    case 'callback_3ds':
    case 'deadline_passed':
    case 'invalid':
      return o.transactionId;
    case 'charge_request':
      return undefined;
  }
};

export const createReducerLedger = (): ReducerLedger => {
  const orders = new Map<string, ReducerState>();
  const byTransaction = new Map<string, string>();
  const resolve = (obs: Observation): string | undefined => {
    if (obs.orderId !== undefined) return obs.orderId;
    const target = obs.kind === 'action_response' || obs.kind === 'status_response' ? obs.targetId : undefined;
    if (target !== undefined && orders.has(target)) return target;
    const tid = transactionIdIn(obs) ?? target;
    return tid === undefined ? undefined : byTransaction.get(tid);
  };
  return {
    observe(obs) {
      const orderId = resolve(obs);
      const before = orderId === undefined ? undefined : orders.get(orderId);
      const routed: Observation = orderId !== undefined && obs.orderId === undefined ? { ...obs, orderId } : obs;
      const out = reduce(before, routed);
      const after = out.state;
      if (after !== undefined && after !== before) {
        orders.set(after.orderId, after);
        if (out.outcome === 'applied' && out.transactionId !== undefined) byTransaction.set(out.transactionId, after.orderId);
      }
      return out;
    },
    order: (id) => orders.get(id),
    orders: () => orders,
  };
};
