/**
 * The plain store constructors: `openSqliteEventStore` returns the store or throws a
 * PaystateError, `openPostgresEventStore` resolves to it or rejects with one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { PaystateError } from '../../src/index';
import { openPostgresEventStore } from '../../src/postgres';
import { openSqliteEventStore } from '../../src/sqlite';
import { dropSchema, freshSchema, postgresSkipReason, postgresUrl } from '../store/support/postgres';

const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
};

describe('openSqliteEventStore', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'paystate-open-sqlite-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('returns a working store', async () => {
    const store = openSqliteEventStore({ filename: join(dir, 'payments.db') });
    try {
      const appended = await store.appendToStream('order:o-1', [{ type: 'test', data: { n: 1 } }], { expectedVersion: 0 })();
      expect(E.isRight(appended) && appended.right.nextVersion).toBe(1);
    } finally {
      await store.close();
    }
  });

  test('throws a PaystateError for bad options and for a file it cannot open', () => {
    const empty = thrown(() => openSqliteEventStore({ filename: '' }));
    expect(empty).toBeInstanceOf(PaystateError);
    expect(empty).toMatchObject({ code: 'InvalidArgument', message: 'invalid argument: filename must not be empty' });
    const nowhere = thrown(() => openSqliteEventStore({ filename: join(dir, 'no', 'such', 'dir', 'x.db') }));
    expect(nowhere).toBeInstanceOf(PaystateError);
    expect((nowhere as PaystateError).code).toMatch(/^Store(Unavailable|Failed)$/);
  });
});

// Skipped only when no PostgreSQL answers, for the reason postgresSkipReason spells out (PAYSTATE_REQUIRE_POSTGRES=1 makes it a failure).
const pgDescribe = postgresSkipReason === undefined ? describe : describe.skip;

pgDescribe('openPostgresEventStore', () => {
  test('resolves to a working store', async () => {
    const schema = freshSchema();
    const store = await openPostgresEventStore({ connectionString: postgresUrl, schema });
    try {
      const appended = await store.appendToStream('order:o-1', [{ type: 'test', data: { n: 1 } }], { expectedVersion: 0 })();
      expect(E.isRight(appended) && appended.right.nextVersion).toBe(1);
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });

  test('rejects with a PaystateError for bad options and for a server that does not answer, the password masked', async () => {
    await expect(openPostgresEventStore({ connectionString: postgresUrl, schema: 'bad"schema' })).rejects.toMatchObject({ code: 'InvalidArgument' });
    const refused = await openPostgresEventStore({ connectionString: 'postgres://app:s3cret-pw@127.0.0.1:1/test', connectTimeoutMs: 2_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(PaystateError);
    expect((refused as PaystateError).code).toBe('StoreUnavailable');
    expect((refused as PaystateError).message).not.toContain('s3cret-pw');
  });
});
