/**
 * The reconciliation worker: asks GET status for every order whose planned deadline has passed or
 * that carries an open flag (the payments projection's reconciliation queue), lets the client
 * record the answer, and backs off per order (exponential, bounded) while an order stays due. An
 * order leaves the queue, and the worker's memory, once its state is settled or terminal and unflagged.
 */
import * as E from 'fp-ts/lib/Either.js';
import { parseMidtransTime } from '@paystate/engine';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { createPaymentsProjection, type Ingestor, type PaymentsProjection } from '../ingest/index';
import { inSpan, leftTag, loggerOf, noMetrics, ORDER_ID, type Logger, type PaystateMetrics } from '../observe/index';
import { formatStoreError, type StoreError } from '../store/index';
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
  /** Orders backing off, with their next try (ISO). */
  backoff(): ReadonlyMap<string, { readonly failures: number; readonly nextAt: string }>;
  readonly projection: PaymentsProjection;
}

// -------------------------------------------------------------------------------------------------
// the worker
// -------------------------------------------------------------------------------------------------

/** Creates a reconciler over a Core API client and the ingestor it records into. */
export const createReconciler = (options: ReconcilerOptions): Reconciler => {
  const { client, ingestor } = options;
  const clock = options.clock ?? (() => new Date());
  const base = options.baseBackoffMs ?? 60_000;
  const max = options.maxBackoffMs ?? 3_600_000;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const logger = loggerOf(options.logger).child({ component: 'reconciler' });
  const metrics = options.metrics ?? noMetrics;
  let lastError: ReconcileFailure | undefined;
  const projection = createPaymentsProjection();
  const backoff = new Map<string, { failures: number; nextAt: number }>();
  /** Deadlines already recorded as passed (order + deadline), so each is recorded once. */
  const deadlinesRecorded = new Set<string>();

  /** Whether the order's next planned deadline has passed (flagged or not). */
  const overdue = (orderId: string, t: number): boolean => {
    const d = projection.row(orderId)?.next_deadline;
    const at = d === null || d === undefined ? undefined : parseMidtransTime(d.at);
    return at !== undefined && at <= t;
  };

  const catchUp = async (): Promise<E.Either<StoreError, void>> => {
    const r = await projection.catchUp(ingestor.store)();
    return E.isLeft(r) ? r : E.right(undefined);
  };

  /** Without an answer the engine still learns that a deadline passed (it flags the order). */
  const recordDeadline = async (orderId: string, now: Date): Promise<E.Either<StoreError, void>> => {
    const row = projection.row(orderId);
    const d = row?.next_deadline;
    if (row === undefined || d === null || d === undefined) return E.right(undefined);
    const key = `${orderId}\n${d.at}\n${d.kind}`;
    if (deadlinesRecorded.has(key)) return E.right(undefined);
    deadlinesRecorded.add(key);
    const r = await ingestor.ingest(
      {
        kind: 'deadline_passed',
        payload: { order_id: orderId, ...(row.attempt !== null ? { transaction_id: row.attempt } : {}), deadline: d.at, reason: d.kind },
      },
      { receivedAt: now.toISOString() },
    )();
    return E.isLeft(r) ? r : E.right(undefined);
  };

  const check = (orderId: string, why: string, now: Date): Promise<E.Either<StoreError, ReconcileCheck>> =>
    inSpan('paystate.reconcile.check', { [ORDER_ID]: orderId, 'paystate.reconcile.why': why }, () => checkOrder(orderId, why, now), leftTag);

  const checkOrder = async (orderId: string, why: string, now: Date): Promise<E.Either<StoreError, ReconcileCheck>> => {
    const r = await client.status(orderId)();
    if (E.isRight(r))
      return E.right({ order_id: orderId, why, outcome: r.right.ingested.outcome, status: r.right.transactionStatus ?? null });
    const e: CoreApiError = r.left;
    if (e._tag === 'StoreError') return E.left(e.error);
    if (e._tag === 'Network' || e._tag === 'Timeout') {
      const recorded = await recordDeadline(orderId, now);
      if (E.isLeft(recorded)) return recorded;
    }
    const outcome = e._tag === 'MidtransError' || e._tag === 'BadResponse' ? e.ingested?.outcome : undefined;
    logger.warn({ order_id: orderId, why, cause: renderCoreApiError(e) }, 'reconciliation check failed');
    return E.right({ order_id: orderId, why, ...(outcome !== undefined ? { outcome } : {}), error: renderCoreApiError(e) });
  };

  const reconcileOnce = (now: Date): TE.TaskEither<StoreError, ReconcileReport> => () =>
    inSpan('paystate.reconcile', { 'paystate.reconcile.at': now.toISOString() }, async (span) => {
      const r = await round(now);
      if (E.isRight(r)) span.setAttributes({ 'paystate.reconcile.due': r.right.due, 'paystate.reconcile.checked': r.right.checked.length });
      return r;
    }, leftTag);

  const round = async (now: Date): Promise<E.Either<StoreError, ReconcileReport>> => {
    const t = now.getTime();
    const caught = await catchUp();
    if (E.isLeft(caught)) return caught;
    const queue = projection.reconciliationQueue(now);
    const dueIds = new Set(queue.map((q) => q.order_id));
    for (const id of [...backoff.keys()]) if (!dueIds.has(id)) backoff.delete(id);
    const ready = queue.filter((q) => (backoff.get(q.order_id)?.nextAt ?? -Infinity) <= t);
    const results: ReconcileCheck[] = [];
    let failure: StoreError | undefined;
    let next = 0;
    const worker = async () => {
      while (failure === undefined && next < ready.length) {
        const q = ready[next++]!;
        const r = await check(q.order_id, q.why, now);
        if (E.isLeft(r)) failure = r.left;
        else results.push(r.right);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, ready.length) }, worker));
    if (failure !== undefined) return E.left(failure);
    const after = await catchUp();
    if (E.isLeft(after)) return after;
    const left = projection.reconciliationQueue(now);
    metrics.reconciliation(left.length, left.filter((q) => overdue(q.order_id, t)).length);
    const stillDue = new Set(left.map((q) => q.order_id));
    const checked = results
      .map((c): ReconcileCheck => {
        const status = projection.row(c.order_id)?.status ?? c.status ?? null;
        if (!stillDue.has(c.order_id)) {
          backoff.delete(c.order_id);
          return { ...c, status };
        }
        const failures = (backoff.get(c.order_id)?.failures ?? 0) + 1;
        const nextAt = t + Math.min(base * 2 ** (failures - 1), max);
        backoff.set(c.order_id, { failures, nextAt });
        return { ...c, status, retryAt: new Date(nextAt).toISOString() };
      })
      .sort((a, b) => (a.order_id < b.order_id ? -1 : a.order_id > b.order_id ? 1 : 0));
    return E.right({ at: now.toISOString(), due: queue.length, checked, backingOff: queue.length - ready.length });
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
        const { due, checked, backingOff } = r.right;
        if (checked.length > 0) logger.info({ due, checked: checked.length, backing_off: backingOff }, 'reconciliation round');
        else logger.debug({ due, checked: 0, backing_off: backingOff }, 'reconciliation round');
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
