/**
 * Confirm mode (DOMAIN §6a): a validly signed notification is a trigger. GET status is asked for
 * its order, that answer is folded first, and the notification is recorded against the result.
 * This file holds the mode's vocabulary; the ingestor records both in one append.
 */
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { NotificationMode } from '@paystate/engine';
import { formatStoreError, type StoreError } from '../store/index';
import type { RawObservation } from './storedObservation';

/** GET status could not be had (a timeout, the network, a 5xx, an answer that is not one): nothing was recorded; Midtrans should retry. */
export interface StatusUnavailable {
  /** The tag to switch on. */
  readonly _tag: 'StatusUnavailable';
  /** What went wrong, without the server key. */
  readonly cause: string;
}

/** Why a notification could not be recorded in confirm mode: the store failed, or GET status could not be had. */
export type ConfirmError = StoreError | StatusUnavailable;

/** Asks GET status for an order and gives its answer as a replay line (`status_response`), without recording it. */
export type StatusFetcher = (orderId: string) => TE.TaskEither<StatusUnavailable, RawObservation>;

/** A StatusUnavailable with its cause (for a StatusFetcher of your own). */
export const statusUnavailable = (cause: string): StatusUnavailable => ({ _tag: 'StatusUnavailable', cause });

/** Whether a confirm-mode failure is GET status, not the store (both mean: nothing was recorded, retry later). */
export const isStatusUnavailable = (e: ConfirmError): e is StatusUnavailable => e._tag === 'StatusUnavailable';

/** One line describing the failure. */
export const formatConfirmError = (e: ConfirmError): string => (isStatusUnavailable(e) ? `GET status unavailable: ${e.cause}` : formatStoreError(e));

/** The line a confirm-mode notification is stored as: the mode written down, so replay and `verify` decide it the same way. */
export const confirmLine = (line: RawObservation): RawObservation => ({ ...line, mode: 'confirm' satisfies NotificationMode });
