/**
 * The SQLite store's writer thread: a write that waits for the disk or the lock leaves the event
 * loop free; writes are decided in the order they were asked, each with its own answer, and those
 * that arrive while the thread is busy are committed together; a failure that ends the group's
 * transaction fails the whole group; closing finishes what was asked; a thread that is gone
 * answers StoreUnavailable.
 */
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { join } from 'node:path';
import type { AppendResult, EventStore, StoreError } from '../../src/store/eventStore';
import { startSqliteWriter, WriterError, WriterStopped } from '../../src/store/sqliteWriter';
import { openSqlite, tempDir } from './support/sqlite';

const right = <A>(r: E.Either<StoreError, A>): A => {
  if (E.isLeft(r)) throw new Error(`expected Right, got ${JSON.stringify(r.left)}`);
  return r.right;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: { dir: string; remove: () => Promise<void> };
const stores: EventStore[] = [];
const open = (name: string, busyTimeoutMs = 5000): { store: EventStore; filename: string } => {
  const filename = join(dir.dir, `${name}.db`);
  const store = openSqlite({ filename, busyTimeoutMs });
  stores.push(store);
  return { store, filename };
};

beforeAll(() => {
  dir = tempDir();
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await dir.remove();
});

test('an append waiting for the write lock leaves the event loop free, and reads go on meanwhile', async () => {
  const { store, filename } = open('locked');
  right(await store.appendToStream('s', [{ type: 'A', data: 1 }], { expectedVersion: 0 })());
  const blocker = new Database(filename);
  blocker.exec('BEGIN IMMEDIATE');
  let ticks = 0;
  const timer = setInterval(() => (ticks += 1), 5);
  try {
    let settled = false;
    const append = store.appendToStream('s', [{ type: 'B', data: 2 }], { expectedVersion: 1 })().finally(() => (settled = true));
    await sleep(200);
    // The commit waits for the lock on the writer thread; here timers fire and reads answer.
    expect(settled).toBe(false);
    expect(ticks).toBeGreaterThanOrEqual(10);
    expect(right(await store.readStream('s')()).version).toBe(1);
    blocker.exec('ROLLBACK');
    expect(right(await append).nextVersion).toBe(2);
  } finally {
    clearInterval(timer);
    if (blocker.inTransaction) blocker.exec('ROLLBACK');
    blocker.close();
  }
});

test('appends sent together are decided in the order sent, each answered on its own, positions without gaps', async () => {
  const { store } = open('together');
  // Three appends to each of ten streams, sent at once with the versions they expect in turn, and
  // one that expects a version its stream never had.
  const sent = Array.from({ length: 30 }, (_, i) => store.appendMany([{ streamId: `s${i % 10}`, events: [{ type: 'E', data: { i } }], expectedVersion: Math.floor(i / 10) }])());
  const stray = store.appendMany([{ streamId: 's0', events: [{ type: 'E', data: 'stray' }], expectedVersion: 7 }])();
  const results = (await Promise.all(sent)).map((r) => right(right(r)[0]!));
  expect(results.map((r: AppendResult) => [r.streamId, r.nextVersion])).toEqual(Array.from({ length: 30 }, (_, i) => [`s${i % 10}`, Math.floor(i / 10) + 1]));
  const strayResult = right(await stray)[0]!;
  expect(E.isLeft(strayResult) && strayResult.left).toMatchObject({ _tag: 'VersionConflict', streamId: 's0', expected: 7, actual: 3 });
  const all = right(await store.readAll({})());
  expect(all.map((e) => e.position)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  expect(all.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 30 }, (_, i) => i));
});

test('an append decided here, reading first, commits after the appends asked for before it', async () => {
  const { store } = open('order');
  // The first goes to the thread planned on version 0; the second expects any version, so it is
  // decided on this thread, and still after the first.
  const first = store.appendToStream('o', [{ type: 'A', data: 1 }], { expectedVersion: 0 })();
  const second = store.appendToStream('o', [{ type: 'B', data: 2 }], { expectedVersion: 'any' })();
  expect([right(await first).nextVersion, right(await second).nextVersion]).toEqual([1, 2]);
  expect(right(await store.readStream('o')()).events.map((e) => e.type)).toEqual(['A', 'B']);
});

test('close finishes the writes already asked for; a write after it is StoreUnavailable', async () => {
  const { filename } = open('closing');
  const store = openSqlite({ filename });
  const pending = Array.from({ length: 20 }, (_, i) => store.appendToStream(`c${i}`, [{ type: 'E', data: i }], { expectedVersion: 0 })());
  await store.close();
  expect((await Promise.all(pending)).every(E.isRight)).toBe(true);
  const after = await store.appendToStream('late', [{ type: 'E', data: 0 }], { expectedVersion: 0 })();
  expect(E.isLeft(after) && after.left._tag).toBe('StoreUnavailable');
  const reopened = openSqlite({ filename });
  stores.push(reopened);
  expect(right(await reopened.readAll({})()).length).toBe(20);
});

