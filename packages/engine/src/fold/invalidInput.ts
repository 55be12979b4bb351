/** Decider for input the adapters could not trust or read: rejected, with the adapters' reason. */
import type { Invalid } from '../observation';
import type { OrderState } from '../state';
import { rejected, type Decision } from './decision';

export const decideInvalidInput = (order: OrderState | undefined, obs: Invalid): Decision =>
  rejected(order, obs.orderId ?? order?.orderId, obs.transactionId, { code: 'invalid_input', text: obs.reason });
