/**
 * The store's connections: the pool it opens, one pooled connection at a time, and statements
 * prepared once per connection. Importing this module loads the optional driver `pg`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type PgModule from 'pg';
import type { StoreError } from '../eventStore';
import { invalidArgument } from '../eventStore';
import { loadDriver } from '../driver';
import { errorMessage } from '../shared/errorMessage';
import { postgresStoreError } from './postgresStoreError';

const pg = loadDriver<typeof PgModule>('pg', '@paystate/adapters/postgres', '^8.11.0');

const statementNames = new Map<string, string>();

/**
 * A query as a named prepared statement, so each connection parses and plans it once rather than
 * on every call. The name is a hash of the text, which includes the schema: stores sharing a pool
 * never collide, and the name stays within PostgreSQL's 63-byte identifier limit.
 */
export const prepared = (text: string, values: readonly unknown[]): PgModule.QueryConfig => {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `paystate_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    statementNames.set(text, name);
  }
  return { name, text, values: [...values] };
};

export const quoteSchema = (schema: string): E.Either<StoreError, string> =>
  /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)
    ? E.right(`"${schema}"`)
    : E.left(invalidArgument(`schema must be a plain identifier (letters, digits, _; at most 63), got ${JSON.stringify(schema)}`));

/**
 * The deadline of the store call running now (set by the store's task wrapper), so a connection
 * still held when it passes is cut rather than returned to the pool with a statement in flight.
 */
export const callDeadline = new AsyncLocalStorage<AbortSignal>();

// The socket under a pg client: destroying it fails every statement in flight at once.
const destroySocket = (c: PgModule.PoolClient): void => {
  (c as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream?.destroy?.();
};

/** Runs f on one pooled connection, discarding the connection if it broke (or f says so). */
export const withClient = async <A>(
  pool: PgModule.Pool,
  f: (c: PgModule.PoolClient, discard: (why: Error) => void) => Promise<A>,
): Promise<A> => {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (err: Error): void => {
    broken = err;
  };
  const deadline = callDeadline.getStore();
  const onDeadline = (): void => {
    broken = new Error('the store call passed its deadline');
    destroySocket(client);
  };
  client.on('error', onError);
  if (deadline?.aborted === true) onDeadline();
  else deadline?.addEventListener('abort', onDeadline, { once: true });
  try {
    return await f(client, onError);
  } catch (e) {
    if (postgresStoreError(e)._tag === 'StoreUnavailable') broken = new Error(errorMessage(e));
    throw e;
  } finally {
    deadline?.removeEventListener('abort', onDeadline);
    client.off('error', onError);
    client.release(broken);
  }
};

/** Rolls back, discarding the connection if even that fails (its transaction state is unknown). */
export const rollback = (c: PgModule.PoolClient, discard: (why: Error) => void): Promise<void> =>
  c.query('ROLLBACK').then(
    () => undefined,
    (e: unknown) => discard(new Error(errorMessage(e))),
  );

/**
 * A pool of the store's own on connectionString; close() ends it. With a call deadline, every
 * connection carries it three ways: the client gives up on a statement after it (query_timeout,
 * the connection is then discarded), and the server cancels a statement running longer
 * (statement_timeout) and ends a session left idle inside a transaction (twice the deadline).
 */
export const ownPool = (
  connectionString: string,
  size: number,
  connectTimeoutMs: number,
  callTimeoutMs?: number,
): PgModule.Pool => {
  const pool = new pg.Pool({
    connectionString,
    max: size,
    connectionTimeoutMillis: callTimeoutMs === undefined ? connectTimeoutMs : Math.min(connectTimeoutMs, callTimeoutMs),
    application_name: 'paystate',
    ...(callTimeoutMs === undefined
      ? {}
      : {
          query_timeout: callTimeoutMs,
          statement_timeout: callTimeoutMs,
          idle_in_transaction_session_timeout: 2 * callTimeoutMs,
        }),
  });
  // Idle connections that die (server restart) are dropped by the pool; the next query reports it.
  pool.on('error', () => undefined);
  return pool;
};
