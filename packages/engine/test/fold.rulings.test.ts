/**
 * The edge rulings of docs/rules.md ("Edge rulings"): one sentence per ruling, each stating what
 * the rule book decides (never what the engine happened to do).
 */
import { foldAll, given, paymentFixture } from '../src/testing/index';
import { latestAttempt } from '../src/state';
import type { Observation } from '../src/observation';

const big = paymentFixture({ orderId: 'order-9', transactionId: 'tx-9', gross: 250_000_00 });
const pay = paymentFixture({ orderId: 'order-1', transactionId: 'tx-1', gross: 200_000_00 });
const PART = 100_000_00;

const permutations = <T>(xs: readonly T[]): T[][] =>
  xs.length <= 1 ? [xs.slice()] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));

describe('a partial capture learned from a signed notification', () => {
  test('authorize 250,000 then settlement of 100,000: applied, the amount becomes 100,000', () => {
    given(big.charged('authorize', 'accept'))
      .when(big.notified('settlement', 'accept', { grossAmount: PART }))
      .then({ outcome: 'applied', transaction_status: 'settlement', grossAmount: PART, inferred: ['capture'] });
  });

  test('the capture answer arriving afterwards is history', () => {
    given(big.charged('authorize', 'accept'), big.notified('settlement', 'accept', { grossAmount: PART }))
      .when(big.acted('capture', 'capture', 'accept', { grossAmount: PART, requestAmount: PART }))
      .then({ outcome: 'stale', transaction_status: 'settlement', grossAmount: PART });
  });

  test('a larger amount is still an amount mismatch', () => {
    given(big.charged('authorize', 'accept'))
      .when(big.notified('settlement', 'accept', { grossAmount: 300_000_00 }))
      .then({ outcome: 'rejected', transaction_status: 'authorize' });
  });

  test('every delivery order of capture answer, capture and settlement notifications ends settled at 100,000', () => {
    const rest: Observation[] = [
      big.acted('capture', 'capture', 'accept', { grossAmount: PART, requestAmount: PART }),
      big.notified('capture', 'accept', { grossAmount: PART }),
      big.notified('settlement', 'accept', { grossAmount: PART }),
    ];
    for (const order of permutations(rest)) {
      const a = latestAttempt(foldAll([big.charged('authorize', 'accept'), ...order]));
      expect({ status: a?.status, gross: a?.grossAmount }).toEqual({ status: 'settlement', gross: PART });
    }
  });
});

describe('refund answers that cannot fit are illegal', () => {
  const refunded = [pay.charged('capture', 'accept'), pay.notified('settlement', 'accept'), pay.acted('refund', 'refund', 'accept', { refundAmount: 200_000_00, requestAmount: 200_000_00, requestKey: 'k1' })];
  test.each([146_000_00, 1_000_00])('after a full refund, a new refund of %i answered 200', (amount) => {
    given(...refunded)
      .when(pay.acted('refund', 'partial_refund', 'accept', { refundAmount: amount, requestAmount: amount, requestKey: 'k2' }))
      .then({ outcome: 'illegal', transaction_status: 'refund', refunded: 200_000_00 });
  });
});

describe('amounts after a partial capture', () => {
  test('a late pending is checked against the captured amount, and is then illegal', () => {
    given(big.charged('authorize', 'accept'), big.acted('capture', 'capture', 'accept', { grossAmount: PART, requestAmount: PART }))
      .when(big.notified('pending', 'accept', { grossAmount: PART }))
      .then({ outcome: 'illegal', transaction_status: 'capture' });
  });
  test('a late pending of the authorized amount is an amount mismatch', () => {
    given(big.charged('authorize', 'accept'), big.acted('capture', 'capture', 'accept', { grossAmount: PART, requestAmount: PART }))
      .when(big.notified('pending', 'accept'))
      .then({ outcome: 'rejected', transaction_status: 'capture' });
  });
});

describe('repeated charge requests', () => {
  test('the same body again after the charge answer is a duplicate', () => {
    given(pay.requested(), pay.charged('capture', 'accept')).when(pay.requested()).then({ outcome: 'duplicate', transaction_status: 'capture' });
  });
  test('a different body while the attempt is live is illegal', () => {
    given(pay.requested(), pay.charged('capture', 'accept')).when(pay.requested(1_000_00)).then({ outcome: 'illegal' });
  });
  test('after a retryable ending a new request sets the next amount', () => {
    given(pay.requested(), pay.charged('deny', 'deny')).when(pay.requested(1_000_00)).then({ outcome: 'applied' });
  });
});

describe('fraud_status deny only with transaction_status deny', () => {
  test.each([
    ['pending', 'authorize'],
    ['pending', 'capture'],
    ['authorize', 'capture'],
    ['capture', 'settlement'],
  ] as const)('at %s, a notification of %s/deny is illegal', (from, to) => {
    given(pay.charged(from, 'accept')).when(pay.notified(to, 'deny')).then({ outcome: 'illegal', transaction_status: from });
  });
  test('a charge answered capture/deny opens nothing', () => {
    given(pay.requested()).when(pay.charged('capture', 'deny')).then({ outcome: 'illegal', attempts: 0 });
  });
  test('deny/deny stays legal', () => {
    given(pay.charged('pending', 'accept')).when(pay.notified('deny', 'deny')).then({ outcome: 'applied', transaction_status: 'deny' });
  });
});

