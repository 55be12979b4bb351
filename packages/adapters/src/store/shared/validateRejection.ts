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
  return E.right({ receivedAt: r.receivedAt, kind: r.kind, orderId: r.orderId, reason: r.reason, rawBody: r.rawBody });
};
