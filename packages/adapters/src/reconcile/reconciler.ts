/**
 * The reconciliation worker: asks GET status for every order whose planned deadline has passed or
 * that carries an open flag (the payments projection's reconciliation queue), lets the client
 * record the answer, and backs off per order (exponential, bounded) while an order stays due. An
 * order leaves the queue once its state is settled or terminal and unflagged.
 *
 * Each check is claimed first in the store's reconciliation claims (a lease with an expiry), and
 * the attempt count, the next due time and the last deadline recorded are kept there: any number
 * of workers on one store make one status call per due order per due time, never two at once, and
 * a restarted worker neither forgets nor repeats. A worker that dies mid-check holds its orders
 * until its lease expires.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import * as E from 'fp-ts/lib/Either.js';
import { parseMidtransTime } from '@paystate/engine';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { createPaymentsProjection, type Ingestor, type PaymentsProjection } from '../ingest/index';
import { inSpan, leftTag, loggerOf, noMetrics, ORDER_ID, type Logger, type PaystateMetrics } from '../observe/index';
import { formatStoreError, inMemoryReconcileClaims, type ReconcileClaim, type ReconcileClaims, type StoreError } from '../store/index';
import { dueOf } from '../ingest/projection';
import type { CoreApiClient } from '../coreApi/index';
import { renderCoreApiError, type CoreApiError } from '../coreApi/index';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

export interface ReconcilerOptions {
  /** Only `status` is used; it records the answer. */
  readonly client: Pick<CoreApiClient, 'status'>;
  /** Where observations are recorded (the projection follows its store). */
  readonly ingestor: Ingestor;
  /** The time `start()` reconciles at (the wall clock by default). */
  readonly clock?: () => Date;
  /** The first wait after an order stayed due (default 1 minute); doubles up to `maxBackoffMs` (default 1 hour). */
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Status calls in flight at once (default 8). */
  readonly concurrency?: number;
  /**
   * How long a claim on an order lasts (default 2 minutes): past it, another worker may check the
   * order. Make it longer than a status call can take with the client's retries, or two workers
   * may call at once.
   */
  readonly leaseMs?: number;
  /** Names this worker in its claims (default: host, process id and a random suffix). */
  readonly workerId?: string;
  /** Called after each round of `start()`. */
  readonly onRound?: (report: ReconcileReport) => void;
  /** Called when a round of `start()` fails (the store failed, or a defect threw); the loop goes on. */
  readonly onError?: (error: ReconcileFailure) => void;
  /** A pino-style logger (silent by default): failed rounds (error, with the cause), failed checks (warn), round summaries (info when something was checked). */
  readonly logger?: Logger;
  /** Reports the queue size and overdue deadlines after each round (none by default). */
  readonly metrics?: PaystateMetrics;
}

/** Why a round of `start()` failed: the store's error, or the defect that was thrown. */
export type ReconcileFailure = { readonly _tag: 'Store'; readonly error: StoreError; readonly at: string } | { readonly _tag: 'Defect'; readonly error: Error; readonly at: string };

export interface ReconcileCheck {
  readonly order_id: string;
  /** Why it was due ("deadline passed: settlement", "flagged: illegal_observation"). */
  readonly why: string;
  /** The engine's outcome for the status answer, when one was received and recorded. */
  readonly outcome?: string;
  /** The order's transaction_status after the check. */
  readonly status?: string | null;
  readonly error?: string;
  /** Still due after the check: when it will be tried again (ISO). */
  readonly retryAt?: string;
}

export interface ReconcileReport {
  readonly at: string;
  /** Orders in the reconciliation queue at the start of the round. */
  readonly due: number;
  readonly checked: readonly ReconcileCheck[];
  /** Due orders skipped because they are backing off. */
  readonly backingOff: number;
  /** Due orders skipped because another worker holds them, or checked them after what this worker has read. */
  readonly claimedElsewhere: number;
}

