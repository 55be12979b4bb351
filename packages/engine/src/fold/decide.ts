/**
 * The classifying fold's `decide`: gives every observation exactly one outcome of DOMAIN §4 with
 * a reason (and the state it leads to), by handing it to the decider of its kind.
 */
import type { Observation } from '../observation';
import type { OrderState } from '../state';
import { decideActionAnswer } from './actionAnswer';
import { decideCallback3ds } from './callback3ds';
import { decideChargeRequest } from './chargeRequest';
import { decideChargeResponse } from './chargeResponse';
import { decideDeadlinePassed } from './deadlinePassed';
import { rejected, type Decision } from './decision';
import { decideInvalidInput } from './invalidInput';
import { decideNotification, decideStatusResponse } from './statusReport';

/** Classifies one observation against the order's state. Pure. */
export const decide = (order: OrderState | undefined, obs: Observation): Decision => {
  switch (obs.kind) {
    case 'invalid':
      return decideInvalidInput(order, obs);
    case 'charge_request':
      return decideChargeRequest(order, obs);
    case 'charge_response':
      return decideChargeResponse(order, obs);
  }
  // Every other observation needs an order that a charge request or response opened.
  if (order === undefined) {
    const orderId = obs.orderId;
    return orderId === undefined
      ? rejected(undefined, undefined, undefined, { code: 'no_order', case: 'unknown', kind: obs.kind })
      : rejected(undefined, orderId, undefined, { code: 'unknown_order', orderId });
  }
  switch (obs.kind) {
    case 'notification':
      return decideNotification(order, obs);
    case 'status_response':
      return decideStatusResponse(order, obs);
    case 'action_response':
      return decideActionAnswer(order, obs);
    case 'callback_3ds':
      return decideCallback3ds(order, obs);
    case 'deadline_passed':
      return decideDeadlinePassed(order, obs);
  }
};
