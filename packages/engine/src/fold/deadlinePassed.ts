/**
 * Decider for a deadline the host's clock reached (DOMAIN §8): while the attempt still awaits
 * it, the order is flagged for a GET status; otherwise it is moot.
 */
import { planDeadlines } from '../deadlines';
import type { DeadlinePassed } from '../observation';
import type { OrderState } from '../state';
import { findAttempt } from './checks';
import { decision, type Decision } from './decision';

export const decideDeadlinePassed = (order: OrderState, obs: DeadlinePassed): Decision => {
  const a = findAttempt(order, obs.transactionId);
  const awaited = a !== undefined && planDeadlines(a).some((d) => d.kind === obs.reason || d.at === obs.deadline);
  return awaited
    ? decision('ignored', { code: 'deadline_passed', deadline: obs.deadline, why: obs.reason, status: a.status }, obs.orderId, a.transactionId, {
        flags: ['deadline_passed'],
      })
    : decision('ignored', { code: 'deadline_moot', deadline: obs.deadline, why: obs.reason }, obs.orderId, a?.transactionId);
};
