/**
 * The fold benchmark's workload: one fixed, seeded stream of observations across many orders —
 * legal histories delivered with duplicates and reordering, interleaved, plus wild input —
 * each observation a separate object as decoded from the wire.
 */
import fc from 'fast-check';
import type { Observation } from '@paystate/engine';
import { arbHistoryAndDelivery, arbLateRefundAnswers, arbWildObservation } from '@paystate/engine/testing';

export interface Workload {
  readonly observations: readonly Observation[];
  readonly orders: number;
}

/**
 * Histories that reach the edge rulings: partial captures reported before the capture's answer,
 * retried charge requests and tampered fraud values mixed in, refunds answered after the history.
 */
const arbRulingDelivery = fc.oneof(
  arbHistoryAndDelivery({ partialCapture: true }),
  arbHistoryAndDelivery({ noise: true }),
  arbHistoryAndDelivery().chain(({ history, delivery }) => arbLateRefundAnswers(history).map((late) => ({ history, delivery: [...delivery, ...late] }))),
);

/** `size` observations, the same for the same seed; with `rulings`, half the histories reach the edge rulings. */
export const foldWorkload = (size: number, seed = 20261122, options: { readonly rulings?: boolean } = {}): Workload => {
  const out: Observation[] = [];
  const window: Observation[][] = [];
  const batch = 2_000;
  let orders = 0;
  let round = 0;
  while (out.length < size) {
    const deliveries = fc.sample(options.rulings === true ? fc.oneof(arbHistoryAndDelivery(), arbRulingDelivery) : arbHistoryAndDelivery(), {
      seed: seed + round,
      numRuns: batch,
    });
    const wild = fc.sample(arbWildObservation([`wild-${round}-a`, `wild-${round}-b`], ['w1', 'w2', 'w3']), { seed: seed + round, numRuns: batch / 10 });
    round++;
    deliveries.forEach(({ delivery }, i) => {
      // order ids must be unique across rounds
      window.push(delivery.map((o) => ({ ...o, orderId: `${o.orderId}-${round}-${i}` }) as Observation));
      orders++;
    });
    window.push(wild);
    // interleave: one observation from each open order in turn
    while (window.length > 0 && out.length < size) {
      for (let i = 0; i < window.length && out.length < size; i++) {
        const next = window[i]!.shift();
        // As the mapping module hands them over after JSON.parse: flat strings, regular shapes.
        if (next !== undefined) out.push(JSON.parse(JSON.stringify(next)) as Observation);
      }
      for (let i = window.length - 1; i >= 0; i--) if (window[i]!.length === 0) window.splice(i, 1);
    }
  }
  return { observations: out, orders };
};
