/**
 * A payment stream's id and its fold: stored decisions read back (whatever format wrote them) and
 * applied in order, with the rejection log's flags put at their place.
 */
import * as E from 'fp-ts/lib/Either.js';
import { evolve, type OrderState } from '@paystate/engine';
import { storeFailed, type StoredEvent, type StoreError } from '../store/index';
import { recordedObservationOf, UnreadableEventError } from './storedObservation';

export const streamIdOf = (orderId: string): string => `order:${orderId}`;
export const orderIdOfStream = (streamId: string): string | undefined => (streamId.startsWith('order:') ? streamId.slice(6) : undefined);

/**
 * Folds a stream's stored decisions, each read in whatever format it was written. Throws
 * UnreadableEventError for an event no format describes (damaged history).
 */
export const foldStream = (events: readonly StoredEvent[], from?: OrderState): OrderState | undefined => {
  let s = from;
  for (const e of events) {
    const d = recordedObservationOf(e)?.decision;
    if (d !== undefined) s = evolve(s, d);
  }
  return s;
};

/** foldStream as a value: damaged history is a StoreFailed naming the event. */
export const foldStreamEither = (events: readonly StoredEvent[], from?: OrderState): E.Either<StoreError, OrderState | undefined> => {
  try {
    return E.right(foldStream(events, from));
  } catch (e) {
    if (e instanceof UnreadableEventError) return E.left(storeFailed(e.message));
    throw e;
  }
};

/** Adds the rejection log's flags (rejected input naming a known order) at their place in the stream. */
export const withRejections = (
  state: OrderState,
  events: readonly StoredEvent[],
  rejections: readonly { receivedAt: string; reason: string }[],
): OrderState => {
  if (rejections.length === 0) return state;
  const flags = [...state.flags];
  for (const r of rejections) {
    const at = events.filter((e) => e.recordedAt <= r.receivedAt).length;
    flags.push({ flag: 'rejected_input', at, reason: r.reason });
  }
  flags.sort((a, b) => a.at - b.at);
  return { ...state, flags };
};
