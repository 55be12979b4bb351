/**
 * The `--store` option shared by serve, ingest and inspect: `--store URL`, else `PAYSTATE_STORE`,
 * else a SQLite file `paystate.db` in the working directory.
 */
import { existsSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { formatStoreError, type EventStore, type RejectionLogLimits } from '@paystate/adapters';
import { openStore, parseStoreUrl, type StoreLocation } from './storeUrl';
import { redact } from '@paystate/adapters';
import { UsageError } from './args';

export const DEFAULT_STORE_URL = 'sqlite:paystate.db';

export const STORE_OPTION = { store: { type: 'string' } } as const;

/** The store URL the command line names. */
export const storeUrlOf = (value: unknown, env: Readonly<Record<string, string | undefined>>): string =>
  typeof value === 'string' ? value : env['PAYSTATE_STORE'] !== undefined && env['PAYSTATE_STORE'] !== '' ? env['PAYSTATE_STORE'] : DEFAULT_STORE_URL;

/** The URL with any password hidden, for messages. */
export const describeStore = (url: string): string => redact(url);

/** Checks the URL's form; a malformed one is a usage error. */
export const checkStoreUrl = (url: string): E.Either<UsageError, StoreLocation> =>
  E.mapLeft((e: Parameters<typeof formatStoreError>[0]) => new UsageError(`--store: ${formatStoreError(e)}`))(parseStoreUrl(url));

/**
 * Opens the store; a failure is one line. With `mustExist`, a SQLite file that is not there is
 * reported instead of created (for commands that only read).
 */
export const openStoreAt = async (
  url: string,
  options: { readonly mustExist?: boolean; readonly migrate?: 'auto' | 'off'; readonly rejectionLog?: RejectionLogLimits } = {},
): Promise<E.Either<string, EventStore>> => {
  const location = parseStoreUrl(url);
  if (E.isLeft(location)) return E.left(formatStoreError(location.left));
  const l = location.right;
  if (options.mustExist === true && l.kind === 'sqlite' && l.filename !== ':memory:' && !existsSync(l.filename))
    return E.left(`no store at ${l.filename} (pass --store or set PAYSTATE_STORE)`);
  const opened = await openStore(url, {
    ...(options.migrate === undefined ? {} : { migrate: options.migrate }),
    ...(options.rejectionLog === undefined ? {} : { rejectionLog: options.rejectionLog }),
  })();
  return E.isLeft(opened) ? E.left(`cannot open store ${describeStore(url)}: ${formatStoreError(opened.left)}`) : opened;
};
