/**
 * Reconciliation claims on SQLite (migration 7). A claim is one upsert, atomic under SQLite's
 * write lock, so workers in several processes on one file never hold the same order at once.
 * Writes go through the writer thread when the store has one; reads run here.
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { StoreError } from '../eventStore';
import { storeUnavailable } from '../eventStore';
import { checkInteger } from '../shared/argumentChecks';
import type { ReconcileClaims, ReconcileRecord } from '../reconcileClaims';
import { validateClaimRequest, validateRelease } from '../reconcileClaims';
import type { SqliteContext } from './sqliteContext';
import { writerStoreError } from './sqliteStoreError';

const CLAIM = `INSERT INTO reconcile_claims (order_id, attempts, lease_token, lease_until_ms) VALUES (?, 1, ?, ?)
  ON CONFLICT (order_id) DO UPDATE SET attempts = attempts + 1, lease_token = excluded.lease_token, lease_until_ms = excluded.lease_until_ms
  WHERE next_at_ms <= ? AND lease_until_ms <= ? AND seen_position <= ?`;
const RELEASE = `UPDATE reconcile_claims SET attempts = ?, next_at_ms = ?, lease_token = NULL, lease_until_ms = 0,
  seen_position = max(seen_position, ?), checked_at_ms = ?, last_error = ?, deadline_noted = ?
  WHERE order_id = ? AND lease_token = ?`;
const WAITING = `SELECT order_id, attempts, next_at_ms, lease_token, lease_until_ms, seen_position, checked_at_ms, last_error
  FROM reconcile_claims WHERE next_at_ms > ? OR lease_until_ms > ?`;

interface Row {
  readonly order_id: string;
  readonly attempts: number;
  readonly next_at_ms: number;
  readonly lease_token: string | null;
  readonly lease_until_ms: number;
  readonly seen_position: number;
  readonly checked_at_ms: number | null;
  readonly last_error: string | null;
}

export const sqliteReconcileClaims = ({ db, isClosed, run, writerThread }: SqliteContext): ReconcileClaims => {
  const claimInline = db.prepare(CLAIM);
  const releaseInline = db.prepare(RELEASE);
  const waiting = db.prepare<[number, number], Row>(WAITING);
  const claimed = db.prepare<[string], { attempts: number; deadline_noted: string | null; lease_token: string | null }>(
    'SELECT attempts, deadline_noted, lease_token FROM reconcile_claims WHERE order_id = ?',
  );

  /** One write: on the writer thread when there is one (committed when it answers), else here. */
  const write = async (sql: string, inline: typeof claimInline, params: readonly unknown[]): Promise<E.Either<StoreError, number>> => {
    if (isClosed()) return E.left(storeUnavailable('the database is closed'));
    const w = writerThread();
    if (w === undefined) return run(() => E.right(inline.run(...params).changes))();
    return w.run(sql, params).then(
      (info) => E.right(info.changes),
      (e: unknown) => E.left(writerStoreError(e)),
    );
  };

  return {
    claim: (request): TE.TaskEither<StoreError, { orderId: string; token: string; attempts: number; deadlineNoted: string | null } | undefined> => async () => {
      const valid = validateClaimRequest(request);
      if (E.isLeft(valid)) return valid;
      const { orderId, token, nowMs, leaseMs, seenPosition } = valid.right;
      const changed = await write(CLAIM, claimInline, [orderId, token, nowMs + leaseMs, nowMs, nowMs, seenPosition]);
      if (E.isLeft(changed)) return changed;
      if (changed.right === 0) return E.right(undefined);
      return run(() => {
        const row = claimed.get(orderId);
        return E.right(row === undefined || row.lease_token !== token ? undefined : { orderId, token, attempts: row.attempts, deadlineNoted: row.deadline_noted });
      })();
    },
    release: (release) => async () => {
      const valid = validateRelease(release);
      if (E.isLeft(valid)) return valid;
      const v = valid.right;
      const changed = await write(RELEASE, releaseInline, [v.attempts, v.nextAtMs, v.seenPosition, v.checkedAtMs, v.lastError, v.deadlineNoted, v.orderId, v.token]);
      return E.isLeft(changed) ? changed : E.right(changed.right === 1);
    },
    waiting: (nowMs) =>
      run(() => {
        const now = checkInteger(nowMs, 'nowMs', 0);
        if (E.isLeft(now)) return now;
        return E.right(
          waiting.all(nowMs, nowMs).map(
            (r): ReconcileRecord => ({
              orderId: r.order_id,
              attempts: r.attempts,
              nextAtMs: r.next_at_ms,
              leaseToken: r.lease_until_ms > nowMs ? r.lease_token : null,
              leaseUntilMs: r.lease_until_ms,
              seenPosition: r.seen_position,
              checkedAtMs: r.checked_at_ms,
              lastError: r.last_error,
            }),
          ),
        );
      }),
  };
};
