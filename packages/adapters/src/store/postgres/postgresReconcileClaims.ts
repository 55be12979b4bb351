/**
 * Reconciliation claims on PostgreSQL (migration 7). A claim is one upsert: concurrent claims of
 * one order wait on its row, and only the first finds it free, so workers in any number of
 * processes never hold the same order at once.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { ReconcileClaims, ReconcileRecord } from '../reconcileClaims';
import { validateClaimRequest, validateRelease } from '../reconcileClaims';
import { checkInteger } from '../shared/argumentChecks';
import { prepared } from './postgresConnection';
import type { PostgresContext } from './postgresContext';

interface Row {
  readonly order_id: string;
  readonly attempts: number;
  readonly next_at_ms: string;
  readonly lease_token: string | null;
  readonly lease_until_ms: string;
  readonly seen_position: string;
  readonly checked_at_ms: string | null;
  readonly last_error: string | null;
}

export const postgresReconcileClaims = ({ pool, s, task }: PostgresContext): ReconcileClaims => ({
  claim: (request) =>
    task(async () => {
      const valid = validateClaimRequest(request);
      if (E.isLeft(valid)) return valid;
      const { orderId, token, nowMs, leaseMs, seenPosition } = valid.right;
      const rows = await pool.query<{ attempts: number; deadline_noted: string | null }>(
        prepared(
          `INSERT INTO ${s}.reconcile_claims AS c (order_id, attempts, lease_token, lease_until_ms) VALUES ($1, 1, $2, $3)
           ON CONFLICT (order_id) DO UPDATE SET attempts = c.attempts + 1, lease_token = excluded.lease_token, lease_until_ms = excluded.lease_until_ms
           WHERE c.next_at_ms <= $4 AND c.lease_until_ms <= $4 AND c.seen_position <= $5
           RETURNING attempts, deadline_noted`,
          [orderId, token, nowMs + leaseMs, nowMs, seenPosition],
        ),
      );
      const row = rows.rows[0];
      return E.right(row === undefined ? undefined : { orderId, token, attempts: row.attempts, deadlineNoted: row.deadline_noted });
    }),
  release: (release) =>
    task(async () => {
      const valid = validateRelease(release);
      if (E.isLeft(valid)) return valid;
      const v = valid.right;
      const r = await pool.query(
        prepared(
          `UPDATE ${s}.reconcile_claims SET attempts = $1, next_at_ms = $2, lease_token = NULL, lease_until_ms = 0,
             seen_position = greatest(seen_position, $3), checked_at_ms = $4, last_error = $5, deadline_noted = $6
           WHERE order_id = $7 AND lease_token = $8`,
          [v.attempts, v.nextAtMs, v.seenPosition, v.checkedAtMs, v.lastError, v.deadlineNoted, v.orderId, v.token],
        ),
      );
      return E.right(r.rowCount === 1);
    }),
  waiting: (nowMs) =>
    task(async () => {
      const now = checkInteger(nowMs, 'nowMs', 0);
      if (E.isLeft(now)) return now;
      const rows = await pool.query<Row>(
        prepared(
          `SELECT order_id, attempts, next_at_ms, lease_token, lease_until_ms, seen_position, checked_at_ms, last_error
           FROM ${s}.reconcile_claims WHERE next_at_ms > $1 OR lease_until_ms > $1`,
          [nowMs],
        ),
      );
      return E.right(
        rows.rows.map(
          (r): ReconcileRecord => ({
            orderId: r.order_id,
            attempts: r.attempts,
            nextAtMs: Number(r.next_at_ms),
            leaseToken: Number(r.lease_until_ms) > nowMs ? r.lease_token : null,
            leaseUntilMs: Number(r.lease_until_ms),
            seenPosition: Number(r.seen_position),
            checkedAtMs: r.checked_at_ms === null ? null : Number(r.checked_at_ms),
            lastError: r.last_error,
          }),
        ),
      );
    }),
});
