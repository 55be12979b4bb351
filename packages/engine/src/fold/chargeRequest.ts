/**
 * Decider for the merchant's charge request: it opens the stream, or sets the amount the next
 * attempt must charge (after a retryable ending); the same request again is a duplicate, and a
 * different one while an attempt is active is illegal.
 */
import type { ChargeRequest } from '../observation';
import type { OrderState } from '../state';
import { RETRYABLE_ENDINGS } from '../status';
import { decision, type Decision } from './decision';

export const decideChargeRequest = (order: OrderState | undefined, obs: ChargeRequest): Decision => {
  const amount = obs.grossAmount;
  if (order === undefined)
    return decision('applied', { code: 'stream_opened', orderId: obs.orderId, amount }, obs.orderId, undefined, {
      effect: { open: true, requestedAmount: amount },
    });
  const orderId = obs.orderId;
  const latest = order.attempts[order.attempts.length - 1];
  // The same request as the last one recorded is a retried request, whatever happened since.
  if (order.requestedAmount === amount) return decision('duplicate', { code: 'same_state', case: 'charge_request', amount }, orderId, undefined);
  if (latest === undefined)
    return decision('applied', { code: 'transition', case: 'requested_amount', amount }, orderId, undefined, { effect: { requestedAmount: amount } });
  if (RETRYABLE_ENDINGS.includes(latest.status))
    return decision('applied', { code: 'transition', case: 'retry_request', after: latest.status, amount }, orderId, undefined, {
      effect: { requestedAmount: amount },
    });
  return decision('illegal', { code: 'active_attempt', case: 'charge_request', activeId: latest.transactionId, status: latest.status }, orderId, undefined);
};
