/**
 * What the fold decides about one observation: an outcome of DOMAIN §4, a reason (its code for
 * machines, its text for people) and what applying it changes.
 */
import type { Money } from '../money';
import type { Observation } from '../observation';
import type { AttemptState, Flag, OrderState, Outcome, StatusPair } from '../state';
import { renderReason } from './render';
import type { Reason, ReasonCode } from './reasons';

export type { ReasonCode } from './reasons';

/** What applying a decision changes. */
export interface Effect {
  /** The decision opens the stream. */
  readonly open?: true;
  readonly requestedAmount?: Money;
  /** The attempt after the observation (replaces the one with its transaction_id, or is appended). */
  readonly attempt?: AttemptState;
  /** A status response reconciled the order's flags. */
  readonly reconciles?: true;
}

export interface Decision {
  readonly outcome: Outcome;
  readonly code: ReasonCode;
  readonly reason: string;
  readonly orderId: string | undefined;
  readonly transactionId: string | undefined;
  /** Skipped intermediate states the observation implies (pending → capture → settlement: capture). */
  readonly inferred: readonly StatusPair[];
  /** Flags this observation raises on its order. */
  readonly flags: readonly Flag[];
  readonly effect?: Effect;
}

/** A stream entry: the observation as received and what the engine decided about it. */
export interface DecidedObservation {
  readonly observation: Observation;
  readonly decision: Decision;
}

const NO_FLAGS: readonly Flag[] = [];
const ILLEGAL_FLAGS: readonly Flag[] = ['illegal_observation'];
export const NO_PAIRS: readonly StatusPair[] = [];

export interface Extra {
  readonly flags?: readonly Flag[];
  readonly inferred?: readonly StatusPair[];
  readonly effect?: Effect;
}

/** A decision; its reason text is rendered from the reason's code and details. */
export const decision = (outcome: Outcome, reason: Reason, orderId: string | undefined, transactionId: string | undefined, extra?: Extra): Decision => {
  const d: { -readonly [K in keyof Decision]: Decision[K] } = {
    outcome,
    code: reason.code,
    reason: renderReason(reason),
    orderId,
    transactionId,
    inferred: extra?.inferred ?? NO_PAIRS,
    flags: extra?.flags ?? (outcome === 'illegal' ? ILLEGAL_FLAGS : NO_FLAGS),
  };
  if (extra?.effect !== undefined) d.effect = extra.effect;
  return d;
};

/** A rejection: kept out of the stream; it flags the order when there is one. */
export const rejected = (o: OrderState | undefined, orderId: string | undefined, transactionId: string | undefined, reason: Reason): Decision =>
  decision('rejected', reason, orderId, transactionId, { flags: o === undefined ? [] : ['rejected_input'] });
