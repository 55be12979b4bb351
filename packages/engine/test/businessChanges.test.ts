import { businessChanges, summarizeOrder } from '../src/index';
import { foldAll, paymentFixture } from '../src/testing/index';

const pay = paymentFixture({ orderId: 'o', transactionId: 't', gross: 145_000_00 });

describe('business changes: what one stream version changes for an order system', () => {
  test('a challenged capture asks for review; approving it pays', () => {
    const challenged = foldAll([pay.requested(), pay.charged('capture', 'challenge')]);
    const approved = foldAll([pay.acted('approve', 'capture', 'accept')], challenged);
    expect(businessChanges(undefined, challenged)).toEqual(['needs_review']);
    expect(businessChanges(challenged, approved)).toEqual(['paid']);
    expect(businessChanges(approved, approved)).toEqual([]);
  });

  test('a refund after settlement is refunded; an illegal report asks for reconciliation; nothing after an unknown order', () => {
    const settled = foldAll([pay.requested(), pay.charged('capture', 'accept'), pay.notified('settlement', 'accept')]);
    const refunded = foldAll([pay.notified('partial_refund', 'accept', { refundAmount: 50_000_00 })], settled);
    expect(businessChanges(settled, refunded)).toEqual(['refunded']);
    const odd = foldAll([pay.notified('pending', 'accept')], settled);
    expect(businessChanges(settled, odd)).toEqual(['needs_reconciliation']);
    expect(businessChanges(settled, undefined)).toEqual([]);
  });
});

describe('order summary', () => {
  test('the latest attempt, every attempt with its amounts, each flag once and the actions allowed now', () => {
    const settled = foldAll([pay.requested(), pay.charged('capture', 'accept'), pay.notified('settlement', 'accept'), pay.notified('pending'), pay.notified('pending')]);
    expect(summarizeOrder(settled!)).toEqual({
      transaction_status: 'settlement',
      fraud_status: 'accept',
      attempts: { t: { transaction_status: 'settlement', fraud_status: 'accept', gross_amount: '145000.00', refund_amount: '0.00' } },
      flags: ['illegal_observation'],
      allowed_actions: ['direct_refund', 'refund'],
    });
  });
});
