/**
 * Effects once per change: an idempotency record keyed by the change id (or a key of the
 * handler's), claimed atomically in the store the subscription reads, before the effect runs.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, SqlClient } from '../store/index';
import { formatStoreError } from '../store/index';

/** What `once` did: ran the effect, found it done before, or found an earlier attempt that never finished (and, by default, did not run it again). */
export type OnceOutcome = 'ran' | 'done_before' | 'interrupted';

export interface OnceOptions {
  /** The effect's key, unique per subscriber (default: the change id). Give one per effect when a change has several. */
  readonly key?: string;
  /**
   * An earlier attempt claimed the key and never recorded the effect as done: the process died
   * during the effect, or another process is running it right now. 'skip' (default): do not run
   * it again, so the effect happens at most once (the claim stays listed by
   * store.readUnfinishedEffects for someone to look at). 'retry': run it again, so it happens at
   * least once; use it when the effect is idempotent itself (it sends the key to an API that
   * drops repeats).
   */
  readonly ifInterrupted?: 'skip' | 'retry';
}

export interface EffectsOnce {
  /**
   * Runs the effect unless this subscriber has run it for the key before. The claim is recorded
   * before the effect runs and marked done after; an effect that throws gives its claim up (the
   * change comes again and the effect is tried again). The claim and the effect are two steps:
   * see ifInterrupted for a crash between them.
   */
  once(effect: () => Promise<unknown>, options?: OnceOptions): Promise<OnceOutcome>;
  /**
   * PostgreSQL store only: runs the effect's own SQL in the transaction that claims the key, so
   * the SQL and the claim commit together or not at all (exactly once for effects that are writes
   * to the same database). `sql` is that transaction's connection; do not commit or roll back.
   */
  onceInTransaction(effect: (sql: SqlClient) => Promise<unknown>, options?: { readonly key?: string }): Promise<OnceOutcome>;
}

const fail = (what: string, e: Parameters<typeof formatStoreError>[0]): Error => new Error(`${what}: ${formatStoreError(e)}`);

export const effectsOnce = (store: EventStore, subscriberId: string, changeId: string): EffectsOnce => ({
  once: async (effect, options) => {
    const key = options?.key ?? changeId;
    const claim = await store.claimEffect(subscriberId, key)();
    if (E.isLeft(claim)) throw fail(`could not claim the effect ${JSON.stringify(key)}`, claim.left);
    if (claim.right === 'done') return 'done_before';
    if (claim.right === 'started' && options?.ifInterrupted !== 'retry') return 'interrupted';
    try {
      await effect();
    } catch (e) {
      await store.abandonEffect(subscriberId, key)();
      throw e;
    }
    const done = await store.completeEffect(subscriberId, key)();
    if (E.isLeft(done)) throw fail(`the effect ${JSON.stringify(key)} ran but could not be marked done`, done.left);
    return 'ran';
  },
  onceInTransaction: async (effect, options) => {
    const key = options?.key ?? changeId;
    if (store.effectInTransaction === undefined) throw new Error('onceInTransaction needs the PostgreSQL store; with this store use once()');
    const r = await store.effectInTransaction(subscriberId, key, effect)();
    if (E.isLeft(r)) throw fail(`the effect ${JSON.stringify(key)} did not commit`, r.left);
    return r.right === 'claimed' ? 'ran' : r.right === 'done' ? 'done_before' : 'interrupted';
  },
});
