/**
 * What `GET /orders/:id/payment` answers: paystate's business answers for the order, each with
 * its reason.
 */
import { formatAmount, latestAttempt } from '@paystate/engine';

export const paymentView = (payment, shipped) => {
  const attempt = latestAttempt(payment.state);
  const { paid, canShip, refundableRemaining, needsReview, needsReconciliation, allowedActions } = payment.answers;
  return {
    orderId: payment.orderId,
    transactionStatus: attempt?.status ?? null,
    fraudStatus: attempt?.fraud ?? null,
    paid: paid.value,
    canShip: canShip.value,
    /** As Midtrans writes amounts ("145000.00"); `refundableMinor` is the exact integer (1/100 rupiah). */
    refundable: formatAmount(refundableRemaining.value),
    refundableMinor: refundableRemaining.value,
    needsReview: needsReview.value,
    needsReconciliation: needsReconciliation.value,
    allowedActions,
    reasons: { paid: paid.reason, canShip: canShip.reason, refundable: refundableRemaining.reason },
    shipped,
  };
};
