/**
 * The segments one subscription process holds: it joins the subscriber's live members, takes its
 * share of the segments (leases with fencing tokens), renews them, gives up what is beyond its
 * share when others join, and takes over the segments of a member that died once their leases
 * expire. A process handles a segment's events only while its lease is surely still its own: for
 * half the lease after the renewal was sent, so a handler has the other half to finish before
 * anyone else may take over.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, StoreError } from '../store/index';
import { shareOf } from './segments';

/** What happened to one of a process's segments: taken, given up (released), found held by another at renewal (lost), or a checkpoint write refused because another took it over (fenced). */
export interface SegmentChange {
  readonly segment: number;
  readonly change: 'taken' | 'released' | 'lost' | 'fenced';
  readonly token: number;
}

export interface ValidSubscribeOptions {
  readonly onSegmentChange: ((e: SegmentChange) => void) | undefined;
  readonly subscriberId: string;
  readonly from: number | undefined;
  readonly segments: number;
  readonly leaseMs: number;
  readonly renewIntervalMs: number;
  readonly batchSize: number;
  readonly pollIntervalMs: number;
}

const positiveInteger = (value: unknown, name: string, max = Number.MAX_SAFE_INTEGER): string | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= max ? undefined : `${name} must be an integer from 1 to ${max}, got ${String(value)}`;

export const validSubscribeOptions = (o: {
  readonly subscriberId: string;
  readonly from?: number;
  readonly segments?: number;
  readonly leaseMs?: number;
  readonly renewIntervalMs?: number;
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  readonly onSegmentChange?: (e: SegmentChange) => void;
}): E.Either<string, ValidSubscribeOptions> => {
  if (typeof o.subscriberId !== 'string' || o.subscriberId.length === 0) return E.left('subscriberId must be a non-empty string');
  const leaseMs = o.leaseMs ?? 10_000;
  const v: ValidSubscribeOptions = {
    onSegmentChange: o.onSegmentChange,
    subscriberId: o.subscriberId,
    from: o.from,
    segments: o.segments ?? 8,
    leaseMs,
    renewIntervalMs: o.renewIntervalMs ?? Math.max(1, Math.floor(leaseMs / 4)),
    batchSize: o.batchSize ?? 200,
    pollIntervalMs: o.pollIntervalMs ?? 200,
  };
  const problem =
    positiveInteger(v.segments, 'segments', 1024) ??
    positiveInteger(v.leaseMs, 'leaseMs') ??
    positiveInteger(v.renewIntervalMs, 'renewIntervalMs') ??
    positiveInteger(v.batchSize, 'batchSize') ??
    positiveInteger(v.pollIntervalMs, 'pollIntervalMs') ??
    (v.from !== undefined && !(Number.isSafeInteger(v.from) && v.from >= 0) ? `from must be an integer >= 0, got ${String(v.from)}` : undefined) ??
    (v.renewIntervalMs * 2 >= v.leaseMs ? `renewIntervalMs (${v.renewIntervalMs}) must be under half of leaseMs (${v.leaseMs})` : undefined);
  return problem === undefined ? E.right(v) : E.left(problem);
};

export interface Held {
  readonly token: number;
  position: number;
  /** Until when (this process's clock) events of the segment may be handled. */
  validUntil: number;
}

export interface SubscriptionLeases {
  /** Joins, takes the first share, and starts renewing. */
  start(): Promise<void>;
  /** Stops renewing, gives every segment up and leaves. */
  stop(): Promise<void>;
  snapshot(): Map<number, { readonly token: number; readonly position: number }>;
  held(segment: number): Held | undefined;
  valid(segment: number): boolean;
  /** The segment being handled now (never given up meanwhile), or undefined. */
  busy(segment: number | undefined): void;
  /** Writes a segment's checkpoint under its token; false when not written (fenced: the segment is dropped; or the store failed). */
  save(segment: number, token: number, position: number): Promise<boolean>;
  /** Moves the checkpoints of the segments still held under the same token up to `position`. */
  advance(segments: ReadonlyMap<number, { readonly token: number; readonly position: number }>, position: number): Promise<void>;
  /** The lowest checkpoint held (0 when none). */
  lowest(): number;
  readonly owner: string;
}

