/**
 * Opens an EventStore from a URL, so the command line and configuration name a store with one string.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { EventStore, RejectionLogLimits, StoreError } from '@paystate/adapters';
import { invalidArgument } from '@paystate/adapters';
import { getInMemoryEventStore } from '@paystate/adapters';
import { getPostgresEventStore } from '@paystate/adapters/postgres';
import { getSqliteEventStore } from '@paystate/adapters/sqlite';
import { redact } from '@paystate/adapters';

export const ACCEPTED_STORE_URLS =
  'memory:, sqlite:PATH (or a file path ending in .db, .sqlite or .sqlite3), ' +
  'postgres://USER@HOST:PORT/DATABASE or postgresql://... (optional ?schema=NAME, default paystate, and ?migrate=off)';

export type StoreLocation =
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly filename: string }
  | {
      readonly kind: 'postgres';
      readonly connectionString: string;
      readonly schema: string | undefined;
      /** 'off': never migrate on open (`paystate migrate` does it). */
      readonly migrate: 'auto' | 'off';
    };

const refuse = (url: string, why: string): E.Either<StoreError, never> =>
  E.left(invalidArgument(`${why} in store URL ${JSON.stringify(redact(url))}; accepted forms: ${ACCEPTED_STORE_URLS}`));

/** Classifies a store URL without opening anything. */
export const parseStoreUrl = (url: string): E.Either<StoreError, StoreLocation> => {
  const trimmed = url.trim();
  const lower = trimmed.toLowerCase();
  if (lower === 'memory:' || lower === 'memory://') return E.right({ kind: 'memory' });
  if (lower.startsWith('postgres://') || lower.startsWith('postgresql://')) {
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      return refuse(url, 'malformed PostgreSQL URL');
    }
    const schema = parsed.searchParams.get('schema') ?? undefined;
    const migrate = parsed.searchParams.get('migrate') ?? 'auto';
    if (migrate !== 'auto' && migrate !== 'off') return refuse(url, `migrate=${migrate} (expected auto or off)`);
    parsed.searchParams.delete('schema');
    parsed.searchParams.delete('migrate');
    return E.right({ kind: 'postgres', connectionString: parsed.toString(), schema, migrate });
  }
  if (lower.startsWith('sqlite:')) {
    const rest = trimmed.slice('sqlite:'.length);
    // sqlite:///abs/path and sqlite://rel/path are read like sqlite:/abs/path and sqlite:rel/path.
    const filename = rest.startsWith('//') ? rest.slice(2) : rest;
    return filename === '' ? refuse(url, 'missing file path') : E.right({ kind: 'sqlite', filename });
  }
  if (/\.(db|sqlite|sqlite3)$/i.test(trimmed) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    return E.right({ kind: 'sqlite', filename: trimmed });
  }
  return refuse(url, trimmed === '' ? 'nothing' : 'unsupported scheme');
};

/**
 * Opens the store a URL names: memory:, sqlite:PATH (or *.db / *.sqlite), postgres:// or
 * postgresql://. `migrate` overrides the URL's own choice (`paystate migrate` forces 'auto').
 */
export const openStore = (
  url: string,
  options: { readonly migrate?: 'auto' | 'off'; readonly rejectionLog?: RejectionLogLimits } = {},
): TE.TaskEither<StoreError, EventStore> => {
  const caps = options.rejectionLog === undefined ? {} : { rejectionLog: options.rejectionLog };
  const location = parseStoreUrl(url);
  if (E.isLeft(location)) return TE.left(location.left);
  const l = location.right;
  switch (l.kind) {
    case 'memory':
      return TE.right(getInMemoryEventStore(caps));
    case 'sqlite':
      return TE.fromEither(getSqliteEventStore({ filename: l.filename, ...caps }));
    case 'postgres':
      return getPostgresEventStore({
        ...caps,
        connectionString: l.connectionString,
        migrate: options.migrate ?? l.migrate,
        ...(l.schema === undefined ? {} : { schema: l.schema }),
      });
  }
};