describe('the writer thread itself', () => {
  /**
   * A group made on purpose: the first job waits for a lock another connection holds, the next
   * ones queue up meanwhile, and when the lock is free the thread takes them all in one group.
   * The thread is started and its connection open before the lock is taken: a thread still
   * starting when the jobs are sent would find all of them queued and put the first in their group.
   */
  const groupAfterLock = async (filename: string, jobs: (writer: ReturnType<typeof startSqliteWriter>) => Promise<unknown>[]) => {
    const writer = startSqliteWriter(filename, 5000);
    await writer.barrier();
    const blocker = new Database(filename);
    blocker.exec('BEGIN IMMEDIATE');
    try {
      const first = writer.run('INSERT INTO aliases (alias, stream_id) VALUES (?, ?)', ['first', 'order:x']);
      await sleep(250);
      const grouped = jobs(writer);
      blocker.exec('ROLLBACK');
      return { first: await first.then(() => 'committed'), grouped: await Promise.allSettled(grouped) };
    } finally {
      if (blocker.inTransaction) blocker.exec('ROLLBACK');
      blocker.close();
      await writer.close();
    }
  };
  const aliasesIn = (filename: string): string[] => {
    const check = new Database(filename, { readonly: true });
    try {
      return check.prepare<[], string>('SELECT alias FROM aliases ORDER BY alias').pluck().all();
    } finally {
      check.close();
    }
  };
  const insertAlias = (writer: ReturnType<typeof startSqliteWriter>, alias: string) => writer.run('INSERT INTO aliases (alias, stream_id) VALUES (?, ?)', [alias, 'order:x']);

  test('a job that fails within a group is rolled back alone; the others commit', async () => {
    const { filename } = open('group');
    const { first, grouped } = await groupAfterLock(filename, (writer) => [insertAlias(writer, 'a'), writer.run('INSERT INTO no_such_table VALUES (?)', [1]), insertAlias(writer, 'b')]);
    expect(first).toBe('committed');
    expect(grouped.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const bad = grouped[1]!;
    expect(bad.status === 'rejected' && bad.reason).toBeInstanceOf(WriterError);
    expect(bad.status === 'rejected' && (bad.reason as WriterError).message).toMatch(/no such table/);
    expect(aliasesIn(filename)).toEqual(['a', 'b', 'first']);
  });

  test('a failure that ends the transaction fails every job of its group, and writes none of them', async () => {
    const { filename } = open('aborted');
    const admin = new Database(filename);
    admin.exec(`CREATE TRIGGER refuse_boom BEFORE INSERT ON aliases WHEN NEW.alias = 'boom' BEGIN SELECT RAISE(ROLLBACK, 'boom refused'); END`);
    admin.close();
    const { first, grouped } = await groupAfterLock(filename, (writer) => [insertAlias(writer, 'a'), insertAlias(writer, 'boom'), insertAlias(writer, 'c')]);
    expect(first).toBe('committed');
    // Had a, boom and c been committed one by one, a would be stored; in one transaction, none is.
    expect(grouped.map((r) => r.status === 'rejected' && (r.reason as WriterError).message)).toEqual(['boom refused', 'boom refused', 'boom refused']);
    expect(aliasesIn(filename)).toEqual(['first']);
  });

  test('a write to the thread after a failed group goes on as usual', async () => {
    const { filename } = open('after');
    const writer = startSqliteWriter(filename, 1000);
    try {
      await expect(writer.run('INSERT INTO no_such_table VALUES (?)', [1])).rejects.toBeInstanceOf(WriterError);
      await insertAlias(writer, 'later');
      const duplicate = await insertAlias(writer, 'later').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(duplicate).toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
      await writer.barrier();
    } finally {
      await writer.close();
    }
    expect(aliasesIn(filename)).toEqual(['later']);
  });

  test('a plan that no longer fits writes nothing and answers null', async () => {
    const { store, filename } = open('plan');
    right(await store.appendToStream('p', [{ type: 'A', data: 1, idempotencyKey: 'k' }], { expectedVersion: 0 })());
    const writer = startSqliteWriter(filename, 1000);
    const row = { streamId: 'p', version: 2, type: 'B', dataJson: '{}', idempotencyKey: 'k2', recordedAt: '2024-01-01T00:00:00.000Z' };
    try {
      expect(await writer.appendPlanned({ streams: ['p'], versions: [0], keyStreams: [], keys: [], rows: [row] })).toBeNull();
      expect(await writer.appendPlanned({ streams: ['p'], versions: [1], keyStreams: ['p'], keys: ['k'], rows: [row] })).toBeNull();
      expect(await writer.appendPlanned({ streams: ['p'], versions: [1], keyStreams: ['p'], keys: ['k2'], rows: [row] })).toBe(1);
    } finally {
      await writer.close();
    }
    expect(right(await store.readStream('p')()).events.map((e) => [e.version, e.type, e.idempotencyKey])).toEqual([
      [1, 'A', 'k'],
      [2, 'B', 'k2'],
    ]);
  });

  test('a thread that cannot start stops, and every write to it is refused as stopped', async () => {
    const writer = startSqliteWriter(join(dir.dir, 'no-such-file.db'), 100);
    const refused = await writer.run('SELECT 1', []).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(WriterStopped);
    expect(String(refused)).toMatch(/the writer thread stopped: SQLITE_CANTOPEN: unable to open database file/);
    expect(writer.stopped).toBe(true);
    await expect(writer.appendPlanned({ streams: [], versions: [], keyStreams: [], keys: [], rows: [] })).rejects.toBeInstanceOf(WriterStopped);
    await writer.close();
  });
});
