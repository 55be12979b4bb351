/**
 * The PostgreSQL store's subscription leases and effect claims (migration 6). Lease times are the
 * database's clock, so replicas whose clocks differ still agree on when a lease has expired.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { EffectClaim, EventStore, Lease } from '../eventStore';
import { storeFailed } from '../eventStore';
import { checkText } from '../shared/argumentChecks';
import { validateEffectKey, validateLeaseHandle, validateLeaseRequest, validateMember } from '../shared/validateLeases';
import { prepared, rollback, withClient } from './postgresConnection';
import type { PostgresContext } from './postgresContext';

const NOW_MS = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;

interface LeaseRow {
  readonly subscriber_id: string;
  readonly segment: number;
  readonly segments: number;
  readonly owner: string | null;
  readonly token: string;
  readonly position: string;
  readonly remaining: string;
}

const toLease = (r: LeaseRow): Lease => ({
  subscriberId: r.subscriber_id,
  segment: r.segment,
  segments: r.segments,
  owner: r.owner,
  token: Number(r.token),
  position: Number(r.position),
  remainingMs: Math.max(0, Number(r.remaining)),
});

export const postgresLeases = ({
  pool,
  s,
  task,
}: PostgresContext): Pick<
  EventStore,
  'joinSubscriber' | 'leaveSubscriber' | 'abandonEffect' | 'acquireLease' | 'releaseLease' | 'saveLeasedCheckpoint' | 'readLeases' | 'claimEffect' | 'completeEffect' | 'readUnfinishedEffects' | 'effectInTransaction' | 'getCheckpoint'
> => {
  const leaseColumns = `subscriber_id, segment, segments, owner, token, position,
    CASE WHEN owner IS NULL THEN 0 ELSE greatest(expires_ms - ${NOW_MS}, 0) END AS remaining`;
  // One statement: the row is created, taken over or renewed under its row lock, or left alone
  // (another owner's live lease), in which case nothing is returned.
  const acquireSql = `
    INSERT INTO ${s}.subscription_leases AS l (subscriber_id, segment, segments, owner, token, position, expires_ms)
    VALUES ($1, $2, $3, $4, 1,
      coalesce($6::bigint, (SELECT c.position FROM ${s}.checkpoints c WHERE c.subscriber_id = $1), 0),
      ${NOW_MS} + $5::bigint)
    ON CONFLICT (subscriber_id, segment) DO UPDATE SET
      owner = excluded.owner,
      token = CASE WHEN l.owner = excluded.owner THEN l.token ELSE l.token + 1 END,
      expires_ms = excluded.expires_ms
    WHERE l.owner = excluded.owner OR l.owner IS NULL OR l.expires_ms <= ${NOW_MS}
    RETURNING ${leaseColumns}`;
  const claimSql = `INSERT INTO ${s}.subscription_effects (subscriber_id, key, done, claimed_at) VALUES ($1, $2, $3, now())
    ON CONFLICT (subscriber_id, key) DO NOTHING RETURNING 1 AS claimed`;
  const effectStateSql = `SELECT done FROM ${s}.subscription_effects WHERE subscriber_id = $1 AND key = $2`;

  return {
    // One statement: the heartbeat, the forgetting of expired members and the live list.
    joinSubscriber: (subscriberId, owner, ttlMs) =>
      task(async () => {
        const m = validateMember(subscriberId, owner, ttlMs);
        if (E.isLeft(m)) return m;
        const rows = await pool.query<{ owner: string }>(
          prepared(
            `WITH beat AS (
               INSERT INTO ${s}.subscription_members (subscriber_id, owner, expires_ms) VALUES ($1, $2, ${NOW_MS} + $3::bigint)
               ON CONFLICT (subscriber_id, owner) DO UPDATE SET expires_ms = excluded.expires_ms RETURNING owner),
             gone AS (DELETE FROM ${s}.subscription_members WHERE subscriber_id = $1 AND owner <> $2 AND expires_ms <= ${NOW_MS} RETURNING owner)
             SELECT owner FROM beat
             UNION SELECT owner FROM ${s}.subscription_members WHERE subscriber_id = $1 AND expires_ms > ${NOW_MS}
             ORDER BY owner`,
            [m.right.subscriberId, m.right.owner, m.right.ttlMs],
          ),
        );
        return E.right(rows.rows.map((r) => r.owner));
      }),

    leaveSubscriber: (subscriberId, owner) =>
      task(async () => {
        const m = validateMember(subscriberId, owner, 1);
        if (E.isLeft(m)) return m;
        await pool.query(prepared(`DELETE FROM ${s}.subscription_members WHERE subscriber_id = $1 AND owner = $2`, [m.right.subscriberId, m.right.owner]));
        return E.right(undefined);
      }),

    abandonEffect: (subscriberId, key) =>
      task(async () => {
        const v = validateEffectKey(subscriberId, key);
        if (E.isLeft(v)) return v;
        await pool.query(prepared(`DELETE FROM ${s}.subscription_effects WHERE subscriber_id = $1 AND key = $2 AND NOT done`, [v.right.subscriberId, v.right.key]));
        return E.right(undefined);
      }),

    acquireLease: (request) =>
      task(async () => {
        const r = validateLeaseRequest(request);
        if (E.isLeft(r)) return r;
        const { subscriberId, segment, segments, owner, leaseMs, startAfter } = r.right;
        const rows = await pool.query<LeaseRow>(prepared(acquireSql, [subscriberId, segment, segments, owner, leaseMs, startAfter]));
        const row = rows.rows[0];
        return E.right(row === undefined ? undefined : toLease(row));
      }),

    releaseLease: (subscriberId, segment, owner, token) =>
      task(async () => {
        const h = validateLeaseHandle(subscriberId, segment, token, 0);
        if (E.isLeft(h)) return h;
        const o = checkText(owner, 'owner');
        if (E.isLeft(o)) return o;
        await pool.query(
          prepared(`UPDATE ${s}.subscription_leases SET owner = NULL, expires_ms = 0 WHERE subscriber_id = $1 AND segment = $2 AND owner = $3 AND token = $4`, [
            h.right.subscriberId,
            h.right.segment,
            o.right,
            h.right.token,
          ]),
        );
        return E.right(undefined);
      }),

    // The fence: the token is checked in the statement that writes, so a holder that was paused
    // while another took the segment over writes nothing.
    saveLeasedCheckpoint: (subscriberId, segment, token, position) =>
      task(async () => {
        const h = validateLeaseHandle(subscriberId, segment, token, position);
        if (E.isLeft(h)) return h;
        const { subscriberId: sub, segment: seg, token: t, position: p } = h.right;
        const written = await pool.query(
          prepared(
            `UPDATE ${s}.subscription_leases SET position = $4
             WHERE subscriber_id = $1 AND segment = $2 AND token = $3 AND owner IS NOT NULL AND position <= $4`,
            [sub, seg, t, p],
          ),
        );
        return E.right(written.rowCount === 1);
      }),

    readLeases: (subscriberId) =>
      task(async () => {
        const sub = checkText(subscriberId, 'subscriberId');
        if (E.isLeft(sub)) return sub;
        const rows = await pool.query<LeaseRow>(prepared(`SELECT ${leaseColumns} FROM ${s}.subscription_leases WHERE subscriber_id = $1 ORDER BY segment`, [sub.right]));
        return E.right(rows.rows.map(toLease));
      }),

    claimEffect: (subscriberId, key) =>
      task(async () => {
        const v = validateEffectKey(subscriberId, key);
        if (E.isLeft(v)) return v;
        const claimed = await pool.query(prepared(claimSql, [v.right.subscriberId, v.right.key, false]));
        if (claimed.rowCount === 1) return E.right<never, EffectClaim>('claimed');
        const state = await pool.query<{ done: boolean }>(prepared(effectStateSql, [v.right.subscriberId, v.right.key]));
        const row = state.rows[0];
        return row === undefined ? E.left(storeFailed('effect claim neither inserted nor found')) : E.right<never, EffectClaim>(row.done ? 'done' : 'started');
      }),

    completeEffect: (subscriberId, key) =>
      task(async () => {
        const v = validateEffectKey(subscriberId, key);
        if (E.isLeft(v)) return v;
        await pool.query(prepared(`UPDATE ${s}.subscription_effects SET done = true WHERE subscriber_id = $1 AND key = $2`, [v.right.subscriberId, v.right.key]));
        return E.right(undefined);
      }),

    readUnfinishedEffects: (subscriberId) =>
      task(async () => {
        const sub = checkText(subscriberId, 'subscriberId');
        if (E.isLeft(sub)) return sub;
        const rows = await pool.query<{ key: string; claimed_at: Date }>(
          prepared(`SELECT key, claimed_at FROM ${s}.subscription_effects WHERE subscriber_id = $1 AND NOT done ORDER BY claimed_at, key`, [sub.right]),
        );
        return E.right(rows.rows.map((r) => ({ key: r.key, claimedAt: r.claimed_at.toISOString() })));
      }),

    // The claim is inserted done, in the transaction that runs the effect's SQL: both commit or
    // neither. A concurrent claim of the same key waits on the row and then finds it.
    effectInTransaction: (subscriberId, key, work) =>
      task(async () => {
        const v = validateEffectKey(subscriberId, key);
        if (E.isLeft(v)) return v;
        return withClient(pool, async (c, discard) => {
          try {
            await c.query('BEGIN ISOLATION LEVEL READ COMMITTED');
            const claimed = await c.query(prepared(claimSql, [v.right.subscriberId, v.right.key, true]));
            if (claimed.rowCount !== 1) {
              const state = await c.query<{ done: boolean }>(prepared(effectStateSql, [v.right.subscriberId, v.right.key]));
              await c.query('ROLLBACK');
              return E.right<never, EffectClaim>(state.rows[0]?.done === false ? 'started' : 'done');
            }
            await work(c);
            await c.query('COMMIT');
            return E.right<never, EffectClaim>('claimed');
          } catch (e) {
            await rollback(c, discard);
            throw e;
          }
        });
      }),

    // With segments, everything at or below the lowest segment checkpoint is handled.
    getCheckpoint: (subscriberId) =>
      task(async () => {
        const sub = checkText(subscriberId, 'subscriberId');
        if (E.isLeft(sub)) return sub;
        const rows = await pool.query<{ position: string }>(
          prepared(
            `SELECT coalesce((SELECT min(position) FROM ${s}.subscription_leases WHERE subscriber_id = $1),
               (SELECT position FROM ${s}.checkpoints WHERE subscriber_id = $1), 0) AS position`,
            [sub.right],
          ),
        );
        return E.right(Number(rows.rows[0]?.position ?? 0));
      }),
  };
};
