import { allowedActions, answersFor, attemptActions, canCancel, canRefund, canShip, formatMidtransTime, isPaid, needsReconciliation, needsReview, parseMidtransTime, planDeadlines, refundableRemaining } from '../src/index';
import { foldAll, paymentFixture } from '../src/testing/index';

const pay = paymentFixture({ orderId: 'o', transactionId: 't', gross: 145_000_00, transactionTime: '2024-05-14 10:15:20' });
const settled = foldAll([pay.charged('capture', 'accept'), pay.notified('settlement', 'accept')]);

describe('business answers (DOMAIN §7)', () => {
  test('paid: capture/accept and settlement are paid; pending, challenge and deny are not', () => {
    expect(isPaid(foldAll([pay.charged('capture', 'accept')])).value).toBe(true);
    expect(isPaid(settled).value).toBe(true);
    expect(isPaid(foldAll([pay.charged('pending', 'accept')])).value).toBe(false);
    const challenged = isPaid(foldAll([pay.charged('capture', 'challenge')]));
    expect(challenged).toEqual({ value: false, reason: expect.stringContaining('challenge') });
    expect(isPaid(foldAll([pay.charged('deny', 'accept')])).value).toBe(false);
    expect(isPaid(undefined)).toEqual({ value: false, reason: 'the order is unknown' });
  });

  test('can ship: paid and nothing to reconcile; an illegal observation blocks until a GET status reconciles it', () => {
    expect(canShip(settled).value).toBe(true);
    const odd = foldAll([pay.charged('capture', 'accept'), pay.notified('settlement', 'accept'), pay.notified('pending', 'accept')]);
    expect(needsReconciliation(odd).value).toBe(true);
    expect(canShip(odd)).toEqual({ value: false, reason: expect.stringContaining('illegal_observation') });
    const reconciled = foldAll([pay.fetched('settlement', 'accept')], odd);
    expect(needsReconciliation(reconciled).value).toBe(false);
    expect(canShip(reconciled).value).toBe(true);
  });

  test('needs review: capture with fraud_status challenge', () => {
    expect(needsReview(foldAll([pay.charged('capture', 'challenge')])).value).toBe(true);
    expect(needsReview(settled).value).toBe(false);
    expect(allowedActions(foldAll([pay.charged('capture', 'challenge')]))).toEqual(['approve', 'cancel', 'deny']);
  });

  test('attempt actions: what the machine allows on one attempt; the latest one is the order\'s', () => {
    const first = paymentFixture({ orderId: 'r', transactionId: 't1', gross: 100_00 });
    const retry = paymentFixture({ orderId: 'r', transactionId: 't2', gross: 100_00 });
    const o = foldAll([first.requested(), first.charged('deny'), retry.charged('capture', 'challenge')]);
    const [denied, challenged] = o?.attempts ?? [];
    expect(attemptActions(denied!)).toEqual([]);
    expect(attemptActions(challenged!)).toEqual(['approve', 'cancel', 'deny']);
    expect(allowedActions(o)).toEqual(attemptActions(challenged!));
    expect(attemptActions(settled!.attempts[0]!)).toEqual(['direct_refund', 'refund']);
  });

  test('can cancel before settlement, never after', () => {
    expect(canCancel(foldAll([pay.charged('pending', 'accept')])).value).toBe(true);
    expect(canCancel(foldAll([pay.charged('authorize', 'accept')])).value).toBe(true);
    expect(canCancel(settled)).toEqual({ value: false, reason: expect.stringContaining('refund instead') });
  });

  test('can I refund 50,000? and what remains', () => {
    expect(canRefund(settled, 50_000_00).value).toBe(true);
    expect(refundableRemaining(settled).value).toBe(145_000_00);
    const partly = foldAll([pay.acted('refund', 'partial_refund', undefined, { refundAmount: 100_000_00, refundKey: 'k1' })], settled);
    expect(refundableRemaining(partly).value).toBe(45_000_00);
    expect(canRefund(partly, 50_000_00)).toEqual({ value: false, reason: '50,000.00 exceeds the remaining 45,000.00' });
    expect(canRefund(partly, 45_000_00).value).toBe(true);
    expect(canRefund(foldAll([pay.charged('capture', 'accept')]), 1_00)).toEqual({ value: false, reason: expect.stringContaining('cancel instead') });
    expect(canRefund(settled, 0.5).value).toBe(false);
  });

  test('allowed actions come from the machine', () => {
    expect(allowedActions(foldAll([pay.charged('pending', 'accept')]))).toEqual(['cancel', 'expire']);
    expect(allowedActions(foldAll([pay.charged('authorize', 'accept')]))).toEqual(['cancel', 'capture']);
    expect(allowedActions(settled)).toEqual(['direct_refund', 'refund']);
    expect(allowedActions(foldAll([pay.charged('deny', 'accept')]))).toEqual([]);
  });

  test('answersFor gathers them all', () => {
    const a = answersFor(settled);
    expect(a.paid.value).toBe(true);
    expect(a.refundableRemaining.value).toBe(145_000_00);
    expect(a.deadlines).toEqual([]);
  });
});

describe('deadline planner (DOMAIN §8)', () => {
  test('Midtrans times are GMT+7 and round-trip', () => {
    const ms = parseMidtransTime('2024-05-14 10:15:20')!;
    expect(new Date(ms).toISOString()).toBe('2024-05-14T03:15:20.000Z');
    expect(formatMidtransTime(ms)).toBe('2024-05-14 10:15:20');
    expect(parseMidtransTime('14/05/2024')).toBeUndefined();
  });

  test('pending: 3DS expiry at expiry_time, else 10 minutes after the charge', () => {
    const a = foldAll([pay.charged('pending', 'accept', { expiryTime: '2024-05-14 10:25:20' })])!.attempts[0]!;
    expect(planDeadlines(a)).toEqual([expect.objectContaining({ kind: '3ds_expiry', at: '2024-05-14 10:25:20' })]);
    const b = foldAll([pay.charged('pending', 'accept')])!.attempts[0]!;
    expect(planDeadlines(b)[0]?.at).toBe('2024-05-14 10:25:20');
  });

  test('authorize expires after 7 days', () => {
    const a = foldAll([pay.charged('authorize', 'accept')])!.attempts[0]!;
    expect(planDeadlines(a)).toEqual([expect.objectContaining({ kind: 'authorization_expiry', at: '2024-05-21 10:15:20' })]);
  });

  test('capture settles the next day at 16:00; an unapproved challenge is cancelled then', () => {
    const a = foldAll([pay.charged('capture', 'accept')])!.attempts[0]!;
    expect(planDeadlines(a)).toEqual([expect.objectContaining({ kind: 'settlement', at: '2024-05-15 16:00:00' })]);
    const late = paymentFixture({ transactionTime: '2024-05-31 23:59:59' });
    const c = foldAll([late.charged('capture', 'challenge')])!.attempts[0]!;
    expect(planDeadlines(c).map((d) => [d.kind, d.at])).toEqual([
      ['challenge_auto_cancel', '2024-06-01 16:00:00'],
      ['settlement', '2024-06-01 16:00:00'],
    ]);
  });

  test('settled and terminal states await nothing', () => {
    expect(planDeadlines(settled!.attempts[0]!)).toEqual([]);
  });
});
