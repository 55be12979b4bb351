/**
 * A SQLite file locked by another process (a second connection in `BEGIN EXCLUSIVE` with rows it
 * has not committed): reads go on from what is committed, every write answers StoreUnavailable
 * within the busy timeout, the event loop is never held while a write waits, and once the lock
 * goes every write succeeds, on the writer thread and in line.
 */
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { join } from 'node:path';
import type { EventStore } from '../../src/store/eventStore';
import { INLINE_BUSY_SLICE_MS } from '../../src/store/sqlite/sqliteContext';
import { openSqlite, tempDir } from './support/sqlite';

const BUSY_MS = 600;
// Scheduling on a shared two-core machine.
const MARGIN_MS = 700;

/** The longest the event loop went without running a 10 ms timer, while `during` runs. */
const loopHeldWhile = async <A>(during: () => Promise<A>): Promise<{ value: A; heldMs: number }> => {
  let last = performance.now();
  let heldMs = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    heldMs = Math.max(heldMs, now - last);
    last = now;
  }, 10);
  try {
    const value = await during();
    // One more turn, so a loop held until the very end is seen too.
    await new Promise((r) => setTimeout(r, 15));
    return { value, heldMs };
  } finally {
    clearInterval(tick);
  }
};

const timed = async <A>(f: () => Promise<A>): Promise<{ value: A; ms: number }> => {
  const started = performance.now();
  const value = await f();
  return { value, ms: performance.now() - started };
};

const writes = (store: EventStore, round: number): Record<string, () => Promise<E.Either<unknown, unknown>>> => ({
  append: () => store.appendToStream(`order-${round}`, [{ type: 'x', data: { n: 1 } }], { expectedVersion: 0 })(),
  appendAny: () => store.appendToStream(`order-${round}`, [{ type: 'x', data: { n: 2 } }], { expectedVersion: 'any' })(),
  checkpoint: () => store.putCheckpoint(`sub-${round}`, 1)(),
  alias: () => store.putAlias(`tid-${round}`, `order-${round}`)(),
  rejection: () => store.recordRejection({ receivedAt: '2026-12-06T00:00:00Z', kind: 'notification', orderId: null, reason: 'r', rawBody: '{}' })(),
});

describe.each([
  ['on the writer thread', true],
  ['in line', false],
])('SQLite locked by another connection (%s)', (_name, writerThread) => {
  test('reads answer at once, writes answer StoreUnavailable within the busy timeout without holding the loop, then succeed once the lock goes', async () => {
    const { dir, remove } = tempDir();
    const filename = join(dir, 'locked.db');
    const store = openSqlite({ filename, busyTimeoutMs: BUSY_MS, writerThread });
    const other = new Database(filename);
    try {
      expect(E.isRight(await store.appendToStream('committed', [{ type: 'x', data: { n: 0 } }], { expectedVersion: 0 })())).toBe(true);
      other.exec('BEGIN EXCLUSIVE');
      other.exec("INSERT INTO checkpoints (subscriber_id, position) VALUES ('uncommitted', 7)");

      const reads = await timed(async () => ({
        stream: await store.readStream('committed')(),
        checkpoint: await store.getCheckpoint('uncommitted')(),
        all: await store.readAll({ fromPosition: 0 })(),
      }));
      expect(reads.ms).toBeLessThan(MARGIN_MS);
      const { stream, checkpoint, all } = reads.value;
      expect(E.isRight(stream) && stream.right).toMatchObject({ version: 1 });
      expect(checkpoint).toEqual(E.right(0));
      expect(E.isRight(all) && all.right).toHaveLength(1);

      for (const [name, write] of Object.entries(writes(store, 1))) {
        const { value, heldMs } = await loopHeldWhile(() => timed(write));
        expect([name, value.value]).toEqual([name, E.left(expect.objectContaining({ _tag: 'StoreUnavailable', cause: expect.stringContaining('SQLITE_BUSY') }))]);
        // At least the busy timeout, so a short lock is waited out; an append with 'any' waits for the
        // thread and then tries in line, twice the timeout at most.
        expect(value.ms).toBeGreaterThanOrEqual(BUSY_MS - 50);
        expect(value.ms).toBeLessThan((name === 'appendAny' && writerThread ? 2 : 1) * BUSY_MS + MARGIN_MS);
        // The loop is free while a write waits: one slice of the wait at most, plus scheduling.
        expect([name, heldMs < INLINE_BUSY_SLICE_MS + 250]).toEqual([name, true]);
      }

      other.exec('ROLLBACK');
      for (const [name, write] of Object.entries(writes(store, 2))) expect([name, E.isRight(await write())]).toEqual([name, true]);
      expect(await store.getCheckpoint('uncommitted')()).toEqual(E.right(0));
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      await store.close();
      await remove();
    }
  });
});
