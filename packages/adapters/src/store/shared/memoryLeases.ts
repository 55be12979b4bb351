/** The in-memory store's subscription leases and effect claims: the same rules as the SQL stores, in one process. */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { EffectClaim, EventStore, Lease, StoreError } from '../eventStore';
import { checkText } from './argumentChecks';
import { validateEffectKey, validateLeaseHandle, validateLeaseRequest, validateMember } from './validateLeases';

interface LeaseRow {
  readonly segments: number;
  owner: string | null;
  token: number;
  position: number;
  expiresMs: number;
}

export const memoryLeases = (
  clock: () => Date,
  run: <A>(body: () => E.Either<StoreError, A>) => TE.TaskEither<StoreError, A>,
  checkpoints: ReadonlyMap<string, number>,
): Pick<EventStore, 'joinSubscriber' | 'leaveSubscriber' | 'abandonEffect' | 'acquireLease' | 'releaseLease' | 'saveLeasedCheckpoint' | 'readLeases' | 'claimEffect' | 'completeEffect' | 'readUnfinishedEffects' | 'getCheckpoint'> => {
  const leases = new Map<string, Map<number, LeaseRow>>();
  const effects = new Map<string, Map<string, { done: boolean; claimedAt: string }>>();
  const toLease = (subscriberId: string, segment: number, r: LeaseRow): Lease => ({
    subscriberId,
    segment,
    segments: r.segments,
    owner: r.owner,
    token: r.token,
    position: r.position,
    remainingMs: r.owner === null ? 0 : Math.max(0, r.expiresMs - clock().getTime()),
  });
  const segmentsOf = (subscriberId: string): Map<number, LeaseRow> => {
    let m = leases.get(subscriberId);
    if (m === undefined) leases.set(subscriberId, (m = new Map()));
    return m;
  };
  const effectsOf = (subscriberId: string): Map<string, { done: boolean; claimedAt: string }> => {
    let m = effects.get(subscriberId);
    if (m === undefined) effects.set(subscriberId, (m = new Map()));
    return m;
  };
  const members = new Map<string, Map<string, number>>();
  return {
    joinSubscriber: (subscriberId, owner, ttlMs) =>
      run(() => {
        const m = validateMember(subscriberId, owner, ttlMs);
        if (E.isLeft(m)) return m;
        const now = clock().getTime();
        let live = members.get(m.right.subscriberId);
        if (live === undefined) members.set(m.right.subscriberId, (live = new Map()));
        live.set(m.right.owner, now + m.right.ttlMs);
        for (const [o, until] of live) if (until <= now) live.delete(o);
        return E.right([...live.keys()].sort());
      }),
    leaveSubscriber: (subscriberId, owner) =>
      run(() => {
        const m = validateMember(subscriberId, owner, 1);
        if (E.isLeft(m)) return m;
        members.get(m.right.subscriberId)?.delete(m.right.owner);
        return E.right(undefined);
      }),
    abandonEffect: (subscriberId, key) =>
      run(() => {
        const v = validateEffectKey(subscriberId, key);
        if (E.isLeft(v)) return v;
        const m = effects.get(v.right.subscriberId);
        if (m?.get(v.right.key)?.done === false) m.delete(v.right.key);
        return E.right(undefined);
      }),
    acquireLease: (request) =>
      run(() => {
        const r = validateLeaseRequest(request);
        if (E.isLeft(r)) return r;
        const { subscriberId, segment, segments, owner, leaseMs, startAfter } = r.right;
        const now = clock().getTime();
        const rows = segmentsOf(subscriberId);
        const row = rows.get(segment);
        if (row === undefined) {
          const created = { segments, owner, token: 1, position: startAfter ?? checkpoints.get(subscriberId) ?? 0, expiresMs: now + leaseMs };
          rows.set(segment, created);
          return E.right(toLease(subscriberId, segment, created));
        }
        if (row.owner !== owner && row.owner !== null && row.expiresMs > now) return E.right(undefined);
        if (row.owner !== owner) row.token++;
        row.owner = owner;
        row.expiresMs = now + leaseMs;
        return E.right(toLease(subscriberId, segment, row));
      }),
    releaseLease: (subscriberId, segment, owner, token) =>
      run(() => {
        const h = validateLeaseHandle(subscriberId, segment, token, 0);
        if (E.isLeft(h)) return h;
        const o = checkText(owner, 'owner');
        if (E.isLeft(o)) return o;
        const row = leases.get(h.right.subscriberId)?.get(h.right.segment);
        if (row !== undefined && row.owner === o.right && row.token === h.right.token) {
          row.owner = null;
          row.expiresMs = 0;
        }
        return E.right(undefined);
      }),
    saveLeasedCheckpoint: (subscriberId, segment, token, position) =>
      run(() => {
        const h = validateLeaseHandle(subscriberId, segment, token, position);
        if (E.isLeft(h)) return h;
        const row = leases.get(h.right.subscriberId)?.get(h.right.segment);
        if (row === undefined || row.token !== h.right.token || row.owner === null || row.position > h.right.position) return E.right(false);
        row.position = h.right.position;
        return E.right(true);
      }),
    readLeases: (subscriberId) =>
      run(() => {
        const sub = checkText(subscriberId, 'subscriberId');
        if (E.isLeft(sub)) return sub;
        const rows = [...(leases.get(sub.right) ?? new Map<number, LeaseRow>()).entries()].sort((a, b) => a[0] - b[0]);
        return E.right(rows.map(([segment, r]) => toLease(sub.right, segment, r)));
      }),
    claimEffect: (subscriberId, key) =>
      run(() => {
        const v = validateEffectKey(subscriberId, key);
        if (E.isLeft(v)) return v;
        const m = effectsOf(v.right.subscriberId);
        const found = m.get(v.right.key);
        if (found !== undefined) return E.right<never, EffectClaim>(found.done ? 'done' : 'started');
        m.set(v.right.key, { done: false, claimedAt: clock().toISOString() });
        return E.right<never, EffectClaim>('claimed');
      }),
    completeEffect: (subscriberId, key) =>
      run(() => {
        const v = validateEffectKey(subscriberId, key);
        if (E.isLeft(v)) return v;
        const found = effects.get(v.right.subscriberId)?.get(v.right.key);
        if (found !== undefined) found.done = true;
        return E.right(undefined);
      }),
    readUnfinishedEffects: (subscriberId) =>
      run(() => {
        const sub = checkText(subscriberId, 'subscriberId');
        if (E.isLeft(sub)) return sub;
        const open = [...(effects.get(sub.right) ?? new Map<string, { done: boolean; claimedAt: string }>()).entries()].filter(([, e]) => !e.done);
        return E.right(open.map(([key, e]) => ({ key, claimedAt: e.claimedAt })).sort((a, b) => (a.claimedAt < b.claimedAt ? -1 : a.claimedAt > b.claimedAt ? 1 : a.key < b.key ? -1 : 1)));
      }),
    getCheckpoint: (subscriberId) =>
      run(() => {
        const s = checkText(subscriberId, 'subscriberId');
        if (E.isLeft(s)) return s;
        const rows = [...(leases.get(s.right)?.values() ?? [])];
        return E.right(rows.length > 0 ? Math.min(...rows.map((r) => r.position)) : (checkpoints.get(s.right) ?? 0));
      }),
  };
};
