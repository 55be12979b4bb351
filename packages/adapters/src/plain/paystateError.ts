/**
 * The one error the Promise API rejects with (and the plain store constructors throw): the tagged
 * failure the fp-ts API would have returned in a Left, with a readable message.
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { redactor } from '../coreApi/transport';
import { formatConfirmError, type ConfirmError } from '../ingest/confirm';
import { redact } from '../store/index';

/** The failure's tag: `StoreUnavailable` (retry later), `StoreFailed`, `InvalidArgument`, `VersionConflict`, or `StatusUnavailable` (confirm mode could not ask GET status; retry later). */
export type PaystateErrorCode = ConfirmError['_tag'];

export class PaystateError extends Error {
  override readonly name = 'PaystateError';
  /** The failure's tag, e.g. `'StoreUnavailable'`: switch on it. */
  readonly code: PaystateErrorCode;
  /** The tagged failure itself, as the fp-ts API returns it. */
  readonly error: ConfirmError;

  /** `message` defaults to one line describing the failure, with any password in a URL masked. */
  constructor(error: ConfirmError, message: string = redact(formatConfirmError(error))) {
    super(message);
    this.code = error._tag;
    this.error = error;
  }
}

/**
 * The PaystateError of a failure; its message has the server key (and its Basic-auth and URL
 * encodings) masked as well, when there is one.
 */
export const paystateError = (error: ConfirmError, serverKey?: string): PaystateError => {
  const message = redact(formatConfirmError(error));
  return new PaystateError(error, serverKey === undefined ? message : redactor(serverKey)(message));
};

/** The Right of an Either, or throws its Left as a PaystateError. */
export const rightOrThrow = <A>(result: E.Either<ConfirmError, A>, serverKey?: string): A => {
  if (E.isLeft(result)) throw paystateError(result.left, serverKey);
  return result.right;
};

/** Runs a TaskEither: resolves to its Right, rejects with its Left as a PaystateError (and with whatever it threw). */
export const settle = async <A>(task: TE.TaskEither<ConfirmError, A>, serverKey?: string): Promise<A> => rightOrThrow(await task(), serverKey);
