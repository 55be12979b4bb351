/**
 * The store's connections: the pool it opens, one pooled connection at a time, and statements
 * prepared once per connection. Importing this module loads the optional driver `pg`.
 */
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
  client.on('error', onError);
  try {
    return await f(client, onError);
  } catch (e) {
    if (postgresStoreError(e)._tag === 'StoreUnavailable') broken = new Error(errorMessage(e));
    throw e;
  } finally {
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

/** A pool of the store's own on connectionString; close() ends it. */
export const ownPool = (connectionString: string, size: number, connectTimeoutMs: number): PgModule.Pool => {
  const pool = new pg.Pool({
    connectionString,
    max: size,
    connectionTimeoutMillis: connectTimeoutMs,
    application_name: 'paystate',
  });
  // Idle connections that die (server restart) are dropped by the pool; the next query reports it.
  pool.on('error', () => undefined);
  return pool;
};
