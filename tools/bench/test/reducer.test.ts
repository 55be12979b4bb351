/**
 * The hand-written switch reducer (bench/reducer/) against the engine: the same pair graph, the
 * same outcome for every observation of a seeded workload and the same final states; and a few
 * examples of the reducer on its own.
 */
import { compiledPath, FRAUD_NODES, pairOf, TX_NODES } from '@paystate/engine/internal';
import { createLedger, type Observation, type OrderState } from '@paystate/engine';
import fc from 'fast-check';
import { arbHistoryAndDelivery, paymentFixture } from '@paystate/engine/testing';
import { foldWorkload } from '../src/workload';
import {
  createReducerLedger,
  LATE_MONEY,
  PROVEN_BY_ANSWER,
  reduce,
  reducerPair,
  reducerRoute,
  type Reduced,
  type ReducerState,
} from '../src/reducer';

/** Folds observations through the reducer alone; the last result. */
const fold = (...observations: readonly Observation[]): Reduced => {
  let state: ReducerState | undefined;
  let last: Reduced | undefined;
  for (const o of observations) {
    last = reduce(state, o);
    state = last.state;
  }
  return last!;
};

const latest = (s: ReducerState | undefined) => s?.attempts[s.attempts.length - 1];

describe('the reducer on its own', () => {
  const pay = paymentFixture({ gross: 145_000_00 });

  test('the same notification twice is a duplicate', () => {
    const r = fold(pay.requested(), pay.charged('capture', 'accept'), pay.notified('settlement', 'accept'), pay.notified('settlement', 'accept'));
    expect(r.outcome).toBe('duplicate');
    expect(latest(r.state)?.status).toBe('settlement');
  });

  test('a late capture after settlement is stale', () => {
    const r = fold(pay.requested(), pay.charged('pending', 'accept'), pay.notified('settlement', 'accept'), pay.notified('capture', 'accept'));
    expect(r.outcome).toBe('stale');
    expect(latest(r.state)).toMatchObject({ status: 'settlement', fraud: 'accept' });
  });

  test('settlement → pending is illegal when the attempt began at capture, and flags the order', () => {
    const r = fold(pay.requested(), pay.charged('capture', 'accept'), pay.notified('settlement', 'accept'), pay.notified('pending', 'accept'));
    expect(r.outcome).toBe('illegal');
    expect(latest(r.state)?.status).toBe('settlement');
    expect(r.state?.flags.map((f) => f.flag)).toEqual(['illegal_observation']);
  });

  test('pending → settlement is applied with capture inferred', () => {
    const r = fold(pay.requested(), pay.charged('pending', 'accept'), pay.notified('settlement', 'accept'));
    expect(r.outcome).toBe('applied');
    expect(r.reason).toContain('capture/accept (inferred)');
  });

  test('a refund key may not name a second refund; the same refund answered again is a duplicate', () => {
    const past = [
      pay.requested(),
      pay.charged('capture', 'accept'),
      pay.notified('settlement', 'accept'),
      pay.acted('refund', 'partial_refund', 'accept', { refundAmount: 10_000_00, refundKey: 'k1', requestAmount: 10_000_00, requestKey: 'k1' }),
    ];
    const applied = fold(...past);
    expect(applied.outcome).toBe('applied');
    expect(latest(applied.state)?.refunded).toBe(10_000_00);
    const reused = fold(...past, pay.acted('refund', 'partial_refund', 'accept', { refundAmount: 5_000_00, refundKey: 'k1', requestAmount: 5_000_00, requestKey: 'k1' }));
    expect(reused).toMatchObject({ outcome: 'illegal', code: 'refund_key_reused' });
    expect(latest(reused.state)?.refunded).toBe(10_000_00);
    const again = fold(...past, past[3]!);
    expect(again.outcome).toBe('duplicate');
  });

  test('capture on an attempt the bank denied is illegal', () => {
    expect(fold(pay.requested(), pay.charged('deny', 'deny'), pay.notified('capture', 'accept')).outcome).toBe('illegal');
  });

  test('a late approve answer after settlement is stale, even when the challenge itself was never observed', () => {
    // DOMAIN §4: "a late approve answer after settlement" is stale. The engine calls this one
    // illegal (its recorded path capture → settlement never allowed approve); see knownDisagreement.
    const r = fold(pay.requested(), pay.charged('capture'), pay.notified('settlement', 'accept'), pay.acted('approve', 'capture', 'accept'));
    expect(r).toMatchObject({ outcome: 'stale', code: PROVEN_BY_ANSWER });
    // but approve on an attempt whose verdict was accept at capture is never allowed
    expect(fold(pay.requested(), pay.charged('capture', 'accept'), pay.notified('settlement', 'accept'), pay.acted('approve', 'capture', 'accept')).outcome).toBe('illegal');
  });
});

