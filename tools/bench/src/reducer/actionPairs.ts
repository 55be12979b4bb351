/** Actions (DOMAIN §6): the pairs each is allowed in, and the results a success answer may report. */
import type { ActionName, TransactionStatus } from '@paystate/engine';
import { AUTHORIZE, CAPTURE, CAPTURE_CHALLENGE, PARTIAL_REFUND, PENDING, SETTLEMENT, VERDICTS, pairCode, reducerRoute } from './reducerRoute';
import type { ReducerAttempt, Tx } from './reducerState';

const allPairsOf = (txs: readonly Tx[]): number[] => txs.flatMap((t) => VERDICTS.map((f) => pairCode(t, f)));

export const ACTION_PAIRS: Readonly<Record<ActionName, readonly number[]>> = {
  approve: [CAPTURE_CHALLENGE],
  deny: [CAPTURE_CHALLENGE],
  cancel: allPairsOf(['pending', 'authorize', 'capture']),
  expire: allPairsOf(['pending']),
  capture: allPairsOf(['authorize']),
  refund: allPairsOf(['settlement', 'partial_refund']),
  direct_refund: allPairsOf(['settlement', 'partial_refund']),
};

export const allowedOnPath = (a: ReducerAttempt, action: ActionName): boolean => {
  switch (action) {
    case 'approve':
    case 'deny':
      return a.challengeSeen;
    case 'cancel':
      return (a.seen & (PENDING | AUTHORIZE | CAPTURE)) !== 0;
    case 'expire':
      return (a.seen & PENDING) !== 0;
    case 'capture':
      return (a.seen & AUTHORIZE) !== 0;
    case 'refund':
    case 'direct_refund':
      return (a.seen & (SETTLEMENT | PARTIAL_REFUND)) !== 0;
  }
};

/** Some state allowing the action lies on a legal way `from → … → result`. */
export const allowedOnWay = (action: ActionName, from: number, result: number): boolean =>
  ACTION_PAIRS[action].some((p) => p !== result && reducerRoute(from, p) !== null && reducerRoute(p, result) !== null);

/** The statuses a 2xx answer of the action may report. */
export const documented = (action: ActionName, status: TransactionStatus): boolean => {
  switch (action) {
    case 'approve':
    case 'capture':
      return status === 'capture';
    case 'deny':
      return status === 'deny';
    case 'cancel':
      return status === 'cancel';
    case 'expire':
      return status === 'expire';
    case 'refund':
    case 'direct_refund':
      return status === 'refund' || status === 'partial_refund';
  }
};

export const documentedText = (action: ActionName): string => {
  switch (action) {
    case 'approve':
    case 'capture':
      return 'capture';
    case 'deny':
    case 'cancel':
    case 'expire':
      return action;
    case 'refund':
    case 'direct_refund':
      return 'refund or partial_refund';
  }
};
