/// <reference types="jest" />
/** The contract: reconciliation claims (for a store that keeps them), on one instance or several. */
import type { ContractContext } from './contractContext';
import type { ReconcileClaims, ReconcileRelease } from '../reconcileClaims';
import type { EventStore } from '../eventStore';
import { at, left, range, right, rights } from './contractHelpers';

const T = 1_700_000_000_000;
const LEASE = 30_000;

const claimsOf = (s: EventStore): ReconcileClaims => {
  if (s.reconcileClaims === undefined) throw new Error('the store keeps no reconciliation claims');
  return s.reconcileClaims;
};

const release = (orderId: string, token: string, over: Partial<ReconcileRelease> = {}): ReconcileRelease => ({
  orderId,
  token,
  attempts: 1,
  nextAtMs: T + 60_000,
  seenPosition: 0,
  checkedAtMs: T + 1,
  lastError: null,
  deadlineNoted: null,
  ...over,
});

export const describeReconcileClaims = ({ store, instances }: ContractContext): void => {
  // A store without claims (one of your own, or a schema before them) leaves them to the reconciler's memory.
  const keeps = (): boolean => store().reconcileClaims !== undefined;

  describe('reconciliation claims', () => {
    test('a claim holds the order for its lease; it is taken again only after it expires, with the attempt counted', async () => {
      if (!keeps()) return;
      const c = claimsOf(store());
      expect(await right(c.claim({ orderId: 'o-1', token: 'a/1', nowMs: T, leaseMs: LEASE, seenPosition: 0 }))).toEqual({ orderId: 'o-1', token: 'a/1', attempts: 1, deadlineNoted: null });
      expect(await right(c.claim({ orderId: 'o-1', token: 'b/1', nowMs: T + LEASE - 1, leaseMs: LEASE, seenPosition: 0 }))).toBeUndefined();
      expect((await right(c.waiting(T + 1))).map((w) => [w.orderId, w.leaseToken, w.attempts])).toEqual([['o-1', 'a/1', 1]]);
      expect(await right(c.claim({ orderId: 'o-1', token: 'b/2', nowMs: T + LEASE, leaseMs: LEASE, seenPosition: 0 }))).toMatchObject({ token: 'b/2', attempts: 2 });
      // The first holder's lease is gone: its release changes nothing.
      expect(await right(c.release(release('o-1', 'a/1')))).toBe(false);
      expect(await right(c.release(release('o-1', 'b/2', { attempts: 2, nextAtMs: T + 120_000, lastError: 'timeout', deadlineNoted: 'd1' })))).toBe(true);
      expect(await right(c.waiting(T + LEASE + 1))).toEqual([
        { orderId: 'o-1', attempts: 2, nextAtMs: T + 120_000, leaseToken: null, leaseUntilMs: 0, seenPosition: 0, checkedAtMs: T + 1, lastError: 'timeout' },
      ]);
    });

    test('a released order waits for its next due time; the deadline key and attempts carry over', async () => {
      if (!keeps()) return;
      const c = claimsOf(store());
      await right(c.claim({ orderId: 'o-2', token: 'a/1', nowMs: T, leaseMs: LEASE, seenPosition: 0 }));
      await right(c.release(release('o-2', 'a/1', { nextAtMs: T + 60_000, deadlineNoted: 'deadline-key' })));
      expect(await right(c.claim({ orderId: 'o-2', token: 'a/2', nowMs: T + 59_999, leaseMs: LEASE, seenPosition: 0 }))).toBeUndefined();
      expect(await right(c.claim({ orderId: 'o-2', token: 'a/3', nowMs: T + 60_000, leaseMs: LEASE, seenPosition: 0 }))).toEqual({ orderId: 'o-2', token: 'a/3', attempts: 2, deadlineNoted: 'deadline-key' });
      // Done: attempts back to 0, due again at once when it is next due.
      await right(c.release(release('o-2', 'a/3', { attempts: 0, nextAtMs: 0 })));
      expect(await right(c.waiting(T + 60_001))).toEqual([]);
      expect(await right(c.claim({ orderId: 'o-2', token: 'a/4', nowMs: T + 60_001, leaseMs: LEASE, seenPosition: 0 }))).toMatchObject({ attempts: 1 });
    });

    test('a claimer that has read less of the log than the last check is refused', async () => {
      if (!keeps()) return;
      const c = claimsOf(store());
      await right(c.claim({ orderId: 'o-3', token: 'a/1', nowMs: T, leaseMs: LEASE, seenPosition: 7 }));
      await right(c.release(release('o-3', 'a/1', { attempts: 0, nextAtMs: 0, seenPosition: 12 })));
      expect(await right(c.claim({ orderId: 'o-3', token: 'b/1', nowMs: T + 1, leaseMs: LEASE, seenPosition: 11 }))).toBeUndefined();
      expect(await right(c.claim({ orderId: 'o-3', token: 'b/2', nowMs: T + 1, leaseMs: LEASE, seenPosition: 12 }))).toMatchObject({ attempts: 1 });
    });

    test('of 10 racing claims of one order (across instances when there are several) exactly one wins', async () => {
      if (!keeps()) return;
      const targets = await instances();
      const results = await Promise.all(
        range(0, 9).map((i) => claimsOf(at(targets, i)).claim({ orderId: 'race', token: `w${i}/1`, nowMs: T, leaseMs: LEASE, seenPosition: 0 })()),
      );
      expect(rights(results).filter((r) => r !== undefined)).toHaveLength(1);
    });

    test('bad arguments are refused naming the field', async () => {
      if (!keeps()) return;
      const c = claimsOf(store());
      expect(await left(c.claim({ orderId: '', token: 't', nowMs: T, leaseMs: LEASE, seenPosition: 0 }))).toEqual({ _tag: 'InvalidArgument', reason: 'orderId must not be empty' });
      expect(await left(c.claim({ orderId: 'o', token: 't', nowMs: T, leaseMs: 0, seenPosition: 0 }))).toMatchObject({ _tag: 'InvalidArgument', reason: expect.stringContaining('leaseMs') });
      expect(await left(c.release(release('o', 't', { nextAtMs: 1.5 })))).toMatchObject({ _tag: 'InvalidArgument', reason: expect.stringContaining('nextAtMs') });
      expect(await left(c.waiting(-1))).toMatchObject({ _tag: 'InvalidArgument', reason: expect.stringContaining('nowMs') });
    });
  });
};
