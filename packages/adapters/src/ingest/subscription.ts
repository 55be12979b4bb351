/**
 * Subscriptions: hand the host each business change exactly once per stream version, with a
 * durable checkpoint after each handled event. A change's `id` (order@version:kind) is stable
 * across redeliveries, so an effect keyed by it is never doubled.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { answersFor, businessChanges, type BusinessChangeKind, type OrderState, type PaymentAnswers } from '@paystate/engine';
import type { PaystateMetrics } from '../observe/index';
import type { EventStore, StoredEvent, StoreError } from '../store/index';
import { foldStream, orderIdOfStream, streamIdOf } from './ingest';

export interface BusinessChange {
  /** `order_id@version:kind`: stable, use it to make the effect idempotent. */
  readonly id: string;
  readonly kind: BusinessChangeKind;
  readonly orderId: string;
  readonly version: number;
  readonly position: number;
  readonly state: OrderState;
  readonly answers: PaymentAnswers;
}

export interface SubscribeOptions {
  readonly subscriberId: string;
  /** Start after this global position instead of the saved checkpoint. */
  readonly from?: number;
  readonly pollIntervalMs?: number;
  /** Called when the store fails; the subscription keeps trying. */
  readonly onError?: (e: StoreError | Error) => void;
  /** Reports the subscriber's lag and position (nothing by default). */
  readonly metrics?: PaystateMetrics;
}

export interface Subscription {
  /** Stops after the change being handled; resolves when stopped. */
  stop(): Promise<void>;
  /** Resolves once the subscription has handled everything recorded so far. */
  caughtUp(): Promise<void>;
}

export const subscribe = (store: EventStore, handler: (change: BusinessChange) => Promise<void>, options: SubscribeOptions): Subscription => {
  const states = new Map<string, OrderState>();
  let stopped = false;
  let idle: (() => void)[] = [];
  const stateBefore = async (orderId: string, version: number): Promise<OrderState | undefined> => {
    const known = states.get(orderId);
    if (known !== undefined && known.version === version - 1) return known;
    if (version <= 1) return undefined;
    const read = await store.readStream(streamIdOf(orderId))();
    if (E.isLeft(read)) throw new Error(read.left._tag);
    return foldStream(read.right.events.filter((e) => e.version < version));
  };
  const handle = async (e: StoredEvent): Promise<void> => {
    const orderId = orderIdOfStream(e.streamId);
    if (orderId === undefined) return;
    const before = await stateBefore(orderId, e.version);
    const after = foldStream([e], before);
    if (after !== undefined) states.set(orderId, after);
    for (const kind of businessChanges(before, after))
      await handler({ id: `${orderId}@${e.version}:${kind}`, kind, orderId, version: e.version, position: e.position, state: after!, answers: answersFor(after) });
  };
  const loop = async () => {
    const start = options.from !== undefined ? E.right(options.from) : await store.getCheckpoint(options.subscriberId)();
    let position = E.isRight(start) ? start.right : 0;
    while (!stopped) {
      const result = await store.catchUp(position, (e) =>
        TE.tryCatch(
          async () => {
            if (stopped) throw new Error('stopped');
            await handle(e);
            const saved = await store.putCheckpoint(options.subscriberId, e.position)();
            if (E.isLeft(saved)) throw new Error(saved.left._tag);
            position = e.position;
            options.metrics?.subscriptionLag(options.subscriberId, Math.max(0, (Date.now() - Date.parse(e.recordedAt)) / 1000), position);
          },
          (err): StoreError => ({ _tag: 'StoreFailed', cause: err instanceof Error ? err.message : String(err) }),
        ),
      )();
      if (E.isLeft(result) && !stopped) options.onError?.(result.left);
      if (E.isRight(result)) {
        options.metrics?.subscriptionLag(options.subscriberId, 0, position);
        const waiting = idle;
        idle = [];
        waiting.forEach((f) => f());
      }
      if (!stopped) await new Promise((r) => setTimeout(r, options.pollIntervalMs ?? 200));
    }
  };
  const running = loop();
  return {
    stop: async () => {
      stopped = true;
      await running;
    },
    caughtUp: () => new Promise((resolve) => idle.push(resolve)),
  };
};
