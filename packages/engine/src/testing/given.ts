/**
 * given(past observations).when(observation).then(expectation): a decider specification that
 * throws an Error describing the difference when the engine disagrees.
 */
import { decide, evolve, type Decision } from '../fold';
import type { Observation } from '../observation';
import type { Flag, OrderState, Outcome } from '../state';
import type { FraudStatus, TransactionStatus } from '../status';
import type { Money } from '../money';

export interface Expectation {
  readonly outcome?: Outcome;
  readonly transaction_status?: TransactionStatus | null;
  readonly fraud_status?: FraudStatus | null;
  /** The flags this observation raises, exactly. */
  readonly flags?: readonly Flag[];
  readonly refunded?: Money;
  readonly grossAmount?: Money;
  readonly attempts?: number;
  readonly inferred?: readonly TransactionStatus[];
  /** A fragment the reason must contain. */
  readonly reason?: string | RegExp;
}

export interface Specified {
  readonly decision: Decision;
  readonly before: OrderState | undefined;
  readonly after: OrderState | undefined;
}

/** Folds observations into an order's state. */
export const foldAll = (observations: readonly Observation[], from?: OrderState): OrderState | undefined =>
  observations.reduce<OrderState | undefined>((s, o) => evolve(s, decide(s, o)), from);

export const given = (...past: readonly Observation[]) => ({
  when: (observation: Observation) => ({
    then: (expected: Expectation): Specified => {
      const before = foldAll(past);
      const decision = decide(before, observation);
      const after = evolve(before, decision);
      const a = after?.attempts[after.attempts.length - 1];
      const actual: Record<string, unknown> = {
        outcome: decision.outcome,
        transaction_status: a?.status ?? null,
        fraud_status: a?.fraud ?? null,
        flags: decision.flags,
        refunded: a?.refunded,
        grossAmount: a?.grossAmount,
        attempts: after?.attempts.length ?? 0,
        inferred: decision.inferred.map((p) => p.transaction_status),
      };
      const diffs: string[] = [];
      for (const [k, want] of Object.entries(expected)) {
        if (k === 'reason') {
          const ok = typeof want === 'string' ? decision.reason.includes(want) : (want as RegExp).test(decision.reason);
          if (!ok) diffs.push(`reason: expected to match ${String(want)}`);
          continue;
        }
        if (JSON.stringify(actual[k]) !== JSON.stringify(want)) diffs.push(`${k}: expected ${JSON.stringify(want)}, got ${JSON.stringify(actual[k])}`);
      }
      if (diffs.length > 0)
        throw new Error(`${diffs.join('\n')}\n(decision: ${decision.outcome} ${decision.code}: ${decision.reason})`);
      return { decision, before, after };
    },
  }),
});
