import { given, paymentFixture } from '../src/testing/index';

const pay = paymentFixture({ orderId: 'order-1', transactionId: 'tx-1', gross: 145_000_00 });
const small = paymentFixture({ orderId: 'order-2', transactionId: 'tx-2', gross: 30_000_00 });

describe('transaction_status edges (DOMAIN §2), one sentence each', () => {
  test.each([
    ['pending', 'accept'],
    ['authorize', 'accept'],
    ['capture', 'accept'],
    ['capture', 'challenge'],
    ['deny', 'accept'],
  ] as const)('a charge answered %s/%s opens the attempt there', (status, fraud) => {
    given(pay.requested()).when(pay.charged(status, fraud)).then({ outcome: 'applied', transaction_status: status, fraud_status: fraud, attempts: 1 });
  });

  test.each([
    ['capture', 'accept'],
    ['authorize', 'accept'],
    ['deny', 'accept'],
    ['expire', 'accept'],
    ['cancel', 'accept'],
    ['failure', 'accept'],
  ] as const)('pending → %s is applied', (status, fraud) => {
    given(pay.charged('pending', 'accept')).when(pay.notified(status, fraud)).then({ outcome: 'applied', transaction_status: status });
  });

  test('pending/accept → capture/challenge: the verdict given while pending was provisional', () => {
    given(pay.charged('pending', 'accept')).when(pay.notified('capture', 'challenge')).then({ outcome: 'applied', fraud_status: 'challenge' });
  });

  test('pending/accept → deny/deny: FDS denies after 3DS', () => {
    given(pay.charged('pending', 'accept')).when(pay.notified('deny', 'deny')).then({ outcome: 'applied', transaction_status: 'deny', fraud_status: 'deny' });
  });

  test.each(['capture', 'deny', 'cancel', 'expire'] as const)('authorize → %s is applied', (status) => {
    given(pay.charged('authorize', 'accept')).when(pay.notified(status, 'accept')).then({ outcome: 'applied', transaction_status: status });
  });

  test.each(['settlement', 'cancel'] as const)('capture → %s is applied', (status) => {
    given(pay.charged('capture', 'accept')).when(pay.notified(status, 'accept')).then({ outcome: 'applied', transaction_status: status });
  });

  test('capture → deny is applied only while fraud_status is challenge', () => {
    given(pay.charged('capture', 'challenge')).when(pay.notified('deny', 'challenge')).then({ outcome: 'applied', transaction_status: 'deny', flags: [] });
  });

  test('a deny observed at capture/accept is a reversal: capture → settlement (inferred) → deny, flagged', () => {
    given(pay.charged('capture', 'accept'))
      .when(pay.notified('deny', 'accept'))
      .then({ outcome: 'applied', transaction_status: 'deny', inferred: ['settlement'], flags: ['reversal'] });
  });

  test('settlement → deny is a reversal: applied and flagged', () => {
    given(pay.charged('capture', 'accept'), pay.notified('settlement', 'accept'))
      .when(pay.notified('deny', 'accept'))
      .then({ outcome: 'applied', transaction_status: 'deny', flags: ['reversal'] });
  });

  test('pending → settlement infers the capture', () => {
    given(pay.charged('pending', 'accept'))
      .when(pay.notified('settlement', 'accept'))
      .then({ outcome: 'applied', transaction_status: 'settlement', inferred: ['capture'] });
  });

  test.each(['chargeback', 'partial_chargeback'] as const)('settlement → %s is applied', (status) => {
    given(pay.charged('capture', 'accept'), pay.notified('settlement', 'accept'))
      .when(pay.notified(status, 'accept', status === 'partial_chargeback' ? { chargebackAmount: 10_000_00 } : {}))
      .then({ outcome: 'applied', transaction_status: status });
  });

  test('partial_chargeback → chargeback is applied', () => {
    given(pay.charged('capture', 'accept'), pay.notified('settlement', 'accept'), pay.notified('partial_chargeback', 'accept', { chargebackAmount: 10_000_00 }))
      .when(pay.notified('chargeback', 'accept'))
      .then({ outcome: 'applied', transaction_status: 'chargeback' });
  });

  test('settlement → partial_refund → partial_refund (larger) → refund as the cumulative refund reaches gross', () => {
    const base = [small.charged('capture', 'accept'), small.notified('settlement', 'accept')];
    const r1 = small.notified('partial_refund', 'accept', { refundAmount: 5_000_00, refunds: [{ key: 'a', amount: 5_000_00 }] });
    const r2 = small.notified('partial_refund', 'accept', { refundAmount: 12_000_00, refunds: [{ key: 'a', amount: 5_000_00 }, { key: 'b', amount: 7_000_00 }] });
    given(...base).when(r1).then({ outcome: 'applied', transaction_status: 'partial_refund', refunded: 5_000_00 });
    given(...base, r1).when(r2).then({ outcome: 'applied', transaction_status: 'partial_refund', refunded: 12_000_00 });
    given(...base, r1, r2).when(small.notified('refund', 'accept', { refundAmount: 30_000_00 })).then({ outcome: 'applied', transaction_status: 'refund', refunded: 30_000_00 });
  });

  test.each(['refund', 'chargeback', 'deny', 'cancel', 'expire', 'failure'] as const)('%s is terminal: nothing moves it', (status) => {
    const opening =
      status === 'refund' || status === 'chargeback'
        ? [pay.charged('capture', 'accept'), pay.notified('settlement', 'accept'), pay.notified(status, 'accept')]
        : [pay.charged('pending', 'accept'), pay.notified(status, 'accept')];
    // settlement lies on a legal path to each of them, so it is history (stale) or impossible (illegal): never applied
    const { decision, before, after } = given(...opening).when(pay.notified('settlement', 'accept')).then({ transaction_status: status });
    expect(['stale', 'illegal']).toContain(decision.outcome);
    expect(after?.attempts).toEqual(before?.attempts);
    given(...opening).when(pay.notified('capture', 'challenge')).then({ transaction_status: status, fraud_status: 'accept' });
  });
});