export interface Reconciler {
  /** Runs one round at `now`: checks every due order that is not backing off. */
  reconcileOnce(now: Date): TE.TaskEither<StoreError, ReconcileReport>;
  /** Reconciles every `intervalMs` (default 60 s) until `stop()`. */
  start(options?: { readonly intervalMs?: number }): void;
  /** Stops the loop and waits for the round in flight. */
  stop(): Promise<void>;
  /** The last failure of a round of `start()`, until a round succeeds. */
  lastError(): ReconcileFailure | undefined;
  /** Orders backing off, with their attempts so far and their next try (ISO), as of this worker's last round. */
  backoff(): ReadonlyMap<string, { readonly failures: number; readonly nextAt: string }>;
  readonly projection: PaymentsProjection;
}

// -------------------------------------------------------------------------------------------------
// the worker
// -------------------------------------------------------------------------------------------------

/** A worker's default name: which host and process holds a claim is what an operator asks first. */
const defaultWorkerId = (): string => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/** Creates a reconciler over a Core API client and the ingestor it records into. */
export const createReconciler = (options: ReconcilerOptions): Reconciler => {
  const { client, ingestor } = options;
  const clock = options.clock ?? (() => new Date());
  const base = options.baseBackoffMs ?? 60_000;
  const max = options.maxBackoffMs ?? 3_600_000;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const leaseMs = Math.max(1, Math.floor(options.leaseMs ?? 120_000));
  const workerId = options.workerId ?? defaultWorkerId();
  const claims: ReconcileClaims = ingestor.store.reconcileClaims ?? inMemoryReconcileClaims();
  const logger = loggerOf(options.logger).child({ component: 'reconciler' });
  const metrics = options.metrics ?? noMetrics;
  let lastError: ReconcileFailure | undefined;
  const projection = createPaymentsProjection();
  /** What this worker last learnt of the orders backing off (from the store, and its own checks). */
  let backoff = new Map<string, { failures: number; nextAt: number }>();
  let claimsMade = 0;

  /** Whether the order's next planned deadline has passed (flagged or not). */
  const overdue = (orderId: string, t: number): boolean => {
    const d = projection.row(orderId)?.next_deadline;
    const at = d === null || d === undefined ? undefined : parseMidtransTime(d.at);
    return at !== undefined && at <= t;
  };

  // Catch-ups run one after another: the projection applies each event once.
  let catching: Promise<E.Either<StoreError, void>> = Promise.resolve(E.right(undefined));
  const catchUp = (): Promise<E.Either<StoreError, void>> => {
    const run = catching.then(async () => {
      const r = await projection.catchUp(ingestor.store)();
      return E.isLeft(r) ? r : E.right(undefined);
    });
    catching = run;
    return run;
  };

  /** Without an answer the engine still learns that a deadline passed (it flags the order), once per deadline: the key is kept with the claim. */
  const recordDeadline = async (orderId: string, claim: ReconcileClaim, now: Date): Promise<E.Either<StoreError, string | null>> => {
    const row = projection.row(orderId);
    const d = row?.next_deadline;
    if (row === undefined || d === null || d === undefined) return E.right(claim.deadlineNoted);
    const key = `${d.at}\n${d.kind}`;
    if (claim.deadlineNoted === key) return E.right(key);
    const r = await ingestor.ingest(
      {
        kind: 'deadline_passed',
        payload: { order_id: orderId, ...(row.attempt !== null ? { transaction_id: row.attempt } : {}), deadline: d.at, reason: d.kind },
      },
      { receivedAt: now.toISOString() },
    )();
    return E.isLeft(r) ? r : E.right(key);
  };

  /** The status call for a claimed order, and what it found: the check, and the deadline key to keep. */
  const callStatus = async (orderId: string, why: string, claim: ReconcileClaim, now: Date): Promise<E.Either<StoreError, { check: ReconcileCheck; noted: string | null }>> => {
    const r = await client.status(orderId)();
    if (E.isRight(r)) return E.right({ check: { order_id: orderId, why, outcome: r.right.ingested.outcome, status: r.right.transactionStatus ?? null }, noted: claim.deadlineNoted });
    const e: CoreApiError = r.left;
    if (e._tag === 'StoreError') return E.left(e.error);
    let noted = claim.deadlineNoted;
    if (e._tag === 'Network' || e._tag === 'Timeout') {
      const recorded = await recordDeadline(orderId, claim, now);
      if (E.isLeft(recorded)) return recorded;
      noted = recorded.right;
    }
    const outcome = e._tag === 'MidtransError' || e._tag === 'BadResponse' ? e.ingested?.outcome : undefined;
    logger.warn({ order_id: orderId, why, cause: renderCoreApiError(e) }, 'reconciliation check failed');
    return E.right({ check: { order_id: orderId, why, ...(outcome !== undefined ? { outcome } : {}), error: renderCoreApiError(e) }, noted });
  };

  /** Checks a claimed order and releases the claim with what the check found: still due (back off), or done. */
  const checkClaimed = async (orderId: string, why: string, claim: ReconcileClaim, now: Date, at: () => number): Promise<E.Either<StoreError, ReconcileCheck>> => {
    const t = now.getTime();
    const called = await callStatus(orderId, why, claim, now);
    const caught = E.isLeft(called) ? called : await catchUp();
    const row = projection.row(orderId);
    const stillDue = E.isLeft(caught) || row === undefined || dueOf(row, now) !== undefined;
    const nextAt = stillDue ? t + Math.min(base * 2 ** (claim.attempts - 1), max) : 0;
    const released = await claims.release({
      orderId,
      token: claim.token,
      attempts: stillDue ? claim.attempts : 0,
      nextAtMs: nextAt,
      seenPosition: projection.position(),
      checkedAtMs: at(),
      lastError: E.isLeft(caught) ? formatStoreError(caught.left) : (E.isRight(called) ? called.right.check.error : undefined) ?? null,
      deadlineNoted: E.isRight(called) ? called.right.noted : claim.deadlineNoted,
    })();
    if (E.isLeft(called)) return called;
    if (E.isLeft(caught)) return caught;
    if (E.isLeft(released)) return released;
    if (!released.right) logger.warn({ order_id: orderId, lease_ms: leaseMs }, 'reconciliation claim expired before the check ended: another worker may have checked the order too; lengthen the lease');
    if (stillDue) backoff.set(orderId, { failures: claim.attempts, nextAt });
    else backoff.delete(orderId);
    const status = row?.status ?? called.right.check.status ?? null;
    return E.right({ ...called.right.check, status, ...(stillDue ? { retryAt: new Date(nextAt).toISOString() } : {}) });
  };

  const check = (orderId: string, why: string, claim: ReconcileClaim, now: Date, at: () => number): Promise<E.Either<StoreError, ReconcileCheck>> =>
    inSpan('paystate.reconcile.check', { [ORDER_ID]: orderId, 'paystate.reconcile.why': why }, () => checkClaimed(orderId, why, claim, now, at), leftTag);

  /** Whether the order is due at `now` as far as this worker has read. */
  const dueNow = (orderId: string, now: Date): boolean => {
    const row = projection.row(orderId);
    return row !== undefined && dueOf(row, now) !== undefined;
  };

  const reconcileOnce = (now: Date): TE.TaskEither<StoreError, ReconcileReport> => () =>
    inSpan('paystate.reconcile', { 'paystate.reconcile.at': now.toISOString() }, async (span) => {
      const r = await round(now);
      if (E.isRight(r)) span.setAttributes({ 'paystate.reconcile.due': r.right.due, 'paystate.reconcile.checked': r.right.checked.length });
      return r;
    }, leftTag);

  const round = async (now: Date): Promise<E.Either<StoreError, ReconcileReport>> => {
    const t = now.getTime();
    // Claims are timed on the round's clock, moved on by the time the round has taken.
    const started = performance.now();
    const at = (): number => t + Math.floor(performance.now() - started);
    const caught = await catchUp();
    if (E.isLeft(caught)) return caught;
    const queue = projection.reconciliationQueue(now);
    const waiting = await claims.waiting(t)();
    if (E.isLeft(waiting)) return waiting;
    const held = new Map(waiting.right.map((w) => [w.orderId, w]));
    backoff = new Map(waiting.right.filter((w) => w.nextAtMs > t).map((w) => [w.orderId, { failures: w.attempts, nextAt: w.nextAtMs }]));
    const ready = queue.filter((q) => !held.has(q.order_id));
    const backingOff = queue.filter((q) => (held.get(q.order_id)?.nextAtMs ?? 0) > t).length;
    const results: ReconcileCheck[] = [];
    let elsewhere = queue.length - ready.length - backingOff;
    let failure: StoreError | undefined;
    let next = 0;
    const worker = async () => {
      while (failure === undefined && next < ready.length) {
        const q = ready[next++]!;
        // The queue was read at the round's start; since then this worker may have read another's check of the order.
        if (!dueNow(q.order_id, now)) {
          elsewhere += 1;
          continue;
        }
        // Claimed with the position read so far: a check recorded after it (by another worker) makes the claim fail.
        const claim = await claims.claim({ orderId: q.order_id, token: `${workerId}/${++claimsMade}`, nowMs: at(), leaseMs, seenPosition: projection.position() })();
        if (E.isLeft(claim)) failure = claim.left;
        else if (claim.right === undefined) elsewhere += 1;
        else if (!dueNow(q.order_id, now)) {
          elsewhere += 1;
          const released = await claims.release({ orderId: q.order_id, token: claim.right.token, attempts: 0, nextAtMs: 0, seenPosition: projection.position(), checkedAtMs: at(), lastError: null, deadlineNoted: claim.right.deadlineNoted })();
          if (E.isLeft(released)) failure = released.left;
        } else {
          const r = await check(q.order_id, q.why, claim.right, now, at);
          if (E.isLeft(r)) failure = r.left;
          else results.push(r.right);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, ready.length) }, worker));
    if (failure !== undefined) return E.left(failure);
    const after = await catchUp();
    if (E.isLeft(after)) return after;
    const left = projection.reconciliationQueue(now);
    metrics.reconciliation(left.length, left.filter((q) => overdue(q.order_id, t)).length);
    const checked = [...results].sort((a, b) => (a.order_id < b.order_id ? -1 : a.order_id > b.order_id ? 1 : 0));
    return E.right({ at: now.toISOString(), due: queue.length, checked, backingOff, claimedElsewhere: elsewhere });
  };

  const failed = (f: ReconcileFailure): void => {
    lastError = f;
    logger.error({ cause: f._tag === 'Store' ? formatStoreError(f.error) : f.error.message, kind: f._tag }, 'reconciliation round failed');
    try {
      options.onError?.(f);
    } catch {
      // The host's hook threw: the failure is logged and kept already.
    }
  };

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;

  const start = (o: { readonly intervalMs?: number } = {}) => {
    if (!stopped) return;
    stopped = false;
    const interval = o.intervalMs ?? 60_000;
    const tick = () => {
      running = (async () => {
        const at = clock();
        const r = await reconcileOnce(at)();
        if (E.isLeft(r)) return failed({ _tag: 'Store', error: r.left, at: at.toISOString() });
        lastError = undefined;
        const { due, checked, backingOff, claimedElsewhere } = r.right;
        const summary = { due, checked: checked.length, backing_off: backingOff, claimed_elsewhere: claimedElsewhere, worker: workerId };
        if (checked.length > 0) logger.info(summary, 'reconciliation round');
        else logger.debug(summary, 'reconciliation round');
        options.onRound?.(r.right);
      })()
        // A defect (or a throwing onRound) must not stop the loop; it is logged and kept.
        .catch((e: unknown) => failed({ _tag: 'Defect', error: e instanceof Error ? e : new Error(String(e)), at: clock().toISOString() }))
        .finally(() => {
          running = undefined;
          if (!stopped) timer = setTimeout(tick, interval);
        });
    };
    tick();
  };

  const stop = async () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    await running;
  };

  return {
    projection,
    reconcileOnce,
    start,
    stop,
    lastError: () => lastError,
    backoff: () => new Map([...backoff].map(([k, v]) => [k, { failures: v.failures, nextAt: new Date(v.nextAt).toISOString() }])),
  };
};
