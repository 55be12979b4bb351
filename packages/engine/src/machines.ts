/**
 * The two xstate v5 machines. State names are Midtrans' own; an event's type is the status that
 * was observed. No delayed transitions and no invoked actors: time arrives as observations.
 */
import { setup } from 'xstate';
import type { ActionName } from './actions';
import type { FraudStatus, Start, TransactionStatus } from './status';

/** "The status is now X", with the attempt's fraud verdict at that moment (read by guards). */
export interface TransactionEvent {
  readonly type: TransactionStatus;
  readonly fraud: FraudStatus | Start;
}

/** "The FDS verdict is now X"; `leavingPending` is true when the transaction leaves pending in the same step. */
export interface FraudEvent {
  readonly type: FraudStatus;
  readonly leavingPending: boolean;
}

/** Actions Midtrans accepts in a state; `fraud` narrows one to a fraud verdict (DOMAIN §6). */
export type StateActions = Partial<Record<ActionName, { readonly fraud?: FraudStatus }>>;
export interface StateMeta {
  readonly description: string;
  readonly actions?: StateActions;
}

export const transactionStatusMachine = setup({
  types: {
    events: {} as TransactionEvent,
    meta: {} as StateMeta,
  },
  guards: {
    fraudChallenged: ({ event }) => event.fraud === 'challenge',
  },
}).createMachine({
  id: 'transaction_status',
  initial: 'start',
  states: {
    start: {
      meta: { description: 'nothing observed yet' },
      on: { pending: 'pending', authorize: 'authorize', capture: 'capture', deny: 'deny' },
    },
    pending: {
      meta: { description: '3DS not completed yet', actions: { cancel: {}, expire: {} } },
      on: {
        capture: 'capture',
        authorize: 'authorize',
        deny: 'deny',
        expire: 'expire',
        cancel: 'cancel',
        failure: 'failure',
      },
    },
    authorize: {
      meta: { description: 'card authorized, waiting for the capture API', actions: { capture: {}, cancel: {} } },
      on: { capture: 'capture', deny: 'deny', cancel: 'cancel', expire: 'expire' },
    },
    capture: {
      meta: {
        description: 'charged, waiting for settlement',
        actions: { cancel: {}, approve: { fraud: 'challenge' }, deny: { fraud: 'challenge' } },
      },
      on: {
        settlement: 'settlement',
        cancel: 'cancel',
        deny: { target: 'deny', guard: 'fraudChallenged' },
      },
    },
    settlement: {
      meta: { description: 'funds received', actions: { refund: {}, direct_refund: {} } },
      on: {
        refund: 'refund',
        partial_refund: 'partial_refund',
        chargeback: 'chargeback',
        partial_chargeback: 'partial_chargeback',
        deny: 'deny',
      },
    },
    partial_refund: {
      meta: { description: 'part of the amount refunded', actions: { refund: {}, direct_refund: {} } },
      on: { partial_refund: 'partial_refund', refund: 'refund' },
    },
    partial_chargeback: {
      meta: { description: 'part of the amount charged back' },
      on: { partial_chargeback: 'partial_chargeback', chargeback: 'chargeback' },
    },
    refund: { type: 'final', meta: { description: 'fully refunded' } },
    chargeback: { type: 'final', meta: { description: 'fully charged back' } },
    deny: { type: 'final', meta: { description: 'denied by the bank or FDS (or reversed)' } },
    cancel: { type: 'final', meta: { description: 'cancelled' } },
    expire: { type: 'final', meta: { description: 'expired' } },
    failure: { type: 'final', meta: { description: 'failed while processing' } },
  },
});

export const fraudStatusMachine = setup({
  types: {
    events: {} as FraudEvent,
    meta: {} as StateMeta,
  },
  guards: {
    leavingPending: ({ event }) => event.leavingPending,
  },
}).createMachine({
  id: 'fraud_status',
  initial: 'start',
  states: {
    start: {
      meta: { description: 'no verdict observed yet' },
      on: { accept: 'accept', challenge: 'challenge', deny: 'deny' },
    },
    accept: {
      meta: { description: 'FDS accepted the transaction' },
      on: {
        challenge: { target: 'challenge', guard: 'leavingPending' },
        deny: { target: 'deny', guard: 'leavingPending' },
      },
    },
    challenge: {
      meta: { description: 'FDS asks the merchant to review' },
      on: { accept: 'accept', deny: 'deny' },
    },
    deny: {
      meta: { description: 'FDS denied the transaction' },
      on: {
        accept: { target: 'accept', guard: 'leavingPending' },
        challenge: { target: 'challenge', guard: 'leavingPending' },
      },
    },
  },
});

export type TransactionStatusMachine = typeof transactionStatusMachine;
export type FraudStatusMachine = typeof fraudStatusMachine;
