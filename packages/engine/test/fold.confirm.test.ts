import fc from 'fast-check';
import { answersFor, decide, notificationStatusCodes, evolve, FRAUD_STATUSES, TRANSACTION_STATUSES, type Decision, type Notification, type Observation, type OrderState, type StatusReport } from '../src/index';
import { fraudOf, txOf } from '../src/internal';
import { arbAttemptHistory, foldAll, type AttemptHistory } from '../src/testing/index';

// Confirm mode (DOMAIN §6a): a signed notification is recorded against the GET status answer
// folded just before it, and never moves the state itself.
const RUNS = { numRuns: Number(process.env['PAYSTATE_LAW_RUNS'] ?? 1000) };

const reportsOf = (h: AttemptHistory): StatusReport[] =>
  h.observations.flatMap((o) =>
    o.kind === 'notification' ? [o.report] : (o.kind === 'status_response' || o.kind === 'charge_response' || o.kind === 'action_response') && 'report' in o.answer ? [o.answer.report] : [],
  );

/** What GET status answers at the end of the history: its last state, refunds cumulative. */
const lastState = (h: AttemptHistory): StatusReport => {
  const s = h.states[h.states.length - 1]!;
  const status = txOf(s.pair) as StatusReport['status'];
  const fraud = fraudOf(s.pair);
  const code = status === 'pending' || fraud === 'challenge' ? '201' : status === 'expire' ? '407' : ['deny', 'cancel', 'failure'].includes(status) ? '202' : '200';
  return {
    transactionId: h.transactionId,
    status,
    ...(fraud !== 'start' ? { fraud: fraud as NonNullable<StatusReport['fraud']> } : {}),
    statusCode: code,
    grossAmount: s.gross,
    ...(status === 'refund' || status === 'partial_refund' ? { refundAmount: s.refunded, refunds: s.refunds } : {}),
    ...(status === 'chargeback' || status === 'partial_chargeback' ? { chargebackAmount: s.chargedBack } : {}),
  };
};

const statusAnswer = (h: AttemptHistory, r: StatusReport): Observation => ({ kind: 'status_response', orderId: h.orderId, targetId: h.orderId, answer: { report: r } });

const confirmed = (h: AttemptHistory, r: StatusReport): Notification => ({ kind: 'notification', orderId: h.orderId, report: r, mode: 'confirm' });

/** Decides and applies one observation. */
const fold = (s: OrderState | undefined, o: Observation): { state: OrderState | undefined; decision: Decision } => {
  const decision = decide(s, o);
  return { state: evolve(s, decision), decision };
};

/** What a captured, validly signed notification can be edited into: status, fraud status and refund amount, with the signed fields (order_id, status_code, gross_amount) kept. */
const arbEdit = fc.record({
  status: fc.constantFrom(...TRANSACTION_STATUSES),
  fraud: fc.option(fc.constantFrom(...FRAUD_STATUSES), { nil: undefined }),
  refund: fc.option(fc.nat(5_000_000_00), { nil: undefined }),
});

/** A history, how much of it paystate already folded (GET status answers its last state), and a report of it to edit. */
const arbCase = arbAttemptHistory().chain((history) => {
  const reports = reportsOf(history);
  const n = history.observations.length;
  return fc.record({
    history: fc.constant(history),
    folded: fc.integer({ min: 2, max: n }),
    claim: fc.nat(reports.length - 1),
    edit: arbEdit,
  });
});

const withoutFlags = (s: OrderState | undefined) => (s === undefined ? undefined : { attempts: s.attempts, requestedAmount: s.requestedAmount });

