import * as E from 'fp-ts/lib/Either.js';
import type { Rejection, StoreError } from '../eventStore';
import { invalidArgument } from '../eventStore';
import { checkText } from './argumentChecks';

/** Checks a rejection before it is recorded, and keeps only the fields the store holds. */
export const validateRejection = (r: Rejection): E.Either<StoreError, Rejection> => {
  const receivedAt = checkText(r.receivedAt, 'receivedAt');
  if (E.isLeft(receivedAt)) return receivedAt;
  const kind = checkText(r.kind, 'kind');
  if (E.isLeft(kind)) return kind;
  if (r.orderId !== null) {
    const orderId = checkText(r.orderId, 'orderId');
    if (E.isLeft(orderId)) return orderId;
  }
  const reason = checkText(r.reason, 'reason', { allowEmpty: true });
  if (E.isLeft(reason)) return reason;
  if (typeof r.rawBody !== 'string') return E.left(invalidArgument('rawBody must be a string'));
  const base = { receivedAt: r.receivedAt, kind: r.kind, orderId: r.orderId, reason: r.reason, rawBody: r.rawBody };
  if (r.body === undefined) return E.right(base);
  const { sha256, bytes } = r.body;
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) return E.left(invalidArgument('body.sha256 must be 64 lowercase hex digits'));
  if (!Number.isSafeInteger(bytes) || bytes < 0) return E.left(invalidArgument('body.bytes must be a non-negative integer'));
  return E.right({ ...base, body: { sha256, bytes } });
};