describe('the reducer converges (DOMAIN §4)', () => {
  // A legal history (settlement/challenge → partial_refund/challenge with refund r1 → approved,
  // partial_refund/accept with refund r2) whose first refund is reported after the second.
  const small = paymentFixture({ gross: 30_000_00 });
  const settled = [small.requested(), small.charged('capture', 'challenge'), small.notified('settlement', 'challenge')];
  const r1Notified = small.notified('partial_refund', 'challenge', { refundAmount: 10_000_00, refunds: [{ key: 'r1', amount: 10_000_00 }] });
  const r1Answered = small.acted('refund', 'partial_refund', 'challenge', { refundAmount: 10_000_00, refundKey: 'r1', requestAmount: 10_000_00, requestKey: 'r1' });
  const r2Answered = small.acted('refund', 'partial_refund', 'accept', { refundAmount: 5_000_00, refundKey: 'r2', requestAmount: 5_000_00, requestKey: 'r2' });

  test.each([
    ['notification', r1Notified],
    ['refund answer', r1Answered],
  ])('a refund reported (%s) after a later one that changed the verdict still counts', (_, r1) => {
    const inOrder = fold(...settled, r1, r2Answered);
    const late = fold(...settled, r2Answered, r1);
    expect(latest(inOrder.state)).toMatchObject({ status: 'partial_refund', fraud: 'accept', refunded: 15_000_00 });
    expect(late).toMatchObject({ outcome: 'applied', code: LATE_MONEY });
    expect(latest(late.state)).toMatchObject({ status: 'partial_refund', fraud: 'accept', refunded: 15_000_00 });
    // seen once more, it is history: stale, and nothing changes
    const again = fold(...settled, r2Answered, r1, r1);
    expect(again.outcome).toBe('stale');
    expect(latest(again.state)?.refunded).toBe(15_000_00);
  });

  test('any delivery order, with duplicates, of a legal history folds to the in-order state', () => {
    const view = (observations: readonly Observation[]) => {
      const a = latest(fold(...observations).state);
      return [a?.status, a?.fraud, a?.refunded, a?.chargedBack, a?.grossAmount];
    };
    fc.assert(
      fc.property(arbHistoryAndDelivery(), ({ history, delivery }) => {
        expect(view(delivery)).toEqual(view(history.observations));
      }),
      { numRuns: 3_000, seed: 4242 },
    );
  });
});

describe('the reducer’s pair graph', () => {
  test('reaches exactly what the engine’s compiled table reaches, by paths of the same length', () => {
    const differences: string[] = [];
    for (const ft of TX_NODES)
      for (const ff of FRAUD_NODES)
        for (const tt of TX_NODES)
          for (const tf of FRAUD_NODES) {
            const engine = compiledPath(pairOf(ft, ff), pairOf(tt, tf));
            const mine = reducerRoute(reducerPair(ft, ff === 'start' ? null : ff), reducerPair(tt, tf === 'start' ? null : tf));
            if ((engine === undefined) !== (mine === null) || (engine !== undefined && mine !== null && engine.length !== mine.steps.length))
              differences.push(`${ft}/${ff} → ${tt}/${tf}: engine ${engine?.length ?? 'none'}, reducer ${mine?.steps.length ?? 'none'}`);
          }
    expect(differences).toEqual([]);
  });
});

const show = (o: Observation): string => JSON.stringify(o);

const viewOf = (o: OrderState | ReducerState) => {
  const a = o.attempts[o.attempts.length - 1];
  return {
    attempts: o.attempts.length,
    version: o.version,
    requestedAmount: o.requestedAmount,
    reconciledAt: o.reconciledAt,
    status: a?.status,
    fraud: a?.fraud,
    authorized: a?.authorizedAmount,
    gross: a?.grossAmount,
    refunded: a?.refunded,
    chargedBack: a?.chargedBack,
    refunds: a === undefined ? undefined : Object.entries(a.refunds).sort(),
  };
};

describe('differential: the reducer and the engine fold the same workload alike', () => {
  test.each([
    [20261122, false],
    [7, false],
    [424242, false],
    [20261122, true],
    [99, true],
  ])('seed %i (edge rulings %s): every outcome and every final state', (seed, rulings) => {
    const { observations } = foldWorkload(30_000, seed, { rulings });
    const engine = createLedger();
    const reducer = createReducerLedger();
    for (let i = 0; i < observations.length; i++) {
      const o = observations[i]!;
      const e = engine.observe(o);
      const r = reducer.observe(o);
      if (e.decision.outcome === r.outcome) continue;
      const history = observations.slice(0, i).filter((p) => p.orderId !== undefined && p.orderId === o.orderId);
      throw new Error(
        [
          `observation #${i} differs: ${show(o)}`,
          `engine:  ${e.decision.outcome} (${e.decision.code}) ${e.decision.reason}`,
          `reducer: ${r.outcome} (${r.code}) ${r.reason}`,
          `the order's earlier observations:`,
          ...history.map(show),
        ].join('\n'),
      );
    }
    const mine = reducer.orders();
    expect([...mine.keys()].sort()).toEqual([...engine.orders().keys()].sort());
    const mismatches: string[] = [];
    for (const [id, eo] of engine.orders()) {
      const ro = mine.get(id)!;
      const ev = JSON.stringify(viewOf(eo));
      const rv = JSON.stringify(viewOf(ro));
      if (ev !== rv) mismatches.push(`${id}: engine ${ev}, reducer ${rv}`);
      const eFlags = eo.flags.map((f) => `${f.flag}@${f.at}`);
      const rFlags = ro.flags.map((f) => `${f.flag}@${f.at}`);
      if (eFlags.join() !== rFlags.join()) mismatches.push(`${id} flags: engine ${eFlags.join()}, reducer ${rFlags.join()}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});
