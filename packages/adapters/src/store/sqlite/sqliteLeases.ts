/**
 * The SQLite store's subscription leases and effect claims (migration 6), in the file, so processes
 * sharing it share them. Writes go through the writer thread when the store has one; the lease
 * times are the store's clock (processes sharing a file share a machine, and so its clock).
 */
import type BetterSqlite3 from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { EffectClaim, EventStore, Lease, StoreError } from '../eventStore';
import { storeFailed, storeUnavailable } from '../eventStore';
import { checkText } from '../shared/argumentChecks';
import { validateEffectKey, validateLeaseHandle, validateLeaseRequest, validateMember } from '../shared/validateLeases';
import type { RunInfo } from '../sqliteWriter';
import type { SqliteContext } from './sqliteContext';
import { writerStoreError } from './sqliteStoreError';

const ACQUIRE = `INSERT INTO subscription_leases (subscriber_id, segment, segments, owner, token, position, expires_ms)
  VALUES (?, ?, ?, ?, 1, coalesce(?, (SELECT position FROM checkpoints WHERE subscriber_id = ?), 0), ?)
  ON CONFLICT (subscriber_id, segment) DO UPDATE SET
    owner = excluded.owner,
    token = CASE WHEN subscription_leases.owner = excluded.owner THEN subscription_leases.token ELSE subscription_leases.token + 1 END,
    expires_ms = excluded.expires_ms
  WHERE subscription_leases.owner = excluded.owner OR subscription_leases.owner IS NULL OR subscription_leases.expires_ms <= ?`;
const RELEASE = 'UPDATE subscription_leases SET owner = NULL, expires_ms = 0 WHERE subscriber_id = ? AND segment = ? AND owner = ? AND token = ?';
// The fence: the token is checked in the statement that writes.
const SAVE = 'UPDATE subscription_leases SET position = ? WHERE subscriber_id = ? AND segment = ? AND token = ? AND owner IS NOT NULL AND position <= ?';
const CLAIM = 'INSERT INTO subscription_effects (subscriber_id, key, done, claimed_at) VALUES (?, ?, 0, ?) ON CONFLICT (subscriber_id, key) DO NOTHING';
const BEAT = 'INSERT INTO subscription_members (subscriber_id, owner, expires_ms) VALUES (?, ?, ?) ON CONFLICT (subscriber_id, owner) DO UPDATE SET expires_ms = excluded.expires_ms';
const FORGET = 'DELETE FROM subscription_members WHERE subscriber_id = ? AND expires_ms <= ?';
const LEAVE = 'DELETE FROM subscription_members WHERE subscriber_id = ? AND owner = ?';
const ABANDON = 'DELETE FROM subscription_effects WHERE subscriber_id = ? AND key = ? AND done = 0';
const COMPLETE = 'UPDATE subscription_effects SET done = 1 WHERE subscriber_id = ? AND key = ?';

interface LeaseRow {
  readonly subscriber_id: string;
  readonly segment: number;
  readonly segments: number;
  readonly owner: string | null;
  readonly token: number;
  readonly position: number;
  readonly expires_ms: number;
}

export const sqliteLeases = ({
  db,
  clock,
  isClosed,
  run,
  writerThread,
}: SqliteContext): Pick<
  EventStore,
  'joinSubscriber' | 'leaveSubscriber' | 'abandonEffect' | 'acquireLease' | 'releaseLease' | 'saveLeasedCheckpoint' | 'readLeases' | 'claimEffect' | 'completeEffect' | 'readUnfinishedEffects' | 'getCheckpoint'
