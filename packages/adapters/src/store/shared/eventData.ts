/** Event data as the stores keep it: JSON text. */
import * as E from 'fp-ts/lib/Either.js';
import type { StoreError } from '../eventStore';
import { invalidArgument } from '../eventStore';
import { errorMessage } from './errorMessage';

/** Serialises event data, refusing values JSON cannot represent (undefined, functions, BigInt, cycles). */
export const encodeData = (data: unknown): E.Either<StoreError, string> => {
  try {
    const json: unknown = JSON.stringify(data);
    return typeof json === 'string' ? E.right(json) : E.left(invalidArgument('event data is not JSON-serialisable'));
  } catch (e) {
    return E.left(invalidArgument(`event data is not JSON-serialisable: ${errorMessage(e)}`));
  }
};

export const decodeData = (json: string): unknown => JSON.parse(json);
