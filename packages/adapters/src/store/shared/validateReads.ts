/** The checks of the read options: readAll, readStream and readRejections. */
import * as E from 'fp-ts/lib/Either.js';
import type { ReadAllOptions, ReadRejectionsOptions, StoreError } from '../eventStore';
import { checkInteger, checkOptionalInteger, checkText } from './argumentChecks';

export interface ValidReadAll {
  readonly fromPosition: number;
  readonly limit: number | undefined;
}

export const validateReadAll = (options: ReadAllOptions | undefined): E.Either<StoreError, ValidReadAll> => {
  const fromPosition = checkOptionalInteger(options?.fromPosition, 'fromPosition', 0, 0);
  if (E.isLeft(fromPosition)) return fromPosition;
  if (options?.limit === undefined) return E.right({ fromPosition: fromPosition.right, limit: undefined });
  const limit = checkInteger(options.limit, 'limit', 0);
  if (E.isLeft(limit)) return limit;
  return E.right({ fromPosition: fromPosition.right, limit: limit.right });
};

export const validateFromVersion = (options: { readonly fromVersion?: number } | undefined): E.Either<StoreError, number> =>
  checkOptionalInteger(options?.fromVersion, 'fromVersion', 0, 1);

export interface ValidReadRejections {
  readonly orderId: string | undefined;
  readonly fromId: number;
  readonly limit: number | undefined;
}

export const validateReadRejections = (
  options: ReadRejectionsOptions | undefined,
): E.Either<StoreError, ValidReadRejections> => {
  let orderId: string | undefined;
  if (options?.orderId !== undefined) {
    const o = checkText(options.orderId, 'orderId');
    if (E.isLeft(o)) return o;
    orderId = o.right;
  }
  const fromId = checkOptionalInteger(options?.fromId, 'fromId', 0, 0);
  if (E.isLeft(fromId)) return fromId;
  if (options?.limit === undefined) return E.right({ orderId, fromId: fromId.right, limit: undefined });
  const limit = checkInteger(options.limit, 'limit', 0);
  if (E.isLeft(limit)) return limit;
  return E.right({ orderId, fromId: fromId.right, limit: limit.right });
};
