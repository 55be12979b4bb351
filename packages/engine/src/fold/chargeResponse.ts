/**
 * Decider for Midtrans' answer to a charge: its report opens the attempt (and the stream, when
 * no charge request was seen); an error answer opens no attempt.
 */
import { errorOf, reportOf, type ChargeResponse } from '../observation';
import type { OrderState } from '../state';
import { decision, rejected, type Decision } from './decision';
import { decideReport } from './statusReport';

export const decideChargeResponse = (order: OrderState | undefined, obs: ChargeResponse): Decision => {
  const orderId = obs.orderId ?? order?.orderId;
  if (orderId === undefined) return rejected(undefined, undefined, undefined, { code: 'no_order', case: 'charge_response' });
  const report = reportOf(obs.answer);
  if (order !== undefined) {
    if (report !== undefined) return decideReport(order, report, 'charge_response');
    return decision('ignored', { code: 'charge_refused', error: errorOf(obs.answer)! }, orderId, undefined);
  }
  // No charge request opened the stream: the answer opens it. A report that is not applied
  // opens nothing, so it has no order to raise flags on.
  if (report === undefined) return decision('ignored', { code: 'charge_refused', error: errorOf(obs.answer)! }, orderId, undefined, { effect: { open: true } });
  const blank: OrderState = { orderId, version: 0, attempts: [], flags: [] };
  const d = decideReport(blank, report, 'charge_response');
  return d.outcome === 'applied' ? { ...d, effect: { ...d.effect, open: true } } : { ...d, flags: [] };
};
