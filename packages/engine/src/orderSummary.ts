/**
 * The payment summary of an order: its state, attempts, flags and allowed actions in the wire's
 * words (snake_case keys, amounts as Midtrans writes them), as reports and APIs show it.
 */
import { allowedActions } from './answers';
import { formatAmount } from './money';
import { orderView, type OrderState } from './state';
import type { FraudStatus, TransactionStatus } from './status';

export interface AttemptSummary {
  readonly transaction_status: TransactionStatus;
  readonly fraud_status: FraudStatus | null;
  readonly gross_amount: string;
  readonly refund_amount: string;
}

export interface OrderSummary {
  readonly transaction_status: TransactionStatus | null;
  readonly fraud_status: FraudStatus | null;
  readonly attempts: Readonly<Record<string, AttemptSummary>>;
  readonly flags: readonly string[];
  readonly allowed_actions: readonly string[];
}

/** The order's summary: the latest attempt's state, every attempt by transaction_id, the flags raised (each once) and the actions allowed now. */
export const summarizeOrder = (o: OrderState): OrderSummary => {
  const view = orderView(o);
  return {
    ...view,
    attempts: Object.fromEntries(
      o.attempts.map((a) => [
        a.transactionId,
        { transaction_status: a.status, fraud_status: a.fraud, gross_amount: formatAmount(a.grossAmount), refund_amount: formatAmount(a.refunded) },
      ]),
    ),
    flags: [...new Set(o.flags.map((f) => f.flag))],
    allowed_actions: [...allowedActions(o)],
  };
};
