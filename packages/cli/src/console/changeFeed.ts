/**
 * How a console learns that an order has a new observation, whoever recorded it: this process or
 * another replica on the same PostgreSQL. While someone watches, it polls the store's global log
 * and its rejection log past the last position it has seen (one small read each per interval,
 * however many pages are open) and tells the watchers of each order named there.
 */
import * as E from 'fp-ts/lib/Either.js';
import { orderIdOfStream, type EventStore, type StoreError } from '@paystate/adapters';

export interface ChangeFeed {
  /**
   * Calls `listener` each time `orderId` has a new observation, until `stop` is called. `ready`
   * resolves once the feed knows where the logs end: anything recorded after that is reported.
   */
  readonly watch: (orderId: string, listener: () => void) => { readonly ready: Promise<void>; readonly stop: () => void };
  /** How many watchers there are now. */
  readonly watchers: () => number;
  /** Stops polling and forgets every watcher. */
  readonly close: () => void;
}

export interface ChangeFeedOptions {
  /** How often to look for new observations while someone watches, in ms (default 1000). */
  readonly pollMs?: number;
  /** Called with a failed read (the feed tries again at the next interval). */
  readonly onError?: (error: StoreError) => void;
}

const BATCH = 500;

/**
 * The last position (or id) in a gap-free-at-the-end log, found with O(log n) reads of one row:
 * `after(p)` says whether anything lies past p.
 */
export const lastPosition = async (after: (p: number) => Promise<E.Either<StoreError, boolean>>): Promise<E.Either<StoreError, number>> => {
  let lo = 0;
  let hi = 1;
  const first = await after(0);
  if (E.isLeft(first) || !first.right) return E.isLeft(first) ? first : E.right(0);
  for (;;) {
    const more = await after(hi);
    if (E.isLeft(more)) return more;
    if (!more.right) break;
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const more = await after(mid);
    if (E.isLeft(more)) return more;
    if (more.right) lo = mid;
    else hi = mid;
  }
  return E.right(hi);
};

export const createChangeFeed = (store: EventStore, options: ChangeFeedOptions = {}): ChangeFeed => {
  const pollMs = options.pollMs ?? 1000;
  const listeners = new Map<string, Set<() => void>>();
  let count = 0;
  /** Where the logs were read up to; undefined until the first watcher (then found without reading the logs). */
  let seen: { events: number; rejections: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let polling = false;
  let waiting: (() => void)[] = [];
  const settle = () => {
    const w = waiting;
    waiting = [];
    for (const f of w) f();
  };

  const heads = async (): Promise<E.Either<StoreError, { events: number; rejections: number }>> => {
    const events = await lastPosition(async (p) => {
      const r = await store.readAll({ fromPosition: p, limit: 1 })();
      return E.isLeft(r) ? r : E.right(r.right.length > 0);
    });
    if (E.isLeft(events)) return events;
    const rejections = await lastPosition(async (p) => {
      const r = await store.readRejections({ fromId: p, limit: 1 })();
      return E.isLeft(r) ? r : E.right(r.right.length > 0);
    });
    return E.isLeft(rejections) ? rejections : E.right({ events: events.right, rejections: rejections.right });
  };

  /** Reads what is new in both logs and returns the orders it names. */
  const newlyNamed = async (from: { events: number; rejections: number }): Promise<E.Either<StoreError, { named: Set<string>; to: { events: number; rejections: number } }>> => {
    const named = new Set<string>();
    let { events, rejections } = from;
    for (;;) {
      const batch = await store.readAll({ fromPosition: events, limit: BATCH })();
      if (E.isLeft(batch)) return batch;
      for (const e of batch.right) {
        const id = orderIdOfStream(e.streamId);
        if (id !== undefined) named.add(id);
        events = e.position;
      }
      if (batch.right.length < BATCH) break;
    }
    for (;;) {
      const batch = await store.readRejections({ fromId: rejections, limit: BATCH })();
      if (E.isLeft(batch)) return batch;
      for (const r of batch.right) {
        if (r.orderId !== null) named.add(r.orderId);
        rejections = r.id;
      }
      if (batch.right.length < BATCH) break;
    }
    return E.right({ named, to: { events, rejections } });
  };

  const poll = async (): Promise<void> => {
    if (polling) return;
    polling = true;
    try {
      if (seen === undefined) {
        const h = await heads();
        if (E.isLeft(h)) return options.onError?.(h.left);
        seen = h.right;
        return;
      }
      const read = await newlyNamed(seen);
      if (E.isLeft(read)) return options.onError?.(read.left);
      seen = read.right.to;
      for (const id of read.right.named) for (const l of [...(listeners.get(id) ?? [])]) l();
    } finally {
      polling = false;
      // Also after a failed read: the watcher goes on, and its page is checked against the order itself.
      settle();
    }
  };

  const start = () => {
    if (timer !== undefined) return;
    void poll();
    timer = setInterval(() => void poll(), pollMs);
    timer.unref();
  };
  const stop = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    // Nobody watches: the next watcher starts from the logs' ends then.
    seen = undefined;
  };

  return {
    watch: (orderId, listener) => {
      const set = listeners.get(orderId) ?? new Set();
      set.add(listener);
      listeners.set(orderId, set);
      count += 1;
      const ready = new Promise<void>((resolve) => waiting.push(resolve));
      if (timer === undefined) start();
      else if (!polling) void poll();
      let done = false;
      const stopWatching = () => {
        if (done) return;
        done = true;
        set.delete(listener);
        if (set.size === 0) listeners.delete(orderId);
        count -= 1;
        if (count === 0) stop();
      };
      return { ready, stop: stopWatching };
    },
    watchers: () => count,
    close: () => {
      listeners.clear();
      count = 0;
      stop();
      settle();
    },
  };
};