export const subscriptionLeases = (store: EventStore, o: ValidSubscribeOptions, onError: (e: StoreError | Error) => void): SubscriptionLeases => {
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const held = new Map<number, Held>();
  const validity = Math.floor(o.leaseMs / 2);
  let busy: number | undefined;
  let stopping = false;
  let warnedMismatch = false;
  let wake: (() => void) | undefined;
  let ticking: Promise<void> = Promise.resolve();

  const take = async (segment: number): Promise<void> => {
    const sentAt = Date.now();
    const r = await store.acquireLease({ subscriberId: o.subscriberId, segment, segments: o.segments, owner, leaseMs: o.leaseMs, ...(o.from === undefined ? {} : { startAfter: o.from }) })();
    if (E.isLeft(r)) return onError(r.left);
    const lease = r.right;
    const mine = held.get(segment);
    if (lease === undefined || (mine !== undefined && mine.token !== lease.token)) {
      if (mine !== undefined) {
        held.delete(segment);
        o.onSegmentChange?.({ segment, change: 'lost', token: mine.token });
      }
      return;
    }
    if (mine !== undefined) mine.validUntil = sentAt + validity;
    else {
      held.set(segment, { token: lease.token, position: lease.position, validUntil: sentAt + validity });
      o.onSegmentChange?.({ segment, change: 'taken', token: lease.token });
    }
  };

  const give = async (segment: number): Promise<void> => {
    const h = held.get(segment);
    if (h === undefined) return;
    held.delete(segment);
    const r = await store.releaseLease(o.subscriberId, segment, owner, h.token)();
    if (E.isLeft(r)) onError(r.left);
    else o.onSegmentChange?.({ segment, change: 'released', token: h.token });
  };

  const tick = async (): Promise<void> => {
    const members = await store.joinSubscriber(o.subscriberId, owner, o.leaseMs)();
    for (const segment of [...held.keys()]) await take(segment);
    if (E.isLeft(members)) return onError(members.left);
    if (stopping) return;
    const share = shareOf(members.right, owner, o.segments);
    if (held.size > share) {
      const extra = [...held.keys()].filter((s) => s !== busy).sort((a, b) => b - a).slice(0, held.size - share);
      for (const segment of extra) await give(segment);
      return;
    }
    if (held.size === share) return;
    const stored = await store.readLeases(o.subscriberId)();
    if (E.isLeft(stored)) return onError(stored.left);
    const other = stored.right.find((l) => l.segments !== o.segments);
    if (other !== undefined) {
      if (!warnedMismatch) onError(new Error(`subscriber ${JSON.stringify(o.subscriberId)} is split in ${other.segments} segments in the store; this process asks for ${o.segments}: give every process the same segments`));
      warnedMismatch = true;
      return;
    }
    const taken = new Set(stored.right.filter((l) => l.owner !== null && l.owner !== owner && l.remainingMs > 0).map((l) => l.segment));
    // Start the search at a place of this process's own, so processes joining together try different segments first.
    const offset = parseInt(owner.slice(-8), 16) % o.segments;
    for (let i = 0; i < o.segments && held.size < share && !stopping; i++) {
      const segment = (offset + i) % o.segments;
      if (!held.has(segment) && !taken.has(segment)) await take(segment);
    }
  };

  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  return {
    owner,
    start: async () => {
      await tick().catch((e: unknown) => onError(e instanceof Error ? e : new Error(String(e))));
      ticking = (async () => {
        while (!stopping) {
          await pause(o.renewIntervalMs);
          if (stopping) break;
          await tick().catch((e: unknown) => onError(e instanceof Error ? e : new Error(String(e))));
        }
      })();
    },
    stop: async () => {
      stopping = true;
      wake?.();
      await ticking;
      for (const segment of [...held.keys()]) await give(segment);
      const left = await store.leaveSubscriber(o.subscriberId, owner)();
      if (E.isLeft(left)) onError(left.left);
    },
    snapshot: () => new Map([...held].map(([s, h]) => [s, { token: h.token, position: h.position }])),
    held: (segment) => held.get(segment),
    valid: (segment) => (held.get(segment)?.validUntil ?? 0) > Date.now(),
    busy: (segment) => {
      busy = segment;
    },
    save: async (segment, token, position) => {
      const r = await store.saveLeasedCheckpoint(o.subscriberId, segment, token, position)();
      if (E.isLeft(r)) {
        onError(r.left);
        return false;
      }
      const h = held.get(segment);
      if (!r.right) {
        if (h?.token === token) held.delete(segment);
        o.onSegmentChange?.({ segment, change: 'fenced', token });
        return false;
      }
      if (h?.token === token && h.position < position) h.position = position;
      return true;
    },
    advance: async (segments, position) => {
      for (const [segment, start] of segments) {
        const h = held.get(segment);
        if (h !== undefined && h.token === start.token && h.position < position) {
          const r = await store.saveLeasedCheckpoint(o.subscriberId, segment, h.token, position)();
          if (E.isLeft(r)) return onError(r.left);
          if (!r.right) {
            held.delete(segment);
            o.onSegmentChange?.({ segment, change: 'fenced', token: h.token });
          } else h.position = Math.max(h.position, position);
        }
      }
    },
    lowest: () => (held.size === 0 ? 0 : Math.min(...[...held.values()].map((h) => h.position))),
  };
};
