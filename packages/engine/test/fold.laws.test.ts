import fc from 'fast-check';
import { FRAUD_EDGES, TRANSACTION_EDGES, createLedger, decide, evolve, replay, START, type AttemptState, type Decision, type Observation, type OrderState } from '../src/index';
import { isTerminalPair, pairOf, type FraudNode, type TxNode } from '../src/internal';
import { arbAttemptHistory, arbHistoryAndDelivery, arbLateRefundAnswers, arbWildObservation, foldAll, type AttemptHistory } from '../src/testing/index';

// 1,000 runs each in CI; PAYSTATE_LAW_RUNS=100000 for a one-off long run (docs/benchmarks.md).
const RUNS = { numRuns: Number(process.env['PAYSTATE_LAW_RUNS'] ?? 1000) };
const arbWild = fc.array(arbWildObservation(), { minLength: 1, maxLength: 30 });

// An oracle built from the cited tables alone (not from the machines or the compiled lookup).
type P = `${string}/${string}`;
const key = (t: TxNode, f: FraudNode): P => `${t}/${f}`;
const tableSteps = (t: TxNode, f: FraudNode): P[] => {
  const out: P[] = [];
  const txTo = TRANSACTION_EDGES.filter((e) => e.from === t && (e.guard === undefined || f === 'challenge')).map((e) => e.to);
  const fraudTo = (leaving: boolean) => FRAUD_EDGES.filter((e) => e.from === f && (e.guard === undefined || leaving)).map((e) => e.to);
  if (t === START) {
    for (const to of txTo) {
      out.push(key(to, START));
      for (const nf of fraudTo(false)) out.push(key(to, nf));
    }
    return out;
  }
  for (const to of txTo) out.push(key(to, f));
  for (const nf of fraudTo(false)) out.push(key(t, nf));
  if (t === 'pending') for (const to of txTo) if (to !== 'pending') for (const nf of fraudTo(true)) out.push(key(to, nf));
  return out;
};
const tableReachable = (from: P, to: P): boolean => {
  const seen = new Set<P>([from]);
  const queue = [from];
  while (queue.length > 0) {
    const [t, f] = queue.shift()!.split('/') as [TxNode, FraudNode];
    for (const q of tableSteps(t, f)) if (!seen.has(q)) (seen.add(q), queue.push(q));
  }
  return seen.has(to);
};
const selfLoop = (t: string) => TRANSACTION_EDGES.some((e) => e.from === t && e.to === t);
const pairKey = (a: AttemptState | undefined): P => (a === undefined ? key(START, START) : key(a.status, a.fraud ?? START));

const foldWithLog = (obs: readonly Observation[]) => {
  const ledger = createLedger();
  return { ledger, log: obs.map((o) => ledger.observe(o)) };
};

/** The amount of the last state the history observed (the captured one after a partial capture). */
const lastSeenGross = (h: AttemptHistory): number => {
  const r = [...h.observations].reverse().find((o) => o.kind !== 'charge_request');
  if (r === undefined) return h.gross;
  const report = r.kind === 'notification' ? r.report : 'answer' in r && 'report' in r.answer ? r.answer.report : undefined;
  if (r.kind === 'action_response' && r.action === 'capture' && r.request.amount !== undefined) return r.request.amount;
  return report?.grossAmount ?? h.gross;
};

