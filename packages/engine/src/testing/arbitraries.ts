/**
 * fast-check arbitraries: legal payment histories of one attempt (walks on the machines' pair
 * graph, with money), noisy deliveries of them, and wild observations for robustness laws.
 */
import fc from 'fast-check';
import type { ActionName } from '../actions';
import { fraudOf, hasSelfLoop, PAIR_STEPS, START_PAIR, txOf, type Pair } from '../compiled';
import type { Money } from '../money';
import type { Observation, RefundEntry, StatusReport } from '../observation';
import {
  FRAUD_STATUSES,
  notificationStatusCodes,
  START,
  TRANSACTION_STATUSES,
  type FraudStatus,
  type TransactionStatus,
} from '../status';
import { ACTION_NAMES } from '../actions';

/** One state of a legal history: the pair and the money that goes with it. */
export interface HistoryState {
  readonly pair: Pair;
  /** The attempt's amount in this state: the authorized one, or less after a partial capture. */
  readonly gross: Money;
  readonly refunded: Money;
  readonly chargedBack: Money;
  readonly refunds: readonly RefundEntry[];
}

export interface AttemptHistory {
  readonly orderId: string;
  readonly transactionId: string;
  readonly gross: Money;
  /** The walk, start excluded. */
  readonly states: readonly HistoryState[];
  /** The charge request, then what Midtrans said, in the order it happened; the second opens the attempt. */
  readonly observations: readonly Observation[];
}

const UNIT = 100; // whole rupiah in minor units

/** The successors of a history state, money included. */
const successors = (s: HistoryState, pick: number): HistoryState[] => {
  const out: HistoryState[] = [];
  const remaining = s.gross - s.refunded - s.chargedBack;
  const partialOf = (rem: Money) => UNIT * (1 + (pick % Math.max(1, Math.floor(rem / UNIT) - 1)));
  const refundStep = (pair: Pair, full: boolean): HistoryState | undefined => {
    const amount = full ? remaining : partialOf(remaining);
    if (!full && amount >= remaining) return undefined;
    return { pair, gross: s.gross, refunded: s.refunded + amount, chargedBack: s.chargedBack, refunds: [...s.refunds, { key: `r${s.refunds.length + 1}`, amount }] };
  };
  const chargebackStep = (pair: Pair, full: boolean): HistoryState | undefined => {
    const amount = full ? remaining : partialOf(remaining);
    if (!full && amount >= remaining) return undefined;
    return { ...s, pair, chargedBack: s.chargedBack + amount };
  };
  const next = [...PAIR_STEPS[s.pair]!, ...(hasSelfLoop(txOf(s.pair)) ? [s.pair] : [])];
  for (const q of next) {
    const tx = txOf(q);
    // fraud_status deny comes only with transaction_status deny
    if (fraudOf(q) === 'deny' && tx !== 'deny') continue;
    // a capture from authorize may take less than the authorized amount (every other pick)
    if (tx === 'capture' && txOf(s.pair) === 'authorize' && pick % 2 === 1 && s.gross > UNIT) {
      out.push({ ...s, pair: q, gross: UNIT * (1 + (pick % Math.floor(s.gross / UNIT - 1))) });
      continue;
    }
    const step =
      tx === 'partial_refund'
        ? refundStep(q, false)
        : tx === 'refund'
          ? refundStep(q, true)
          : tx === 'partial_chargeback'
            ? chargebackStep(q, false)
            : tx === 'chargeback'
              ? chargebackStep(q, true)
              : { ...s, pair: q };
    if (step !== undefined) out.push(step);
  }
  return out;
};

const fraudAt = (p: Pair): FraudStatus | undefined => {
  const f = fraudOf(p);
  return f === START ? undefined : f;
};

