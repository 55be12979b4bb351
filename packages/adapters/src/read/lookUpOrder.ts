/**
 * Finds one order by order_id or transaction_id and reads everything known about it: its folded
 * state and its timeline (stream and rejection log); or, for an unknown order, how many rejected
 * observations named it.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { OrderState } from '@paystate/engine';
import { streamIdOf } from '../ingest/ingest';
import { createPaystate } from '../ingest/paystate';
import type { EventStore, StoreError } from '../store/index';
import { orderTimeline, type TimelineEntry } from './orderTimeline';

export type OrderLookUp =
  | { readonly _tag: 'Found'; readonly state: OrderState; readonly timeline: readonly TimelineEntry[] }
  | { readonly _tag: 'Unknown'; readonly rejections: number };

/** Reads the order `id` names from the store (no key needed: nothing is verified or written). */
export const lookUpOrder = async (store: EventStore, id: string): Promise<E.Either<StoreError, OrderLookUp>> => {
  const paystate = createPaystate({ store, serverKey: '' });
  const payment = await paystate.payment(id)();
  if (E.isLeft(payment)) return payment;
  if (payment.right === undefined) {
    const named = await store.readRejections({ orderId: id })();
    return E.isLeft(named) ? named : E.right({ _tag: 'Unknown', rejections: named.right.length });
  }
  const { orderId, state } = payment.right;
  const stream = await store.readStream(streamIdOf(orderId))();
  if (E.isLeft(stream)) return stream;
  const rejections = await store.readRejections({ orderId })();
  if (E.isLeft(rejections)) return rejections;
  return E.right({ _tag: 'Found', state, timeline: orderTimeline(stream.right.events, rejections.right) });
};