describe('laws of the fold', () => {
  test('1. no input sequence, however wild, makes the fold apply an edge outside the table', () => {
    fc.assert(
      fc.property(arbWild, (observations) => {
        const ledger = createLedger();
        for (const o of observations) {
          const orderId = ledger.resolve(o);
          const before = orderId === undefined ? undefined : ledger.order(orderId);
          const { decision } = ledger.observe(o);
          const after = decision.effect?.attempt;
          if (after === undefined) continue;
          expect(decision.outcome).toBe('applied');
          const prev = before?.attempts.find((a) => a.transactionId === after.transactionId);
          const from = pairKey(prev);
          const to = pairKey(after);
          if (from === to) expect(selfLoop(after.status)).toBe(true);
          else expect(tableReachable(from, to)).toBe(true);
          // fraud_status deny comes only with transaction_status deny, whatever a tampered payload carries
          if (after.fraud === 'deny') expect(after.status).toBe('deny');
        }
      }),
      RUNS,
    );
  });

  const converges = ({ history, delivery }: { history: AttemptHistory; delivery: Observation[] }) => {
    const inOrder = foldAll(history.observations);
    const noisy = foldAll(delivery);
    const a = inOrder?.attempts[0];
    const b = noisy?.attempts[0];
    expect(b?.status).toBe(a?.status);
    expect(b?.fraud).toBe(a?.fraud);
    expect(b?.refunded).toBe(a?.refunded);
    expect(b?.chargedBack).toBe(a?.chargedBack);
    expect(b?.grossAmount).toBe(a?.grossAmount);
    // and the in-order fold reaches the history's last observed state, with its amount
    const last = history.states[history.states.length - 1];
    if (last !== undefined && history.observations.length > 1) expect(a?.grossAmount).toBe(lastSeenGross(history));
  };

  test('2. convergence: any delivery order, with duplicates, of a legal history folds to the in-order state', () => {
    fc.assert(fc.property(arbHistoryAndDelivery(), converges), RUNS);
  });

  test('2c. convergence with partial captures, notifications of them delivered before the capture answer', () => {
    fc.assert(fc.property(arbHistoryAndDelivery({ partialCapture: true }), converges), RUNS);
  });

  test('2d. convergence with retried charge requests and signed reports carrying fraud_status deny outside deny', () => {
    fc.assert(
      fc.property(arbHistoryAndDelivery({ noise: true }), (x) => {
        converges(x);
        // the noise itself is never applied
        const { log } = foldWithLog(x.delivery);
        for (const e of log)
          if (e.observation.kind === 'notification' && e.observation.report.fraud === 'deny' && e.observation.report.status !== 'deny')
            expect(['illegal', 'rejected']).toContain(e.decision.outcome);
      }),
      RUNS,
    );
  });

  test('2b. a legal history in order is never stale, illegal or rejected', () => {
    fc.assert(
      fc.property(fc.oneof(arbHistoryAndDelivery(), arbHistoryAndDelivery({ partialCapture: true })), ({ history }) => {
        const { log } = foldWithLog(history.observations);
        for (const e of log) expect(['applied', 'duplicate', 'ignored']).toContain(e.decision.outcome);
      }),
      RUNS,
    );
  });

  test('3. a duplicate never changes state, a redelivery is never applied, and terminal states absorb', () => {
    fc.assert(
      fc.property(arbWild, fc.nat(), (observations, pick) => {
        let s: OrderState | undefined;
        const states = new Map<string, OrderState | undefined>();
        for (const o of observations) {
          const id = o.orderId!;
          s = states.get(id);
          const d = decide(s, o);
          const next = evolve(s, d);
          if (d.outcome === 'duplicate') expect(next?.attempts).toEqual(s?.attempts);
          if (d.outcome !== 'applied') expect(next?.attempts ?? []).toEqual(s?.attempts ?? []);
          // terminal attempts never change
          for (const a of s?.attempts ?? [])
            if (isTerminalPair(pairOf(a.status, a.fraud))) expect(next?.attempts.find((x) => x.transactionId === a.transactionId)).toEqual(a);
          // the same observation again right away is never applied
          const again = decide(next, o);
          if (again.outcome === 'applied') expect(o.kind).toBe('charge_request');
          states.set(id, next);
        }
        void pick;
      }),
      RUNS,
    );
  });

  test('4. cumulative refunds and chargebacks never exceed the gross amount', () => {
    const ok = (o: OrderState | undefined) =>
      (o?.attempts ?? []).every((a) => a.refunded >= 0 && a.chargedBack >= 0 && a.refunded + a.chargedBack <= a.grossAmount);
    fc.assert(
      fc.property(arbWild, (observations) => {
        const { ledger } = foldWithLog(observations);
        for (const o of ledger.orders().values()) expect(ok(o)).toBe(true);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(arbHistoryAndDelivery(), ({ delivery }) => {
        const { ledger } = foldWithLog(delivery);
        for (const o of ledger.orders().values()) expect(ok(o)).toBe(true);
      }),
      RUNS,
    );
  });

  test('4b. refunds answered after the history never take money above the amount; after a full refund they are illegal', () => {
    fc.assert(
      fc.property(
        fc.oneof(arbAttemptHistory(), arbAttemptHistory({ partialCapture: true })).chain((h) => arbLateRefundAnswers(h).map((late) => ({ h, late }))),
        ({ h, late }) => {
          const { ledger, log } = foldWithLog([...h.observations, ...late]);
          for (const o of ledger.orders().values())
            for (const a of o.attempts) expect(a.refunded + a.chargedBack).toBeLessThanOrEqual(a.grossAmount);
          const before = foldAll(h.observations)?.attempts[0];
          const first = log[h.observations.length]!.decision;
          // refunds known by key that make up the whole amount leave room for no other refund
          if (before !== undefined && Object.values(before.refunds).reduce((s, x) => s + x, 0) + before.chargedBack >= before.grossAmount)
            expect(first.outcome).toBe('illegal');
        },
      ),
      RUNS,
    );
  });

  test('5. replaying the recorded outcome stream rebuilds exactly the state the step-by-step fold reached', () => {
    fc.assert(
      fc.property(fc.oneof(arbWild, arbHistoryAndDelivery().map((x) => x.delivery)), (observations) => {
        const byOrder = new Map<string, Decision[]>();
        const { ledger, log } = foldWithLog(observations);
        for (const e of log) {
          const id = e.decision.orderId;
          if (id !== undefined) byOrder.set(id, [...(byOrder.get(id) ?? []), e.decision]);
        }
        for (const [id, state] of ledger.orders()) expect(replay(byOrder.get(id) ?? [])).toEqual(state);
        // and decisions survive a JSON round trip (what a store keeps)
        for (const [id, state] of ledger.orders())
          expect(replay(JSON.parse(JSON.stringify(byOrder.get(id) ?? [])) as Decision[])).toEqual(state);
      }),
      RUNS,
    );
  });

  test('every observation gets exactly one of the six outcomes and a reason', () => {
    fc.assert(
      fc.property(arbWild, (observations) => {
        for (const e of foldWithLog(observations).log) {
          expect(['applied', 'duplicate', 'ignored', 'stale', 'illegal', 'rejected']).toContain(e.decision.outcome);
          expect(e.decision.reason.length).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });
});