describe('input nobody authenticated never touches an order', () => {
  test('a notification with a wrong signature or that fails decoding is rejected without a flag', () => {
    given(pay.charged('capture', 'accept')).when(pay.invalid('signature_key: does not match')).then({ outcome: 'rejected', transaction_status: 'capture', flags: [] });
  });
  test('an answer of the order system that fails decoding still flags the order', () => {
    given(pay.charged('capture', 'accept'))
      .when({ kind: 'invalid', received: 'status_response', orderId: pay.orderId, reason: 'transaction_status: unknown' })
      .then({ outcome: 'rejected', flags: ['rejected_input'] });
  });
  test('a signed notification with another amount still flags the order', () => {
    given(pay.charged('capture', 'accept')).when(pay.notified('settlement', 'accept', { grossAmount: 1_00 })).then({ outcome: 'rejected', flags: ['rejected_input'] });
  });
});

describe('an answer proves its precondition', () => {
  test('pending, then a capture answered 200: authorize is inferred', () => {
    given(pay.charged('pending', 'accept')).when(pay.acted('capture', 'capture', 'accept')).then({ outcome: 'applied', transaction_status: 'capture', inferred: ['authorize'] });
  });
  test('a later capture declined with 202 is ignored', () => {
    given(pay.charged('pending', 'accept'), pay.acted('capture', 'capture', 'accept'))
      .when(pay.acted('capture', 'deny', 'accept', { statusCode: '202' }))
      .then({ outcome: 'ignored', transaction_status: 'capture' });
  });
  test('a refund answered before the settlement notification infers settlement', () => {
    given(pay.charged('capture', 'accept'))
      .when(pay.acted('refund', 'partial_refund', 'accept', { refundAmount: 1_000_00, requestAmount: 1_000_00, requestKey: 'k1' }))
      .then({ outcome: 'applied', transaction_status: 'partial_refund', inferred: ['settlement'] });
  });
  test('a late approve answer whose challenge can be inferred is history, not illegal', () => {
    given(pay.charged('pending', 'accept'), pay.notified('capture', 'accept'))
      .when(pay.acted('approve', 'capture', 'accept'))
      .then({ outcome: 'duplicate', transaction_status: 'capture' });
  });
});

describe('refund means fully refunded; partial refunds that reach the amount are a refund', () => {
  const settled = [pay.charged('capture', 'accept'), pay.notified('settlement', 'accept')];
  test('a refund answer of part of the amount reporting refund refunds everything', () => {
    given(...settled)
      .when(pay.acted('refund', 'refund', 'accept', { refundAmount: 1_000_00, requestAmount: 1_000_00, requestKey: 'k1' }))
      .then({ outcome: 'applied', transaction_status: 'refund', refunded: 200_000_00 });
  });
  test('refunds by key that add up to the amount end at refund', () => {
    given(
      ...settled,
      pay.acted('refund', 'partial_refund', 'accept', { refundAmount: 150_000_00, requestAmount: 150_000_00, requestKey: 'k1' }),
    )
      .when(
        pay.notified('partial_refund', 'accept', {
          refundAmount: 150_000_00,
          refunds: [
            { key: 'k1', amount: 150_000_00 },
            { key: 'k2', amount: 50_000_00 },
          ],
        }),
      )
      .then({ outcome: 'applied', transaction_status: 'refund', refunded: 200_000_00 });
  });
  test('a late pending after a full refund is stale', () => {
    given(pay.charged('pending', 'accept'), pay.notified('settlement', 'accept'), pay.acted('refund', 'refund', 'accept', { refundAmount: 200_000_00, requestAmount: 200_000_00, requestKey: 'k1' }))
      .when(pay.notified('pending', 'accept'))
      .then({ outcome: 'stale', transaction_status: 'refund' });
  });
});

describe('input checks come first', () => {
  test('an approve answer with another amount, on an attempt never challenged, is rejected', () => {
    given(pay.charged('capture', 'accept'))
      .when(pay.acted('approve', 'capture', 'accept', { grossAmount: 999_999_00 }))
      .then({ outcome: 'rejected', transaction_status: 'capture' });
  });
  test('a cancel answer with a larger gross amount is rejected', () => {
    given(pay.charged('pending', 'accept'))
      .when(pay.acted('cancel', 'cancel', 'accept', { grossAmount: 999_999_00 }))
      .then({ outcome: 'rejected', transaction_status: 'pending' });
  });
});

describe('callbacks stay inert', () => {
  test('a callback naming a known order is ignored whatever transaction it names', () => {
    given(pay.charged('capture', 'accept'))
      .when({ kind: 'callback_3ds', orderId: pay.orderId, transactionId: 'other', status: 'deny' })
      .then({ outcome: 'ignored', transaction_status: 'capture' });
  });
  test('a callback naming no known order is rejected without a flag', () => {
    given().when({ kind: 'callback_3ds', orderId: 'nobody', transactionId: 'x', status: 'capture' }).then({ outcome: 'rejected', flags: [] });
  });
});
