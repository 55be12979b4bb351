import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { StoreError } from '../eventStore';

/** Runs a synchronous body as a TaskEither, turning a throw into a StoreError. */
export const syncTask =
  <A>(body: () => E.Either<StoreError, A>, onThrow: (e: unknown) => StoreError): TE.TaskEither<StoreError, A> =>
  () => {
    try {
      return Promise.resolve(body());
    } catch (e) {
      return Promise.resolve(E.left(onThrow(e)));
    }
  };
