/** A decision about one observation, and the wording its reasons share. */
import { displayAmount, type Flag, type Money, type Outcome } from '@paystate/engine';
import { txAt, verdictAt } from './reducerRoute';
import type { ReducerAttempt, ReducerState, Tx, Verdict } from './reducerState';

export interface Judgement {
  readonly outcome: Outcome;
  readonly code: string;
  readonly reason: string;
  readonly tid: string | undefined;
  readonly flags: readonly Flag[];
  /** The attempt after the observation: replaces the one with its id, or is appended. */
  readonly attempt?: ReducerAttempt;
  readonly requestedAmount?: Money;
  readonly opens?: boolean;
  readonly reconciles?: boolean;
}

export const NO_FLAGS: readonly Flag[] = [];
const ILLEGAL_FLAGS: readonly Flag[] = ['illegal_observation'];
const REJECTED_FLAGS: readonly Flag[] = ['rejected_input'];
export const REVERSAL_FLAGS: readonly Flag[] = ['reversal'];

export const judgement = (outcome: Outcome, code: string, reason: string, tid: string | undefined): Judgement => ({
  outcome,
  code,
  reason,
  tid,
  flags: outcome === 'illegal' ? ILLEGAL_FLAGS : NO_FLAGS,
});

export const rejectedIn = (o: ReducerState | undefined, tid: string | undefined, code: string, reason: string): Judgement => ({
  outcome: 'rejected',
  code,
  reason,
  tid,
  flags: o === undefined ? NO_FLAGS : REJECTED_FLAGS,
});

export const nameOf = (tx: Tx, f: Verdict): string => (f === null ? tx : `${tx}/${f}`);
export const pairName = (p: number): string => nameOf(txAt(p), verdictAt(p));
export const money = (refunded: Money, chargedBack: Money): string =>
  (refunded > 0 ? `, ${displayAmount(refunded)} refunded` : '') + (chargedBack > 0 ? `, ${displayAmount(chargedBack)} charged back` : '');
export const describe = (a: ReducerAttempt): string => nameOf(a.status, a.fraud) + money(a.refunded, a.chargedBack);
export const answered = (e: { statusCode: string; message?: string }): string => `${e.statusCode}${e.message !== undefined ? ` (${e.message})` : ''}`;
