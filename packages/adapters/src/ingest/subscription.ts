/**
 * Subscriptions: hand the host each business change, in stream order per order, with a durable
 * checkpoint after each handled event. A subscriber's work is split in segments (by a hash of the
 * order's stream id); each segment is held by one process at a time under a lease with a fencing
 * token, and the live processes share the segments out (see subscriptionLeases.ts). A change's `id`
 * (order@version:kind) is stable across redeliveries, and `change.once` makes an effect happen
 * once per id.
 */
import * as E from 'fp-ts/lib/Either.js';
import { answersFor, businessChanges, type BusinessChangeKind, type OrderState, type PaymentAnswers } from '@paystate/engine';
import type { PaystateMetrics } from '../observe/index';
import type { EventStore, StoredEvent, StoreError } from '../store/index';
import { formatStoreError } from '../store/index';
import { effectsOnce, type EffectsOnce } from './changeOnce';
import { foldStream, orderIdOfStream, streamIdOf } from './ingest';
import { segmentOf } from './segments';
import { subscriptionLeases, validSubscribeOptions, type SegmentChange } from './subscriptionLeases';

export type { SegmentChange } from './subscriptionLeases';

export interface BusinessChange extends EffectsOnce {
  /** `order_id@version:kind`: stable across redeliveries, the key of `once`. */
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
  /** Where a new subscriber starts (exclusive global position, default 0); segments already stored keep their checkpoints. */
  readonly from?: number;
  /** How long to wait before looking for new events once caught up (default 200 ms). */
  readonly pollIntervalMs?: number;
  /** Called when the store fails; the subscription keeps trying. */
  readonly onError?: (e: StoreError | Error) => void;
  /** Reports the subscriber's lag and position (nothing by default). */
  readonly metrics?: PaystateMetrics;
  /** How many segments the subscriber's work is split in; every process of one subscriber must give the same (default 8, at most 1024). More processes than segments leave some idle. */
  readonly segments?: number;
  /** How long a process's hold on a segment lasts without renewal: a process that dies is taken over within about this time (default 10000 ms). */
  readonly leaseMs?: number;
  /** How often a process renews its leases and rebalances (default leaseMs / 4). */
  readonly renewIntervalMs?: number;
  /** Events read from the store at a time (default 200). */
  readonly batchSize?: number;
  /** Told when this process takes, gives up, loses or is fenced off a segment (log it: a 'lost' or 'fenced' segment means this process stalled longer than its lease). */
  readonly onSegmentChange?: (e: SegmentChange) => void;
}

export interface Subscription {
  /** Stops after the change being handled, and gives its segments up; resolves when stopped. */
  stop(): Promise<void>;
  /** Resolves once the subscription has handled everything recorded so far in the segments it holds. */
  caughtUp(): Promise<void>;
  /** The segments this process holds now. */
  segments(): readonly number[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const subscribe = (store: EventStore, handler: (change: BusinessChange) => Promise<void>, options: SubscribeOptions): Subscription => {
  const valid = validSubscribeOptions(options);
  const states = new Map<string, OrderState>();
  let stopped = false;
  let idle: (() => void)[] = [];
  const onError = (e: StoreError | Error): void => {
    if (!stopped) options.onError?.(e);
  };
  if (E.isLeft(valid)) {
    onError(new Error(valid.left));
    return { stop: () => Promise.resolve(), caughtUp: () => new Promise(() => undefined), segments: () => [] };
  }
  const { subscriberId, segments, batchSize, pollIntervalMs } = valid.right;
  const leases = subscriptionLeases(store, valid.right, onError);

  const stateBefore = async (orderId: string, version: number): Promise<OrderState | undefined> => {
    const known = states.get(orderId);
    if (known !== undefined && known.version === version - 1) return known;
    if (version <= 1) return undefined;
    const read = await store.readStream(streamIdOf(orderId))();
    if (E.isLeft(read)) throw new Error(formatStoreError(read.left));
    return foldStream(read.right.events.filter((e) => e.version < version));
  };
  /** Hands the event's business changes to the handler; true when there were any. */
  const handle = async (e: StoredEvent): Promise<boolean> => {
    const orderId = orderIdOfStream(e.streamId);
    if (orderId === undefined) return false;
    const before = await stateBefore(orderId, e.version);
    const after = foldStream([e], before);
    if (after !== undefined) states.set(orderId, after);
    const kinds = businessChanges(before, after);
    for (const kind of kinds) {
      const id = `${orderId}@${e.version}:${kind}`;
      await handler({ id, kind, orderId, version: e.version, position: e.position, state: after!, answers: answersFor(after), ...effectsOnce(store, subscriberId, id) });
    }
    return kinds.length > 0;
  };

  /** One batch over the segments held at its start: caught up (the end of the log), more to read, or wait (a failure, a lease in doubt). */
  const batch = async (): Promise<'caught_up' | 'more' | 'wait'> => {
    const atStart = leases.snapshot();
    if (atStart.size === 0) return 'caught_up';
    const from = Math.min(...[...atStart.values()].map((h) => h.position));
    const read = await store.readAll({ fromPosition: from, limit: batchSize })();
    if (E.isLeft(read)) {
      onError(read.left);
      return 'wait';
    }
    let scanned = from;
    let complete = true;
    for (const e of read.right) {
      if (stopped) return 'wait';
      const segment = segmentOf(e.streamId, segments);
      const start = atStart.get(segment);
      const held = leases.held(segment);
      // Only segments held since the batch began: one taken meanwhile may have events below `from`.
      if (start !== undefined && held !== undefined && held.token === start.token && e.position > held.position) {
        if (!leases.valid(segment)) {
          complete = false;
          break;
        }
        leases.busy(segment);
        try {
          if (await handle(e)) {
            const saved = await leases.save(segment, held.token, e.position);
            if (!saved) {
              complete = false;
              break;
            }
          }
        } catch (err) {
          onError(err instanceof Error ? err : new Error(String(err)));
          complete = false;
          break;
        } finally {
          leases.busy(undefined);
        }
        options.metrics?.subscriptionLag(subscriberId, Math.max(0, (Date.now() - Date.parse(e.recordedAt)) / 1000), e.position);
      }
      scanned = e.position;
    }
    // Every event of these segments up to `scanned` was looked at: their checkpoints move there.
    await leases.advance(atStart, scanned);
    return !complete ? 'wait' : read.right.length < batchSize ? 'caught_up' : 'more';
  };

  const loop = async (): Promise<void> => {
    await leases.start();
    while (!stopped) {
      const outcome = await batch();
      if (stopped) break;
      if (outcome === 'caught_up') {
        options.metrics?.subscriptionLag(subscriberId, 0, leases.lowest());
        const waiting = idle;
        idle = [];
        waiting.forEach((f) => f());
      }
      if (outcome !== 'more') await sleep(pollIntervalMs);
      // A store whose reads answer at once (SQLite, in-memory) must not starve the lease renewals' timers.
      else await new Promise((r) => setImmediate(r));
    }
  };
  const running = loop().catch((err: unknown) => onError(err instanceof Error ? err : new Error(String(err))));
  return {
    stop: async () => {
      stopped = true;
      await running;
      await leases.stop();
    },
    caughtUp: () => new Promise((resolve) => idle.push(resolve)),
    segments: () => [...leases.snapshot().keys()].sort((a, b) => a - b),
  };
};
