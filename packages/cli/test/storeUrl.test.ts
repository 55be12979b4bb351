import * as E from 'fp-ts/lib/Either.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, parseStoreUrl } from '../src/storeUrl';

describe('parseStoreUrl', () => {
  test.each([
    ['memory:', { kind: 'memory' }],
    ['MEMORY://', { kind: 'memory' }],
    ['sqlite:/var/lib/paystate/events.db', { kind: 'sqlite', filename: '/var/lib/paystate/events.db' }],
    ['sqlite:///var/lib/paystate/events', { kind: 'sqlite', filename: '/var/lib/paystate/events' }],
    ['sqlite:data/events.sqlite', { kind: 'sqlite', filename: 'data/events.sqlite' }],
    ['sqlite::memory:', { kind: 'sqlite', filename: ':memory:' }],
    ['./events.db', { kind: 'sqlite', filename: './events.db' }],
    ['/tmp/paystate.sqlite3', { kind: 'sqlite', filename: '/tmp/paystate.sqlite3' }],
    [
      'postgres://app@db.internal:5432/paystate',
      { kind: 'postgres', connectionString: 'postgres://app@db.internal:5432/paystate', schema: undefined, migrate: 'auto' },
    ],
    [
      'postgresql://app:pw@db:5432/paystate?schema=payments&sslmode=require',
      { kind: 'postgres', connectionString: 'postgresql://app:pw@db:5432/paystate?sslmode=require', schema: 'payments', migrate: 'auto' },
    ],
    [
      'postgres://app@db/paystate?migrate=off&schema=billing',
      { kind: 'postgres', connectionString: 'postgres://app@db/paystate', schema: 'billing', migrate: 'off' },
    ],
  ])('%s', (url, expected) => {
    expect(parseStoreUrl(url)).toEqual(E.right(expected));
  });

  test.each(['', 'mysql://root:hunter2@db/paystate', 'sqlite:', 'events.txt', 'http://x/events.db', 'postgres://root:hunter2@db/paystate?migrate=later'])(
    'refuses %j naming the accepted forms without echoing passwords',
    (url) => {
      const parsed = parseStoreUrl(url);
      expect(E.isLeft(parsed) && parsed.left._tag).toBe('InvalidArgument');
      const reason = E.isLeft(parsed) && parsed.left._tag === 'InvalidArgument' ? parsed.left.reason : '';
      expect(reason).toContain('memory:');
      expect(reason).toContain('sqlite:PATH');
      expect(reason).toContain('postgres://');
      expect(reason).not.toContain('hunter2');
    },
  );
});

describe('openStore', () => {
  test('memory: opens a working in-memory store', async () => {
    const opened = await openStore('memory:')();
    if (E.isLeft(opened)) throw new Error(opened.left._tag);
    const appended = await opened.right.appendToStream('s', [{ type: 'A', data: 1 }], { expectedVersion: 0 })();
    expect(E.isRight(appended)).toBe(true);
    await opened.right.close();
  });

  test('sqlite: and *.db open the same SQLite file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paystate-url-'));
    try {
      const file = join(dir, 'events.db');
      const first = await openStore(`sqlite:${file}`)();
      if (E.isLeft(first)) throw new Error(first.left._tag);
      await first.right.appendToStream('s', [{ type: 'A', data: 1 }], { expectedVersion: 0 })();
      await first.right.close();
      const second = await openStore(file)();
      if (E.isLeft(second)) throw new Error(second.left._tag);
      const read = await second.right.readStream('s')();
      expect(E.isRight(read) && read.right.version).toBe(1);
      await second.right.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('postgres:// reports an unreachable server as StoreUnavailable without the password', async () => {
    const opened = await openStore('postgres://postgres:s3cret-pw@127.0.0.1:1/test')();
    expect(E.isLeft(opened) && opened.left._tag).toBe('StoreUnavailable');
    expect(JSON.stringify(opened)).not.toContain('s3cret-pw');
  });

  test('a bad URL is an InvalidArgument naming the accepted forms', async () => {
    const opened = await openStore('ftp://example.com/events')();
    expect(E.isLeft(opened) && opened.left._tag === 'InvalidArgument' && opened.left.reason).toMatch(
      /accepted forms: memory:, sqlite:PATH .*postgres:\/\//,
    );
  });
});