describe('classification (DOMAIN §4)', () => {
  test('the same notification twice is a duplicate', () => {
    given(pay.charged('pending', 'accept'), pay.notified('capture', 'accept')).when(pay.notified('capture', 'accept')).then({ outcome: 'duplicate' });
  });

  test('the bank-confirmed second refund notification is a duplicate, not an error', () => {
    const refunded = pay.notified('refund', 'accept', { refundAmount: 145_000_00, refunds: [{ key: 'k', amount: 145_000_00 }] });
    given(pay.charged('capture', 'accept'), pay.notified('settlement', 'accept'), refunded).when(refunded).then({ outcome: 'duplicate' });
  });

  test('a browser 3DS callback is ignored', () => {
    given(pay.charged('pending', 'accept')).when(pay.callback('capture')).then({ outcome: 'ignored', transaction_status: 'pending' });
  });

  test('a late capture after settlement is stale', () => {
    given(pay.charged('pending', 'accept'), pay.notified('settlement', 'accept')).when(pay.notified('capture', 'accept')).then({ outcome: 'stale', transaction_status: 'settlement' });
  });

  test('a late pending after capture is stale when the attempt began pending', () => {
    given(pay.charged('pending', 'accept'), pay.notified('capture', 'accept')).when(pay.notified('pending', 'accept')).then({ outcome: 'stale' });
  });

  test('pending after settlement is illegal when the attempt began at capture', () => {
    given(pay.charged('capture', 'accept'), pay.notified('settlement', 'accept'))
      .when(pay.notified('pending', 'accept'))
      .then({ outcome: 'illegal', flags: ['illegal_observation'], transaction_status: 'settlement' });
  });

  test('capture on an attempt the bank denied is illegal', () => {
    given(pay.charged('deny', 'accept')).when(pay.notified('capture', 'accept')).then({ outcome: 'illegal', transaction_status: 'deny' });
  });

  test('challenge after accept, once past pending, is illegal', () => {
    given(pay.charged('capture', 'accept')).when(pay.notified('capture', 'challenge')).then({ outcome: 'illegal', fraud_status: 'accept' });
  });

  test('an older partial refund notification after a larger one is stale', () => {
    const r1 = small.notified('partial_refund', 'accept', { refundAmount: 5_000_00, refunds: [{ key: 'a', amount: 5_000_00 }] });
    const r2 = small.notified('partial_refund', 'accept', { refundAmount: 12_000_00, refunds: [{ key: 'a', amount: 5_000_00 }, { key: 'b', amount: 7_000_00 }] });
    given(small.charged('capture', 'accept'), small.notified('settlement', 'accept'), r2).when(r1).then({ outcome: 'stale', refunded: 12_000_00 });
  });
});