/** The action whose success answer reports `to` after `from`, if one does. */
const actionFor = (from: HistoryState, to: HistoryState): ActionName | undefined => {
  const a = txOf(from.pair);
  const b = txOf(to.pair);
  if (a === 'capture' && b === 'capture' && fraudOf(from.pair) === 'challenge' && fraudOf(to.pair) === 'accept') return 'approve';
  if (a === 'capture' && b === 'deny' && fraudOf(from.pair) === 'challenge' && fraudOf(to.pair) === 'deny') return 'deny';
  if ((a === 'pending' || a === 'authorize' || a === 'capture') && b === 'cancel') return 'cancel';
  if (a === 'pending' && b === 'expire') return 'expire';
  if (a === 'authorize' && b === 'capture') return 'capture';
  if ((a === 'settlement' || a === 'partial_refund') && (b === 'partial_refund' || b === 'refund') && to.refunds.length > from.refunds.length)
    return 'refund';
  return undefined;
};

const report = (h: { transactionId: string }, s: HistoryState, statusCode?: string): StatusReport => {
  const status = txOf(s.pair) as TransactionStatus;
  const fraud = fraudAt(s.pair);
  const refundish = status === 'refund' || status === 'partial_refund';
  const chargebackish = status === 'chargeback' || status === 'partial_chargeback';
  return {
    transactionId: h.transactionId,
    status,
    ...(fraud !== undefined ? { fraud } : {}),
    statusCode: statusCode ?? notificationStatusCodes(status, fraud ?? null)[0]!,
    grossAmount: s.gross,
    transactionTime: '2024-05-14 10:15:20',
    ...(refundish ? { refundAmount: s.refunded, refunds: s.refunds } : {}),
    ...(chargebackish ? { chargebackAmount: s.chargedBack } : {}),
  };
};

/** Turns a walk into the observations Midtrans would produce for the observed states. */
const observe = (
  h: { orderId: string; transactionId: string; gross: Money },
  states: readonly HistoryState[],
  seen: readonly boolean[],
  kinds: readonly number[],
): Observation[] => {
  const out: Observation[] = [{ kind: 'charge_request', orderId: h.orderId, grossAmount: h.gross }];
  states.forEach((s, i) => {
    if (i > 0 && seen[i] !== true) return;
    const k = kinds[i] ?? 0;
    if (i === 0) {
      const status = txOf(s.pair) as TransactionStatus;
      const fraud = fraudAt(s.pair);
      const code = status === 'pending' || fraud === 'challenge' ? '201' : status === 'deny' ? '202' : '200';
      out.push(
        k % 2 === 0
          ? { kind: 'charge_response', orderId: h.orderId, answer: { report: report(h, s, code) } }
          : { kind: 'notification', orderId: h.orderId, report: report(h, s) },
      );
      return;
    }
    const prev = states[i - 1]!;
    const action = actionFor(prev, s);
    if (action !== undefined && k % 3 === 0) {
      const last = s.refunds[s.refunds.length - 1];
      const { refunds: _list, ...single } = report(h, s, action === 'expire' ? '407' : '200');
      // A refund answer states that one refund, not the cumulative list.
      const answer: StatusReport =
        action === 'refund' && last !== undefined ? { ...single, refundAmount: last.amount, refundKey: last.key! } : report(h, s, action === 'expire' ? '407' : '200');
      out.push({
        kind: 'action_response',
        action,
        orderId: h.orderId,
        targetId: action === 'capture' ? h.transactionId : h.orderId,
        request:
          action === 'refund' && last !== undefined
            ? { amount: last.amount, refundKey: last.key! }
            : action === 'capture' && s.gross !== prev.gross
              ? { amount: s.gross }
              : {},
        answer: { report: answer },
      });
      return;
    }
    out.push(
      k % 3 === 1
        ? { kind: 'status_response', orderId: h.orderId, targetId: h.orderId, answer: { report: report(h, s, txOf(s.pair) === 'expire' ? '407' : undefined) } }
        : { kind: 'notification', orderId: h.orderId, report: report(h, s) },
    );
  });
  return out;
};

export interface HistoryOptions {
  readonly maxSteps?: number;
  /** Every history authorizes, then captures less than the authorized amount. */
  readonly partialCapture?: boolean;
}

