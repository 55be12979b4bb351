/**
 * The classifying fold, as a decider: `decide(state, observation)` gives every observation
 * exactly one outcome with a reason, `evolve(state, decision)` applies a recorded decision.
 * One decider per observation kind lives beside this file; reasons are decided as data
 * (`reasons.ts`) and worded apart (`render.ts`).
 */
import type { Observation } from '../observation';
import type { OrderState } from '../state';
import { decide } from './decide';
import type { Decision } from './decision';
import { evolve } from './evolve';

export { decide } from './decide';
export { evolve, inStream } from './evolve';
export type { Decision, DecidedObservation, Effect, ReasonCode } from './decision';

/** Decides and applies one observation. */
export const step = (order: OrderState | undefined, obs: Observation): { readonly state: OrderState | undefined; readonly decision: Decision } => {
  const decision = decide(order, obs);
  return { state: evolve(order, decision), decision };
};

/** Rebuilds an order from its recorded decisions. */
export const replay = (decisions: Iterable<Decision>, from?: OrderState): OrderState | undefined => {
  let s = from;
  for (const d of decisions) s = evolve(s, d);
  return s;
};