describe('input checks (DOMAIN §5)', () => {
  test('an order nobody opened is rejected as unknown (no flag: there is no order to flag)', () => {
    given().when(pay.notified('capture', 'accept')).then({ outcome: 'rejected', flags: [], reason: 'unknown' });
  });

  test('a charge request opens the stream; the first charge response must match its amount', () => {
    given(pay.requested(100_000_00)).when(pay.charged('capture', 'accept')).then({ outcome: 'rejected', flags: ['rejected_input'], reason: 'does not match' });
  });

  test('a notification naming another transaction_id is rejected', () => {
    given(pay.charged('capture', 'accept'))
      .when(pay.notified('settlement', 'accept', { transactionId: 'tx-other' }))
      .then({ outcome: 'rejected', flags: ['rejected_input'], reason: 'tx-other' });
  });

  test('a signed notification with another gross_amount is rejected as an amount mismatch', () => {
    given(pay.charged('capture', 'accept'))
      .when(pay.notified('settlement', 'accept', { grossAmount: 150_000_00 }))
      .then({ outcome: 'rejected', flags: ['rejected_input'], reason: 'gross_amount 150,000.00 does not match' });
  });

  test.each([
    ['settlement', 'accept', '201'],
    ['pending', 'accept', '200'],
    ['capture', 'accept', '201'],
    ['capture', 'challenge', '200'],
    ['deny', 'accept', '200'],
    ['cancel', 'accept', '200'],
    ['expire', 'accept', '407'],
  ] as const)('a notification %s/%s with status_code %s is rejected: the signature does not cover the status', (status, fraud, code) => {
    given(pay.charged('pending', 'accept'))
      .when(pay.notified(status, fraud, { statusCode: code }))
      .then({ outcome: 'rejected', flags: ['rejected_input'], reason: 'status_code' });
  });

  test('capture with status_code 201 and no fraud_status: the attempt\'s challenge decides', () => {
    given(pay.charged('capture', 'challenge'))
      .when(pay.notified('capture', undefined, { statusCode: '201' }))
      .then({ outcome: 'duplicate' });
  });

  test('refund_amount above gross_amount is rejected', () => {
    given(pay.charged('capture', 'accept'), pay.notified('settlement', 'accept'))
      .when(pay.notified('partial_refund', 'accept', { refundAmount: 150_000_00 }))
      .then({ outcome: 'rejected', reason: 'exceeds' });
  });

  test('partial_refund with refund_amount equal to gross is inconsistent', () => {
    given(pay.charged('capture', 'accept'), pay.notified('settlement', 'accept'))
      .when(pay.notified('partial_refund', 'accept', { refundAmount: 145_000_00 }))
      .then({ outcome: 'rejected', reason: 'not below' });
  });

  test('a notification the adapters could not trust is rejected and leaves a known order untouched, without a flag', () => {
    given(pay.charged('capture', 'accept')).when(pay.invalid('signature_key: does not match')).then({ outcome: 'rejected', flags: [], transaction_status: 'capture' });
  });
});

describe('attempts (DOMAIN §1)', () => {
  const retry = paymentFixture({ orderId: 'order-1', transactionId: 'tx-retry' });

  test('a charge response with a new transaction_id after deny opens a second attempt; the order shows the latest', () => {
    given(pay.charged('deny', 'accept'))
      .when(retry.charged('capture', 'accept'))
      .then({ outcome: 'applied', attempts: 2, transaction_status: 'capture' });
  });

  test('a new transaction_id while the attempt is still active is illegal', () => {
    given(pay.charged('pending', 'accept')).when(retry.charged('capture', 'accept')).then({ outcome: 'illegal', attempts: 1, transaction_status: 'pending' });
  });

  test('a late deny notification of the first attempt is a duplicate of that attempt and leaves the order on the retry', () => {
    given(pay.charged('deny', 'accept'), retry.charged('capture', 'accept'))
      .when(pay.notified('deny', 'accept'))
      .then({ outcome: 'duplicate', transaction_status: 'capture', attempts: 2 });
  });
});