/** A legal history of one attempt: a walk on the pair graph from the start, and what was observed of it. */
export const arbAttemptHistory = (options: HistoryOptions = {}): fc.Arbitrary<AttemptHistory> =>
  fc
    .record({
      gross: fc.integer({ min: 10, max: 5_000_000 }).map((u) => u * UNIT),
      choices: fc.array(fc.nat(), { minLength: 1, maxLength: options.maxSteps ?? 10 }),
      seen: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
      kinds: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
      n: fc.nat(9999),
    })
    .map(({ gross, choices, seen, kinds, n }) => {
      const states: HistoryState[] = [];
      let s: HistoryState = { pair: START_PAIR, gross, refunded: 0, chargedBack: 0, refunds: [] };
      if (options.partialCapture === true) {
        // authorize, then a capture of less than the authorized amount
        const authorize = successors(s, 0).find((q) => txOf(q.pair) === 'authorize' && fraudOf(q.pair) === 'accept')!;
        const capture = successors(authorize, 2 * n + 1).find((q) => txOf(q.pair) === 'capture' && q.gross < gross)!;
        states.push(authorize, capture);
        s = capture;
      }
      for (const c of choices) {
        const next = successors(s, c >>> 3);
        if (next.length === 0) break;
        s = next[c % next.length]!;
        states.push(s);
      }
      const h = { orderId: `order-${n}`, transactionId: `tx-${n}`, gross };
      return { ...h, states, observations: observe(h, states, seen, kinds) };
    });

/** The first `fixed` items (the opening) in place, then the rest in any order, some delivered more than once. */
export const arbNoisyDelivery = <A>(items: readonly A[], fixed = 1): fc.Arbitrary<A[]> => {
  if (items.length <= fixed) return fc.constant([...items]);
  const head = items.slice(0, fixed);
  const rest = items.slice(fixed);
  return fc
    .record({
      dups: fc.array(fc.nat(rest.length - 1), { maxLength: rest.length }),
      keys: fc.array(fc.double({ noNaN: true }), { minLength: rest.length * 2, maxLength: rest.length * 2 }),
    })
    .map(({ dups, keys }) => {
      const all = [...rest.map((_, i) => i), ...dups];
      const order = all.map((i, j) => ({ i, k: keys[j % keys.length]! + j * 1e-9 })).sort((a, b) => a.k - b.k);
      return [...head, ...order.map(({ i }) => rest[i]!)];
    });
};

/**
 * What may be mixed into a history without moving it: the charge request sent again (a retried
 * request), and validly signed reports of the history whose fraud_status was changed to deny
 * while their status is not deny (what a tampered payload could carry).
 */
export const harmlessNoise = (h: AttemptHistory): Observation[] => {
  const out: Observation[] = [h.observations[0]!];
  for (const o of h.observations) {
    const r = o.kind === 'notification' ? o.report : o.kind === 'status_response' && 'report' in o.answer ? o.answer.report : undefined;
    if (r === undefined || r.status === 'deny') continue;
    out.push({ kind: 'notification', orderId: h.orderId, report: { ...r, fraud: 'deny', statusCode: notificationStatusCodes(r.status, 'deny')[0]! } });
  }
  return out;
};

/** A history and a noisy delivery of its observations (with `noise`, mixed with `harmlessNoise`). */
export const arbHistoryAndDelivery = (options: HistoryOptions & { readonly noise?: boolean } = {}) =>
  arbAttemptHistory(options).chain((history) =>
    (options.noise === true
      ? fc.subarray(harmlessNoise(history)).chain((noise) => arbNoisyDelivery([...history.observations, ...noise], 2))
      : arbNoisyDelivery(history.observations, 2)
    ).map((delivery) => ({ history, delivery })),
  );

