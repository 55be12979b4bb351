/**
 * Reconciliation claims: the store's record, per order, of who may ask Midtrans for its status
 * now, and when it may be asked again. Every reconciliation worker on one store claims an order
 * before its GET status call and releases it after; a claim is a lease with an expiry, so a worker
 * that dies mid-check holds the order no longer than the lease. The attempt count, the next due
 * time (the backoff) and the last deadline recorded live here, not in a worker's memory, so a
 * restart neither forgets nor repeats them.
 *
 * Times are milliseconds on the workers' clock; the workers of one store must agree on it to well
 * within a lease.
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { StoreError } from './eventStore';
import { checkInteger, checkText } from './shared/argumentChecks';
import { syncTask } from './shared/syncTask';
import { storeFailed } from './eventStore';
import { errorMessage } from './shared/errorMessage';

export interface ReconcileClaimRequest {
  readonly orderId: string;
  /** Identifies this claim (a worker's id and a counter): only its holder releases it. */
  readonly token: string;
  /** The claimer's time. */
  readonly nowMs: number;
  /** The claim expires at nowMs + leaseMs, and then another worker may claim the order. */
  readonly leaseMs: number;
  /**
   * The global log position the claimer has read up to. An order checked by a worker that had
   * read further is not claimed: the claimer's view of it is older than that check.
   */
  readonly seenPosition: number;
}

export interface ReconcileClaim {
  readonly orderId: string;
  readonly token: string;
  /** Checks of the order while it stayed due, this one included. */
  readonly attempts: number;
  /** The last deadline recorded as passed for the order (its key), if any. */
  readonly deadlineNoted: string | null;
}

export interface ReconcileRelease {
  readonly orderId: string;
  readonly token: string;
  /** The attempt count to keep: 0 once the order is no longer due. */
  readonly attempts: number;
  /** When the order may be checked again (0: as soon as it is due). */
  readonly nextAtMs: number;
  /** The position the releaser had read up to after its check. */
  readonly seenPosition: number;
  readonly checkedAtMs: number;
  readonly lastError: string | null;
  readonly deadlineNoted: string | null;
}

/** One order's record. */
export interface ReconcileRecord {
  readonly orderId: string;
  readonly attempts: number;
  readonly nextAtMs: number;
  /** The token of the claim held now (null when none, or it has expired). */
  readonly leaseToken: string | null;
  readonly leaseUntilMs: number;
  readonly seenPosition: number;
  readonly checkedAtMs: number | null;
  readonly lastError: string | null;
}

export interface ReconcileClaims {
  /** Claims the order if it is neither leased nor backing off at nowMs, and the claimer has read as far as its last check; undefined otherwise. */
  claim(request: ReconcileClaimRequest): TE.TaskEither<StoreError, ReconcileClaim | undefined>;
  /** Ends a claim with what the check found; false when the claim was no longer held (it expired and another worker took the order). */
  release(release: ReconcileRelease): TE.TaskEither<StoreError, boolean>;
  /** The records that hold an order back at nowMs: backing off (nextAtMs > nowMs) or leased (leaseUntilMs > nowMs). */
  waiting(nowMs: number): TE.TaskEither<StoreError, readonly ReconcileRecord[]>;
}

/** Checks a claim request's fields, naming the first bad one. */
export const validateClaimRequest = (r: ReconcileClaimRequest): E.Either<StoreError, ReconcileClaimRequest> => {
  const checks = [
    checkText(r.orderId, 'orderId'),
    checkText(r.token, 'token'),
    checkInteger(r.nowMs, 'nowMs', 0),
    checkInteger(r.leaseMs, 'leaseMs', 1),
    checkInteger(r.seenPosition, 'seenPosition', 0),
  ];
  for (const c of checks) if (E.isLeft(c)) return c;
  return E.right(r);
};

/** Checks a release's fields, naming the first bad one. */
export const validateRelease = (r: ReconcileRelease): E.Either<StoreError, ReconcileRelease> => {
  const checks = [
    checkText(r.orderId, 'orderId'),
    checkText(r.token, 'token'),
    checkInteger(r.attempts, 'attempts', 0),
    checkInteger(r.nextAtMs, 'nextAtMs', 0),
    checkInteger(r.seenPosition, 'seenPosition', 0),
    checkInteger(r.checkedAtMs, 'checkedAtMs', 0),
    r.lastError === null ? E.right('') : checkText(r.lastError, 'lastError', { allowEmpty: true }),
    r.deadlineNoted === null ? E.right('') : checkText(r.deadlineNoted, 'deadlineNoted'),
  ];
  for (const c of checks) if (E.isLeft(c)) return c;
  return E.right(r);
};

interface MemoryRecord {
  attempts: number;
  nextAtMs: number;
  leaseToken: string | null;
  leaseUntilMs: number;
  seenPosition: number;
  checkedAtMs: number | null;
  lastError: string | null;
  deadlineNoted: string | null;
}

/** Claims held in this process's memory: for the in-memory store, and for a store that keeps none (one worker per store). */
export const inMemoryReconcileClaims = (): ReconcileClaims => {
  const records = new Map<string, MemoryRecord>();
  const run = <A>(body: () => E.Either<StoreError, A>): TE.TaskEither<StoreError, A> => syncTask(body, (e) => storeFailed(errorMessage(e)));
  return {
    claim: (request) =>
      run(() => {
        const valid = validateClaimRequest(request);
        if (E.isLeft(valid)) return valid;
        const { orderId, token, nowMs, leaseMs, seenPosition } = valid.right;
        const r = records.get(orderId);
        if (r !== undefined && (r.nextAtMs > nowMs || r.leaseUntilMs > nowMs || r.seenPosition > seenPosition)) return E.right(undefined);
        const next: MemoryRecord = r ?? { attempts: 0, nextAtMs: 0, leaseToken: null, leaseUntilMs: 0, seenPosition: 0, checkedAtMs: null, lastError: null, deadlineNoted: null };
        next.attempts += 1;
        next.leaseToken = token;
        next.leaseUntilMs = nowMs + leaseMs;
        records.set(orderId, next);
        return E.right({ orderId, token, attempts: next.attempts, deadlineNoted: next.deadlineNoted });
      }),
    release: (release) =>
      run(() => {
        const valid = validateRelease(release);
        if (E.isLeft(valid)) return valid;
        const v = valid.right;
        const r = records.get(v.orderId);
        if (r === undefined || r.leaseToken !== v.token) return E.right(false);
        Object.assign(r, {
          attempts: v.attempts,
          nextAtMs: v.nextAtMs,
          leaseToken: null,
          leaseUntilMs: 0,
          seenPosition: Math.max(r.seenPosition, v.seenPosition),
          checkedAtMs: v.checkedAtMs,
          lastError: v.lastError,
          deadlineNoted: v.deadlineNoted,
        });
        return E.right(true);
      }),
    waiting: (nowMs) =>
      run(() => {
        const now = checkInteger(nowMs, 'nowMs', 0);
        if (E.isLeft(now)) return now;
        const out: ReconcileRecord[] = [];
        for (const [orderId, r] of records)
          if (r.nextAtMs > nowMs || r.leaseUntilMs > nowMs)
            out.push({ orderId, attempts: r.attempts, nextAtMs: r.nextAtMs, leaseToken: r.leaseUntilMs > nowMs ? r.leaseToken : null, leaseUntilMs: r.leaseUntilMs, seenPosition: r.seenPosition, checkedAtMs: r.checkedAtMs, lastError: r.lastError });
        return E.right(out);
      }),
  };
};