describe('actions and their preconditions (DOMAIN §6)', () => {
  test('approve on a challenge is applied: capture/accept', () => {
    given(pay.charged('capture', 'challenge')).when(pay.acted('approve', 'capture', 'accept')).then({ outcome: 'applied', fraud_status: 'accept' });
  });

  test('deny on a challenge ends deny/deny', () => {
    given(pay.charged('capture', 'challenge')).when(pay.acted('deny', 'deny', 'deny')).then({ outcome: 'applied', transaction_status: 'deny', fraud_status: 'deny' });
  });

  test('approve on a transaction that was never challenged is illegal, whatever Midtrans answered', () => {
    given(pay.charged('capture', 'accept')).when(pay.refused('approve', '412')).then({ outcome: 'illegal', flags: ['illegal_observation'] });
  });

  test('a late approve answer after settlement is stale', () => {
    given(pay.charged('capture', 'challenge'), pay.notified('capture', 'accept'), pay.notified('settlement', 'accept'))
      .when(pay.acted('approve', 'capture', 'accept'))
      .then({ outcome: 'stale', transaction_status: 'settlement' });
  });

  test('a late approve answer is stale even when the challenge itself was never observed', () => {
    given(pay.charged('capture'), pay.notified('settlement', 'accept'))
      .when(pay.acted('approve', 'capture', 'accept'))
      .then({ outcome: 'stale', flags: [], transaction_status: 'settlement' });
  });

  test('a refund reported after a later one that changed the verdict still counts (money never depends on delivery order)', () => {
    const c = paymentFixture({ orderId: 'o-late', transactionId: 't-late', gross: 30_000_00 });
    const base = [c.charged('capture', 'challenge'), c.notified('settlement', 'challenge')];
    const a = c.notified('partial_refund', 'challenge', { refundAmount: 10_000_00, refunds: [{ key: 'r1', amount: 10_000_00 }] });
    const b = c.acted('refund', 'partial_refund', 'accept', { refundAmount: 5_000_00, refundKey: 'r2' });
    given(...base, a).when(b).then({ outcome: 'applied', refunded: 15_000_00, fraud_status: 'accept' });
    given(...base, b).when(a).then({ outcome: 'applied', refunded: 15_000_00, fraud_status: 'accept' });
  });

  test('cancel answered 412 after settlement: it was allowed before, so ignored and flagged action_refused', () => {
    given(pay.charged('capture', 'accept'), pay.notified('settlement', 'accept'))
      .when(pay.refused('cancel', '412', 'Merchant cannot modify the status of the transaction'))
      .then({ outcome: 'ignored', flags: ['action_refused'], transaction_status: 'settlement' });
  });

  test('expire answered 407 is its success', () => {
    given(pay.charged('pending', 'accept')).when(pay.acted('expire', 'expire')).then({ outcome: 'applied', transaction_status: 'expire' });
  });

  test('expire of a capture is illegal', () => {
    given(pay.charged('capture', 'accept')).when(pay.acted('expire', 'expire')).then({ outcome: 'illegal' });
  });

  test('capture from authorize is applied; a partial capture sets the amount later notifications must carry', () => {
    const { after } = given(pay.charged('authorize', 'accept'))
      .when(pay.acted('capture', 'capture', 'accept', { requestAmount: 100_000_00 }))
      .then({ outcome: 'applied', transaction_status: 'capture', grossAmount: 100_000_00 });
    expect(after?.attempts[0]?.authorizedAmount).toBe(145_000_00);
    given(pay.charged('authorize', 'accept'), pay.acted('capture', 'capture', 'accept', { requestAmount: 100_000_00 }))
      .when(pay.notified('settlement', 'accept', { grossAmount: 100_000_00 }))
      .then({ outcome: 'applied', transaction_status: 'settlement' });
  });

  test('a capture above the authorized amount is illegal', () => {
    given(pay.charged('authorize', 'accept')).when(pay.acted('capture', 'capture', 'accept', { requestAmount: 200_000_00 })).then({ outcome: 'illegal' });
  });

  test('a capture above the authorized amount is illegal even when Midtrans refused it (the amount precondition never held)', () => {
    given(pay.charged('authorize', 'accept')).when(pay.refused('capture', '412', undefined, { amount: 200_000_00 })).then({ outcome: 'illegal', transaction_status: 'authorize' });
  });

  test('capture answered 202 deny is a bank decline: ignored, stays authorize', () => {
    given(pay.charged('authorize', 'accept'))
      .when(pay.acted('capture', 'deny', 'accept', { statusCode: '202' }))
      .then({ outcome: 'ignored', transaction_status: 'authorize' });
  });

  test('capture of a pending 3DS charge answered 412 is illegal (capture needs authorize)', () => {
    given(pay.charged('pending', 'accept')).when(pay.refused('capture', '412')).then({ outcome: 'illegal' });
  });

  describe('refunds', () => {
    const settled = [small.charged('capture', 'accept'), small.notified('settlement', 'accept')];

    test('refund action answers carry that one refund: 5,000 then 7,000 make 12,000', () => {
      const r1 = small.acted('refund', 'partial_refund', undefined, { refundAmount: 5_000_00, refundKey: 'a', requestKey: 'a' });
      given(...settled).when(r1).then({ outcome: 'applied', refunded: 5_000_00 });
      given(...settled, r1)
        .when(small.acted('refund', 'partial_refund', undefined, { refundAmount: 7_000_00, refundKey: 'b', requestKey: 'b' }))
        .then({ outcome: 'applied', refunded: 12_000_00, transaction_status: 'partial_refund' });
    });

    test('the same refund answered twice is a duplicate', () => {
      const r1 = small.acted('refund', 'partial_refund', undefined, { refundAmount: 5_000_00, refundKey: 'a' });
      given(...settled, r1).when(r1).then({ outcome: 'duplicate', refunded: 5_000_00 });
    });

    test('a new refund that reuses a refund_key is illegal', () => {
      const r1 = small.acted('refund', 'partial_refund', undefined, { refundAmount: 5_000_00, refundKey: 'a' });
      given(...settled, r1)
        .when(small.acted('refund', 'partial_refund', undefined, { refundAmount: 6_000_00, refundKey: 'a' }))
        .then({ outcome: 'illegal', refunded: 5_000_00, reason: 'refund_key a' });
    });

    test('a refused new refund request that reuses a refund_key is illegal; the same request refused again is ignored', () => {
      const r1 = small.acted('refund', 'partial_refund', undefined, { refundAmount: 5_000_00, refundKey: 'a' });
      const reuse = small.refused('refund', '406', 'Duplicate refund ID', { amount: 6_000_00, refundKey: 'a' });
      given(...settled, r1).when(reuse).then({ outcome: 'illegal', flags: ['illegal_observation'] });
      const again = small.refused('refund', '406', 'Duplicate refund ID', { amount: 5_000_00, refundKey: 'a' });
      given(...settled, r1).when(again).then({ outcome: 'ignored', flags: ['action_refused'] });
    });

    test('a refused refund larger than the gross amount is illegal; one larger than what remains now is ignored', () => {
      const r1 = small.acted('refund', 'partial_refund', undefined, { refundAmount: 25_000_00, refundKey: 'a' });
      given(...settled, r1).when(small.refused('refund', '414', undefined, { amount: 31_000_00 })).then({ outcome: 'illegal' });
      given(...settled, r1).when(small.refused('refund', '414', undefined, { amount: 6_000_00 })).then({ outcome: 'ignored' });
    });

    test('a refund after a full chargeback is illegal, never applied', () => {
      given(...settled, small.notified('chargeback', 'accept'))
        .when(small.notified('refund', 'accept', { refundAmount: 30_000_00 }))
        .then({ outcome: 'illegal', transaction_status: 'chargeback', refunded: 0, flags: ['illegal_observation'] });
    });

    test('a refund above what remains is illegal', () => {
      const r1 = small.acted('refund', 'partial_refund', undefined, { refundAmount: 25_000_00, refundKey: 'a' });
      given(...settled, r1)
        .when(small.acted('refund', 'partial_refund', undefined, { refundAmount: 6_000_00, refundKey: 'b' }))
        .then({ outcome: 'illegal', refunded: 25_000_00, reason: 'exceeds' });
    });

    test('a refund before settlement answered 412 is illegal (cancel instead)', () => {
      given(small.charged('capture', 'accept')).when(small.refused('refund', '412')).then({ outcome: 'illegal' });
    });

    test('a direct refund declined by the bank (202) keeps settlement', () => {
      given(...settled)
        .when(small.acted('direct_refund', 'settlement', undefined, { statusCode: '202', refundAmount: 0 }))
        .then({ outcome: 'ignored', transaction_status: 'settlement', refunded: 0 });
    });

    test('a refund answered with an undocumented status is illegal', () => {
      given(...settled).when(small.acted('refund', 'cancel', undefined, { refundAmount: 5_000_00, statusCode: '200' })).then({ outcome: 'illegal', reason: 'documented' });
    });
  });
});

describe('time arrives as observations (DOMAIN §8)', () => {
  test('a passed 3DS expiry while still pending is ignored and flags reconciliation', () => {
    given(pay.charged('pending', 'accept', { expiryTime: '2024-05-14 10:25:20' }))
      .when(pay.deadline('3ds_expiry', '2024-05-14 10:25:20'))
      .then({ outcome: 'ignored', flags: ['deadline_passed'], transaction_status: 'pending' });
  });

  test('a passed deadline the state no longer awaits raises nothing', () => {
    given(pay.charged('pending', 'accept'), pay.notified('capture', 'accept'))
      .when(pay.deadline('3ds_expiry', '2024-05-14 10:25:20'))
      .then({ outcome: 'ignored', flags: [] });
  });
});
