/** Decider for input the adapters could not trust or read: rejected, with the adapters' reason. */
import type { Invalid } from '../observation';
import type { OrderState } from '../state';
import { rejected, type Decision } from './decision';

/**
 * Nobody authenticated a notification that failed its signature or its decoding, nor a browser
 * callback or a line of unknown kind: such input never touches an order, not even with a flag.
 * The order system's own records (its requests, and the answers its client received) are
 * authenticated, so a malformed one still flags the order it names.
 */
const UNAUTHENTICATED: readonly Invalid['received'][] = ['notification', 'callback_3ds', 'unknown'];

export const decideInvalidInput = (order: OrderState | undefined, obs: Invalid): Decision =>
  rejected(UNAUTHENTICATED.includes(obs.received) ? undefined : order, obs.orderId ?? order?.orderId, obs.transactionId, {
    code: 'invalid_input',
    text: obs.reason,
  });
