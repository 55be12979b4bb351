/**
 * `paystate migrate`: brings a store's tables up to this release, explicitly (for stores opened
 * with `?migrate=off`). Idempotent, and safe to run from several processes at once: PostgreSQL
 * migrations run under an advisory lock, SQLite ones under the file's write lock, and each is
 * re-checked under the lock before it runs.
 */
import * as E from 'fp-ts/lib/Either.js';
import { formatStoreError, type StoreError } from '@paystate/adapters';
import { postgresAppliedMigrations } from '@paystate/adapters/postgres';
import { sqliteAppliedMigrations } from '@paystate/adapters/sqlite';
import { existsSync } from 'node:fs';
import { parse, UsageError } from './args';
import type { Io } from './io';
import { checkStoreUrl, describeStore, openStoreAt, STORE_OPTION, storeUrlOf } from './storeOption';
import type { StoreLocation } from './storeUrl';

const applied = async (l: StoreLocation): Promise<E.Either<StoreError, readonly number[]>> => {
  switch (l.kind) {
    case 'memory':
      return E.right([]);
    case 'sqlite':
      return l.filename === ':memory:' || !existsSync(l.filename) ? E.right([]) : sqliteAppliedMigrations(l.filename);
    case 'postgres':
      return postgresAppliedMigrations(l.schema === undefined ? { connectionString: l.connectionString } : { connectionString: l.connectionString, schema: l.schema })();
  }
};

/** `paystate migrate`. */
export const migrate = async (argv: readonly string[], io: Io): Promise<E.Either<UsageError, number>> => {
  const args = parse(argv, STORE_OPTION);
  if (E.isLeft(args)) return args;
  if (args.right.positionals.length > 0) return E.left(new UsageError(`migrate takes no arguments, got ${args.right.positionals.length}`));
  const url = storeUrlOf(args.right.values.store, io.env);
  const location = checkStoreUrl(url);
  if (E.isLeft(location)) return location;
  if (location.right.kind === 'memory') {
    io.stdout('memory: has no tables to migrate\n');
    return E.right(0);
  }
  const before = await applied(location.right);
  // A store opened with migrate 'auto' runs what is pending, under the lock.
  const store = await openStoreAt(url, { migrate: 'auto' });
  if (E.isLeft(store)) {
    io.stderr(`paystate migrate: ${store.left}\n`);
    return E.right(1);
  }
  await store.right.close();
  const after = await applied(location.right);
  if (E.isLeft(after)) {
    io.stderr(`paystate migrate: ${formatStoreError(after.left)}\n`);
    return E.right(1);
  }
  const was = Math.max(0, ...(E.isRight(before) ? before.right : []));
  const at = Math.max(0, ...after.right);
  io.stdout(at === was ? `${describeStore(url)}: up to date at migration ${at}\n` : `${describeStore(url)}: now at migration ${at} (was ${was})\n`);
  return E.right(0);
};
