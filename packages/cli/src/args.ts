/** Small argument helpers for the paystate command: errors are values, rendered once by main. */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';

export class UsageError {
  readonly _tag = 'UsageError';
  constructor(readonly message: string) {}
}

export const parse = <T extends ParseArgsConfig['options']>(argv: readonly string[], options: T) =>
  E.tryCatch(
    () => parseArgs({ args: [...argv], options: options!, allowPositionals: true, strict: true }),
    // On one line, without node's advice on `--option=-value` spelling (node's errors are not
    // `instanceof Error` inside jest's sandbox, hence the duck typing).
    (e) => {
      const m = typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : String(e);
      return new UsageError(m.replace(/\.?\s*To specify .*$/s, '').replace(/\s*\n\s*/g, ' '));
    },
  );

export const oneOf = <A extends string>(name: string, value: string | undefined, allowed: readonly A[], fallback: A): E.Either<UsageError, A> =>
  value === undefined
    ? E.right(fallback)
    : (allowed as readonly string[]).includes(value)
      ? E.right(value as A)
      : E.left(new UsageError(`--${name} must be one of ${allowed.join('|')}, got "${value}"`));

/** Reads FILE, or standard input for `-` or no file; a failure names the file and the cause. */
export const readInput = (file: string | undefined, io: { readonly readStdin: () => string }): E.Either<UsageError, string> =>
  file === undefined || file === '-'
    ? E.tryCatch(io.readStdin, (e) => new UsageError(`cannot read standard input: ${(e as Error).message}`))
    : E.tryCatch(
        () => readFileSync(file, 'utf8'),
        (e) => new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`),
      );
