/**
 * Where a command's Midtrans server key comes from, first found wins: `--server-key KEY` (kept for
 * compatibility: a key on a command line shows in `ps` and the shell's history),
 * `--server-key-file PATH`, `MIDTRANS_SERVER_KEY`, `MIDTRANS_SERVER_KEY_FILE`. A file holds the
 * key alone; surrounding whitespace (the trailing newline) is dropped. Messages name the file,
 * never its content.
 */
import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { UsageError } from './args';

export const SERVER_KEY_OPTIONS = { 'server-key': { type: 'string' }, 'server-key-file': { type: 'string' } } as const;

/** The help line of `--server-key-file`, and of `--server-key` after it. */
export const serverKeyHelp = (what: string, otherwise?: string): readonly (readonly [string, string])[] => [
  ['--server-key-file PATH', `${what}: the key is read from PATH\n(default: $MIDTRANS_SERVER_KEY, else the file $MIDTRANS_SERVER_KEY_FILE${otherwise === undefined ? '' : `,\nelse ${otherwise}`})`],
  ['--server-key KEY', 'the key itself (avoid: a command line shows in ps and the shell history)'],
];

const nonEmpty = (s: string | undefined): s is string => s !== undefined && s !== '';

const readKeyFile = (path: string, from: string, read: (path: string) => string): E.Either<UsageError, string> => {
  const text = E.tryCatch(
    () => read(path),
    (e) => new UsageError(`${from}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as NodeJS.ErrnoException).code ?? 'unreadable'}`),
  );
  if (E.isLeft(text)) return text;
  const key = text.right.trim();
  return key === '' ? E.left(new UsageError(`${from}: ${path} is empty`)) : E.right(key);
};

/** The server key the options and environment name, or undefined when none does. */
export const serverKeyOf = (
  values: { readonly 'server-key'?: unknown; readonly 'server-key-file'?: unknown },
  env: Readonly<Record<string, string | undefined>>,
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): E.Either<UsageError, string | undefined> => {
  const flag = values['server-key'] as string | undefined;
  const file = values['server-key-file'] as string | undefined;
  if (flag !== undefined && file !== undefined) return E.left(new UsageError('pass --server-key or --server-key-file, not both'));
  if (flag !== undefined) return flag === '' ? E.left(new UsageError('--server-key is empty')) : E.right(flag);
  if (file !== undefined) return readKeyFile(file, '--server-key-file', read);
  if (nonEmpty(env['MIDTRANS_SERVER_KEY'])) return E.right(env['MIDTRANS_SERVER_KEY']);
  if (nonEmpty(env['MIDTRANS_SERVER_KEY_FILE'])) return readKeyFile(env['MIDTRANS_SERVER_KEY_FILE'], 'MIDTRANS_SERVER_KEY_FILE', read);
  return E.right(undefined);
};

/** The advice when a key is required and none was given. */
export const NO_SERVER_KEY = 'set MIDTRANS_SERVER_KEY, or pass --server-key-file PATH (or set MIDTRANS_SERVER_KEY_FILE)';
