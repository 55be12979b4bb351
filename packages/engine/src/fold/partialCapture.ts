/**
 * A partial capture learned from a report rather than from the capture's own answer (the
 * notifications, or another answer, arriving first): a captured status stated with less than the
 * authorized amount, on an attempt not captured yet. The report's amount becomes the attempt's.
 */
import { pairOf, type Pair } from '../compiled';
import type { StatusReport } from '../observation';
import type { AttemptState } from '../state';
import type { TransactionStatus } from '../status';

/** Statuses that can follow a capture (cancel and deny too: a capture can be cancelled or denied). */
const AFTER_CAPTURE: readonly TransactionStatus[] = ['capture', 'settlement', 'refund', 'partial_refund', 'chargeback', 'partial_chargeback', 'cancel', 'deny'];

export const isPartialCapture = (a: AttemptState, r: StatusReport): boolean =>
  (a.status === 'pending' || a.status === 'authorize') &&
  a.grossAmount === a.authorizedAmount &&
  AFTER_CAPTURE.includes(r.status) &&
  r.grossAmount > 0 &&
  r.grossAmount < a.authorizedAmount;

/** The pairs a partial capture proves were passed: authorize, then the capture. */
export const partialCaptureVia = (a: AttemptState, r: StatusReport): readonly Pair[] => {
  const fraud = r.fraud === 'challenge' || r.fraud === 'accept' ? r.fraud : a.fraud === 'deny' ? null : a.fraud;
  return [pairOf('authorize', a.fraud), pairOf('capture', fraud)];
};
