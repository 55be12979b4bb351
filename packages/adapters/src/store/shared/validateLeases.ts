/** The argument checks of the lease and effect calls, shared by every store. */
import * as E from 'fp-ts/lib/Either.js';
import type { LeaseRequest, StoreError } from '../eventStore';
import { invalidArgument } from '../eventStore';
import { checkInteger, checkText } from './argumentChecks';

/** At most this many segments per subscriber. */
export const MAX_SEGMENTS = 1024;

export interface ValidLeaseRequest {
  readonly subscriberId: string;
  readonly segment: number;
  readonly segments: number;
  readonly owner: string;
  readonly leaseMs: number;
  readonly startAfter: number | null;
}

export const validateLeaseRequest = (r: LeaseRequest): E.Either<StoreError, ValidLeaseRequest> => {
  if (typeof r !== 'object' || r === null) return E.left(invalidArgument('the lease request must be an object'));
  const subscriberId = checkText(r.subscriberId, 'subscriberId');
  if (E.isLeft(subscriberId)) return subscriberId;
  const segments = checkInteger(r.segments, 'segments', 1);
  if (E.isLeft(segments)) return segments;
  if (segments.right > MAX_SEGMENTS) return E.left(invalidArgument(`segments must be at most ${MAX_SEGMENTS}, got ${segments.right}`));
  const segment = checkInteger(r.segment, 'segment', 0);
  if (E.isLeft(segment)) return segment;
  if (segment.right >= segments.right) return E.left(invalidArgument(`segment must be below segments (${segments.right}), got ${segment.right}`));
  const owner = checkText(r.owner, 'owner');
  if (E.isLeft(owner)) return owner;
  const leaseMs = checkInteger(r.leaseMs, 'leaseMs', 1);
  if (E.isLeft(leaseMs)) return leaseMs;
  const startAfter = r.startAfter === undefined ? E.right(null) : checkInteger(r.startAfter, 'startAfter', 0);
  if (E.isLeft(startAfter)) return startAfter;
  return E.right({ subscriberId: subscriberId.right, segment: segment.right, segments: segments.right, owner: owner.right, leaseMs: leaseMs.right, startAfter: startAfter.right });
};

/** The subscriber, segment, token and position of a release or a checkpoint write (position 0 for a release). */
export const validateLeaseHandle = (
  subscriberId: unknown,
  segment: unknown,
  token: unknown,
  position: unknown,
): E.Either<StoreError, { readonly subscriberId: string; readonly segment: number; readonly token: number; readonly position: number }> => {
  const s = checkText(subscriberId, 'subscriberId');
  if (E.isLeft(s)) return s;
  const g = checkInteger(segment, 'segment', 0);
  if (E.isLeft(g)) return g;
  const t = checkInteger(token, 'token', 1);
  if (E.isLeft(t)) return t;
  const p = checkInteger(position, 'position', 0);
  if (E.isLeft(p)) return p;
  return E.right({ subscriberId: s.right, segment: g.right, token: t.right, position: p.right });
};

/** A subscriber and an effect key. */
export const validateEffectKey = (subscriberId: unknown, key: unknown): E.Either<StoreError, { readonly subscriberId: string; readonly key: string }> => {
  const s = checkText(subscriberId, 'subscriberId');
  if (E.isLeft(s)) return s;
  const k = checkText(key, 'effect key');
  if (E.isLeft(k)) return k;
  return E.right({ subscriberId: s.right, key: k.right });
};

/** A subscriber, an owner and a time to live (a member's heartbeat). */
export const validateMember = (subscriberId: unknown, owner: unknown, ttlMs: unknown): E.Either<StoreError, { readonly subscriberId: string; readonly owner: string; readonly ttlMs: number }> => {
  const s = checkText(subscriberId, 'subscriberId');
  if (E.isLeft(s)) return s;
  const o = checkText(owner, 'owner');
  if (E.isLeft(o)) return o;
  const t = checkInteger(ttlMs, 'ttlMs', 1);
  if (E.isLeft(t)) return t;
  return E.right({ subscriberId: s.right, owner: o.right, ttlMs: t.right });
};
