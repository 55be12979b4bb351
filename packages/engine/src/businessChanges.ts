/**
 * Business changes: what an order system acts on (ship, stop, refund), derived from an order's
 * state before and after one stream version.
 */
import { isPaid, needsReconciliation, needsReview } from './answers';
import { latestAttempt, type OrderState } from './state';

export const BUSINESS_CHANGES = ['paid', 'needs_review', 'cancelled', 'expired', 'denied', 'refunded', 'charged_back', 'needs_reconciliation'] as const;
export type BusinessChangeKind = (typeof BUSINESS_CHANGES)[number];

/** The changes one stream version brings, in a fixed order. */
export const businessChanges = (before: OrderState | undefined, after: OrderState | undefined): BusinessChangeKind[] => {
  if (after === undefined) return [];
  const out: BusinessChangeKind[] = [];
  const a0 = latestAttempt(before);
  const a1 = latestAttempt(after);
  const sameAttempt = a0 !== undefined && a1 !== undefined && a0.transactionId === a1.transactionId;
  if (!isPaid(before).value && isPaid(after).value) out.push('paid');
  if (!needsReview(before).value && needsReview(after).value) out.push('needs_review');
  const moved = a1 !== undefined && (!sameAttempt || a0.status !== a1.status);
  if (moved && a1.status === 'cancel') out.push('cancelled');
  if (moved && a1.status === 'expire') out.push('expired');
  if (moved && a1.status === 'deny') out.push('denied');
  if (a1 !== undefined && a1.refunded > (sameAttempt ? a0.refunded : 0)) out.push('refunded');
  if (a1 !== undefined && a1.chargedBack > (sameAttempt ? a0.chargedBack : 0)) out.push('charged_back');
  if (!needsReconciliation(before).value && needsReconciliation(after).value) out.push('needs_reconciliation');
  return out;
};