describe('confirm mode', () => {
  test('for any history and any edit of a signed notification, the state after it is the state after the status answer alone', () => {
    fc.assert(
      fc.property(arbCase, ({ history, folded, claim, edit }) => {
        const reports = reportsOf(history);
        const before = foldAll(history.observations.slice(0, folded));
        const answered = fold(before, statusAnswer(history, lastState(history)));
        const original = reports[claim]!;
        const edited: StatusReport = {
          ...original,
          status: edit.status,
          ...(edit.fraud !== undefined ? { fraud: edit.fraud } : {}),
          ...(edit.refund !== undefined ? { refundAmount: edit.refund } : {}),
        };
        const { state, decision } = fold(answered.state, confirmed(history, edited));
        expect(['duplicate', 'stale', 'rejected']).toContain(decision.outcome);
        expect(withoutFlags(state)).toEqual(withoutFlags(answered.state));
        if (decision.outcome === 'rejected' && decision.code !== 'contradicted_by_status') {
          // Only a signed field can fail a check on its own: a gross_amount from before a partial capture, flagged as always.
          expect(decision).toMatchObject({ code: 'amount_mismatch', flags: ['rejected_input'] });
        } else {
          expect(decision.flags).toEqual([]);
          expect(state?.flags).toEqual(answered.state?.flags);
          expect(answersFor(state)).toEqual(answersFor(answered.state));
        }
      }),
      RUNS,
    );
  });

  test('a genuine notification of a state GET status has confirmed (the same one or an earlier one) is decided as in signature mode: duplicate or stale', () => {
    fc.assert(
      fc.property(arbCase, ({ history, claim }) => {
        const reports = reportsOf(history);
        const answered = fold(foldAll(history.observations), statusAnswer(history, lastState(history)));
        const genuine = reports[claim]!;
        // As Midtrans would notify it (a charge or action answer of that state carries its own status_code).
        const notified = { ...genuine, statusCode: notificationStatusCodes(genuine.status, genuine.fraud ?? null)[0]! };
        const { decision } = fold(answered.state, confirmed(history, notified));
        const signature = decide(answered.state, { kind: 'notification', orderId: history.orderId, report: notified });
        if (signature.outcome === 'illegal') {
          // A payload without fraud_status takes the attempt's: a late pending after deny/deny reads
          // pending/deny, which signature mode already finds illegal. Confirm mode records it without a flag.
          expect(decision).toMatchObject({ outcome: 'rejected', code: 'contradicted_by_status', flags: [] });
        } else if (signature.outcome === 'rejected' && signature.code !== 'amount_mismatch') {
          // A check of unsigned fields (a capture without fraud_status read with the attempt's challenge, so its "200" does not pair).
          expect(decision).toMatchObject({ outcome: 'rejected', code: 'contradicted_by_status', flags: [] });
        } else if (signature.outcome === 'rejected') {
          // A check of a signed field (a pre-capture report's amount after a partial capture) decides first, in either mode.
          expect(decision).toEqual(signature);
        } else {
          expect(['duplicate', 'stale']).toContain(decision.outcome);
          expect(decision).toEqual(signature);
        }
      }),
      RUNS,
    );
  });

  test('a claim beyond the status answer is rejected as contradicted, with no flag, and takes a stream position', () => {
    const h: AttemptHistory = { orderId: 'o-1', transactionId: 't-1', gross: 14_500_000, states: [], observations: [] };
    const capture: StatusReport = { transactionId: 't-1', status: 'capture', fraud: 'accept', statusCode: '200', grossAmount: 14_500_000 };
    const opened = foldAll([
      { kind: 'charge_request', orderId: 'o-1', grossAmount: 14_500_000 },
      { kind: 'charge_response', orderId: 'o-1', answer: { report: { ...capture, status: 'pending', statusCode: '201' } } },
    ]);
    const answered = fold(opened, statusAnswer(h, capture));
    expect(answered.decision.outcome).toBe('applied');
    const { state, decision } = fold(answered.state, confirmed(h, { ...capture, status: 'refund', refundAmount: 14_500_000 }));
    expect(decision).toMatchObject({ outcome: 'rejected', code: 'contradicted_by_status', flags: [] });
    expect(decision.reason).toBe('notification (refund/accept with 145,000.00 refunded) is contradicted by GET status, which reports capture/accept: the order keeps what Midtrans answered');
    expect(state?.attempts).toEqual(answered.state?.attempts);
    expect(state?.version).toBe(answered.state!.version + 1);
    // The same notification in signature mode moves the order: the mode alone makes the difference.
    expect(decide(answered.state, { ...confirmed(h, { ...capture, status: 'refund', refundAmount: 14_500_000 }), mode: 'signature' }).outcome).toBe('applied');
  });

  test('what the signature does not cover is no authenticated claim: an unpaired status_code or refunds above the amount are contradicted, an unknown transaction_id is not flagged', () => {
    const h: AttemptHistory = { orderId: 'o-3', transactionId: 't-3', gross: 10_000, states: [], observations: [] };
    const capture: StatusReport = { transactionId: 't-3', status: 'capture', fraud: 'accept', statusCode: '200', grossAmount: 10_000 };
    const answered = fold(foldAll([{ kind: 'charge_request', orderId: 'o-3', grossAmount: 10_000 }]), statusAnswer(h, capture));
    const unpaired = decide(answered.state, confirmed(h, { ...capture, status: 'deny', fraud: 'deny' }));
    expect(unpaired).toMatchObject({ outcome: 'rejected', code: 'contradicted_by_status', flags: [] });
    const overdrawn = decide(answered.state, confirmed(h, { ...capture, status: 'partial_refund', refundAmount: 20_000 }));
    expect(overdrawn).toMatchObject({ outcome: 'rejected', code: 'contradicted_by_status', flags: [] });
    const elsewhere = decide(answered.state, confirmed(h, { ...capture, transactionId: 't-other' }));
    expect(elsewhere).toMatchObject({ outcome: 'rejected', code: 'unknown_transaction', flags: [] });
    // In signature mode the same inputs are authenticated and inconsistent: flagged.
    expect(decide(answered.state, { ...confirmed(h, { ...capture, status: 'deny', fraud: 'deny' }), mode: 'signature' }).flags).toEqual(['rejected_input']);
    const mismatched = decide(answered.state, confirmed(h, { ...capture, grossAmount: 9_000 }));
    expect(mismatched).toMatchObject({ outcome: 'rejected', code: 'amount_mismatch', flags: ['rejected_input'] });
  });

  test('a notification for an order GET status knows nothing of never opens its attempt', () => {
    const opened = foldAll([{ kind: 'charge_request', orderId: 'o-2', grossAmount: 10_000 }]);
    const ignored = fold(opened, { kind: 'status_response', orderId: 'o-2', targetId: 'o-2', answer: { error: { statusCode: '404', message: "Transaction doesn't exist." } } });
    const { state, decision } = fold(ignored.state, {
      kind: 'notification',
      orderId: 'o-2',
      mode: 'confirm',
      report: { transactionId: 't-2', status: 'settlement', fraud: 'accept', statusCode: '200', grossAmount: 10_000 },
    });
    expect(decision).toMatchObject({ outcome: 'rejected', code: 'contradicted_by_status', flags: [] });
    expect(decision.reason).toContain('which reports no attempt for it');
    expect(state?.attempts).toEqual([]);
  });
});
