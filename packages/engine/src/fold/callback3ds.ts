/** Decider for the browser's 3DS callback: recorded, never authoritative. */
import type { Callback3ds } from '../observation';
import type { OrderState } from '../state';
import { decision, type Decision } from './decision';

export const decideCallback3ds = (order: OrderState, obs: Callback3ds): Decision =>
  decision('ignored', { code: 'not_authoritative', status: obs.status }, obs.orderId ?? order.orderId, obs.transactionId);
