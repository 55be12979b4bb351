/**
 * Results as values, in the shape fp-ts uses (`{_tag: 'Left', left}` / `{_tag: 'Right', right}`),
 * so fp-ts' `Either` functions accept them, without the simulator depending on fp-ts.
 */

export interface Left<E> {
  readonly _tag: 'Left';
  readonly left: E;
}

export interface Right<A> {
  readonly _tag: 'Right';
  readonly right: A;
}

export type Either<E, A> = Left<E> | Right<A>;

/** A lazy asynchronous computation that never rejects: it resolves to an Either. */
export type TaskEither<E, A> = () => Promise<Either<E, A>>;

export const left = <E = never, A = never>(e: E): Either<E, A> => ({ _tag: 'Left', left: e });

export const right = <E = never, A = never>(a: A): Either<E, A> => ({ _tag: 'Right', right: a });

export const isLeft = <E, A>(x: Either<E, A>): x is Left<E> => x._tag === 'Left';

export const isRight = <E, A>(x: Either<E, A>): x is Right<A> => x._tag === 'Right';

/** Runs `f`; a rejection (or a throw) becomes a Left through `onError`. */
export const tryCatchTask =
  <E, A>(f: () => Promise<A>, onError: (e: unknown) => E): TaskEither<E, A> =>
  async () => {
    try {
      return right(await f());
    } catch (e) {
      return left(onError(e));
    }
  };