> => {
  const statements = new Map<string, BetterSqlite3.Statement<unknown[]>>([ACQUIRE, RELEASE, SAVE, CLAIM, COMPLETE, BEAT, FORGET, LEAVE, ABANDON].map((sql) => [sql, db.prepare<unknown[]>(sql)]));
  const leaseRow = db.prepare<[string, number], LeaseRow>('SELECT * FROM subscription_leases WHERE subscriber_id = ? AND segment = ?');
  const leaseRows = db.prepare<[string], LeaseRow>('SELECT * FROM subscription_leases WHERE subscriber_id = ? ORDER BY segment');
  const effectDone = db.prepare<[string, string], number>('SELECT done FROM subscription_effects WHERE subscriber_id = ? AND key = ?').pluck();
  const unfinished = db.prepare<[string], { key: string; claimed_at: string }>(
    'SELECT key, claimed_at FROM subscription_effects WHERE subscriber_id = ? AND done = 0 ORDER BY claimed_at, key',
  );
  const checkpoint = db
    .prepare<[string, string], number>(
      `SELECT coalesce((SELECT min(position) FROM subscription_leases WHERE subscriber_id = ?),
         (SELECT position FROM checkpoints WHERE subscriber_id = ?), 0)`,
    )
    .pluck();

  const members = db.prepare<[string, number], string>('SELECT owner FROM subscription_members WHERE subscriber_id = ? AND expires_ms > ? ORDER BY owner').pluck();
  const toLease = (r: LeaseRow, nowMs: number): Lease => ({
    subscriberId: r.subscriber_id,
    segment: r.segment,
    segments: r.segments,
    owner: r.owner,
    token: r.token,
    position: r.position,
    remainingMs: r.owner === null ? 0 : Math.max(0, r.expires_ms - nowMs),
  });

  /** One statement, once its arguments are checked: on the writer thread when there is one, else here. */
  const write = async (sql: string, params: readonly unknown[]): Promise<E.Either<StoreError, RunInfo>> => {
    if (isClosed()) return E.left(storeUnavailable('the database is closed'));
    const w = writerThread();
    if (w === undefined)
      return run(() => {
        const info = statements.get(sql)!.run(...params);
        return E.right({ changes: info.changes, lastInsertRowid: Number(info.lastInsertRowid) });
      })();
    return w.run(sql, params).then(
      (info) => E.right(info),
      (e: unknown) => E.left(writerStoreError(e)),
    );
  };

  const checked =
    <A>(body: () => Promise<E.Either<StoreError, A>>): TE.TaskEither<StoreError, A> =>
    () =>
      body();

  return {
    joinSubscriber: (subscriberId, owner, ttlMs) =>
      checked(async () => {
        const m = validateMember(subscriberId, owner, ttlMs);
        if (E.isLeft(m)) return m;
        const nowMs = clock().getTime();
        const beat = await write(BEAT, [m.right.subscriberId, m.right.owner, nowMs + m.right.ttlMs]);
        if (E.isLeft(beat)) return beat;
        const forgot = await write(FORGET, [m.right.subscriberId, nowMs]);
        if (E.isLeft(forgot)) return forgot;
        return run(() => E.right(members.all(m.right.subscriberId, clock().getTime())))();
      }),

    leaveSubscriber: (subscriberId, owner) =>
      checked(async () => {
        const m = validateMember(subscriberId, owner, 1);
        if (E.isLeft(m)) return m;
        const written = await write(LEAVE, [m.right.subscriberId, m.right.owner]);
        return E.isLeft(written) ? written : E.right(undefined);
      }),

    abandonEffect: (subscriberId, key) =>
      checked(async () => {
        const v = validateEffectKey(subscriberId, key);
        if (E.isLeft(v)) return v;
        const written = await write(ABANDON, [v.right.subscriberId, v.right.key]);
        return E.isLeft(written) ? written : E.right(undefined);
      }),

    acquireLease: (request) =>
      checked(async () => {
        const r = validateLeaseRequest(request);
        if (E.isLeft(r)) return r;
        const { subscriberId, segment, segments, owner, leaseMs, startAfter } = r.right;
        const nowMs = clock().getTime();
        const written = await write(ACQUIRE, [subscriberId, segment, segments, owner, startAfter, subscriberId, nowMs + leaseMs, nowMs]);
        if (E.isLeft(written)) return written;
        return run(() => {
          const row = leaseRow.get(subscriberId, segment);
          return E.right(row !== undefined && row.owner === owner ? toLease(row, clock().getTime()) : undefined);
        })();
      }),

    releaseLease: (subscriberId, segment, owner, token) =>
      checked(async () => {
        const h = validateLeaseHandle(subscriberId, segment, token, 0);
        if (E.isLeft(h)) return h;
        const o = checkText(owner, 'owner');
        if (E.isLeft(o)) return o;
        const written = await write(RELEASE, [h.right.subscriberId, h.right.segment, o.right, h.right.token]);
        return E.isLeft(written) ? written : E.right(undefined);
      }),

    saveLeasedCheckpoint: (subscriberId, segment, token, position) =>
      checked(async () => {
        const h = validateLeaseHandle(subscriberId, segment, token, position);
        if (E.isLeft(h)) return h;
        const written = await write(SAVE, [h.right.position, h.right.subscriberId, h.right.segment, h.right.token, h.right.position]);
        return E.isLeft(written) ? written : E.right(written.right.changes === 1);
      }),

    readLeases: (subscriberId) =>
      run(() => {
        const sub = checkText(subscriberId, 'subscriberId');
        if (E.isLeft(sub)) return sub;
        const nowMs = clock().getTime();
        return E.right(leaseRows.all(sub.right).map((r) => toLease(r, nowMs)));
      }),

    claimEffect: (subscriberId, key) =>
      checked(async () => {
        const v = validateEffectKey(subscriberId, key);
        if (E.isLeft(v)) return v;
        const written = await write(CLAIM, [v.right.subscriberId, v.right.key, clock().toISOString()]);
        if (E.isLeft(written)) return written;
        if (written.right.changes === 1) return E.right<never, EffectClaim>('claimed');
        return run(() => {
          const done = effectDone.get(v.right.subscriberId, v.right.key);
          return done === undefined ? E.left(storeFailed('effect claim neither inserted nor found')) : E.right<never, EffectClaim>(done === 1 ? 'done' : 'started');
        })();
      }),

    completeEffect: (subscriberId, key) =>
      checked(async () => {
        const v = validateEffectKey(subscriberId, key);
        if (E.isLeft(v)) return v;
        const written = await write(COMPLETE, [v.right.subscriberId, v.right.key]);
        return E.isLeft(written) ? written : E.right(undefined);
      }),

    readUnfinishedEffects: (subscriberId) =>
      run(() => {
        const sub = checkText(subscriberId, 'subscriberId');
        if (E.isLeft(sub)) return sub;
        return E.right(unfinished.all(sub.right).map((r) => ({ key: r.key, claimedAt: r.claimed_at })));
      }),

    getCheckpoint: (subscriberId) =>
      run(() => {
        const sub = checkText(subscriberId, 'subscriberId');
        return E.isLeft(sub) ? sub : E.right(checkpoint.get(sub.right, sub.right) ?? 0);
      }),
  };
};