/** Refund answers (200) with keys the history never used, of any amount up to the gross: to fold after a history. */
export const arbLateRefundAnswers = (h: AttemptHistory): fc.Arbitrary<Observation[]> =>
  fc.array(
    fc.record({ units: fc.integer({ min: 1, max: h.gross / UNIT }), full: fc.boolean(), n: fc.nat(99) }).map(
      ({ units, full, n }): Observation => ({
        kind: 'action_response',
        action: 'refund',
        orderId: h.orderId,
        targetId: h.orderId,
        request: { amount: units * UNIT, refundKey: `late-${n}` },
        answer: {
          report: {
            transactionId: h.transactionId,
            status: full ? 'refund' : 'partial_refund',
            statusCode: '200',
            grossAmount: h.states[h.states.length - 1]?.gross ?? h.gross,
            transactionTime: '2024-05-14 10:15:20',
            refundAmount: units * UNIT,
            refundKey: `late-${n}`,
          },
        },
      }),
    ),
    { minLength: 1, maxLength: 3 },
  );

// ---------------------------------------------------------------------------------------------
// wild input
// ---------------------------------------------------------------------------------------------

const arbMoney = fc.constantFrom(0, 100, 5_000_00, 7_000_00, 30_000_00, 145_000_00, 200_000_00);
const arbCode = fc.constantFrom('200', '201', '202', '407', '412', '404', '406', '414', '500');

const arbReport = (tids: readonly string[]): fc.Arbitrary<StatusReport> =>
  fc
    .record({
      transactionId: fc.constantFrom(...tids),
      status: fc.constantFrom(...TRANSACTION_STATUSES),
      fraud: fc.option(fc.constantFrom(...FRAUD_STATUSES), { nil: undefined }),
      statusCode: arbCode,
      grossAmount: arbMoney,
      refundAmount: fc.option(arbMoney, { nil: undefined }),
      refundKey: fc.option(fc.constantFrom('k1', 'k2', 'k3'), { nil: undefined }),
      refunds: fc.option(fc.array(fc.record({ key: fc.constantFrom('k1', 'k2', 'k3'), amount: arbMoney }), { maxLength: 3 }), { nil: undefined }),
      chargebackAmount: fc.option(arbMoney, { nil: undefined }),
    })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as unknown as StatusReport);

/** Any observation at all about a few orders and transactions: legal, illegal, forged, out of order. */
export const arbWildObservation = (
  orders: readonly string[] = ['o1', 'o2'],
  tids: readonly string[] = ['t1', 't2', 't3'],
): fc.Arbitrary<Observation> => {
  const orderId = fc.constantFrom(...orders);
  const answer = fc.oneof(
    arbReport(tids).map((report) => ({ report })),
    arbCode.map((statusCode) => ({ error: { statusCode } })),
  );
  return fc.oneof(
    fc.record({ kind: fc.constant('charge_request' as const), orderId, grossAmount: arbMoney }),
    fc.record({ kind: fc.constant('charge_response' as const), orderId, answer }),
    fc.record({ kind: fc.constant('notification' as const), orderId, report: arbReport(tids) }),
    fc.record({ kind: fc.constant('status_response' as const), orderId, targetId: orderId, answer }),
    fc.record({
      kind: fc.constant('action_response' as const),
      action: fc.constantFrom(...ACTION_NAMES),
      orderId,
      targetId: fc.constantFrom(...orders, ...tids),
      request: fc.record({ amount: arbMoney, refundKey: fc.constantFrom('k1', 'k2', 'k4') }, { requiredKeys: [] }),
      answer,
    }),
    fc.record({ kind: fc.constant('callback_3ds' as const), orderId, status: fc.constantFrom(...TRANSACTION_STATUSES) }),
    fc.record({
      kind: fc.constant('deadline_passed' as const),
      orderId,
      deadline: fc.constant('2024-05-14 10:25:20'),
      reason: fc.constantFrom('3ds_expiry', 'settlement', 'authorization_expiry'),
    }),
    fc.record({ kind: fc.constant('invalid' as const), received: fc.constant('notification' as const), orderId, reason: fc.constant('signature_key: does not match') }),
  ) as fc.Arbitrary<Observation>;
};
