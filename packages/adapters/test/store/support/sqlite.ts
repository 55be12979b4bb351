/**
 * SQLite for the store tests: a temporary directory per database, and the shared contract suite
 * registered for one way of writing (on the writer thread, or in line).
 */
import * as E from 'fp-ts/lib/Either.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEventStoreContract } from '../../../src/store/eventStore.contract';
import type { EventStore } from '../../../src/store/eventStore';
import { formatStoreError } from '../../../src/store/eventStore';
import { getSqliteEventStore, sqliteAppliedMigrations, type SqliteEventStoreOptions } from '../../../src/store/sqliteEventStore';

/** A temporary directory, removed by `remove`. */
export const tempDir = (): { dir: string; remove: () => Promise<void> } => {
  const dir = mkdtempSync(join(tmpdir(), 'paystate-sqlite-'));
  return { dir, remove: async () => rmSync(dir, { recursive: true, force: true }) };
};

/** Opens a store or throws with the store error. */
export const openSqlite = (options: SqliteEventStoreOptions): EventStore => {
  const opened = getSqliteEventStore(options);
  if (E.isLeft(opened)) throw new Error(formatStoreError(opened.left));
  return opened.right;
};

/** The EventStore contract for SQLite stores that write on their writer thread or in line. */
export const describeSqliteContract = (name: string, writerThread: boolean): void =>
  describeEventStoreContract(
    name,
    async () => {
      const { dir, remove } = tempDir();
      const filename = join(dir, 'events.db');
      const store = openSqlite({ filename, writerThread });
      return {
        store,
        openAnother: async () => openSqlite({ filename, writerThread }),
        cleanup: async () => {
          await store.close();
          await remove();
        },
      };
    },
    {
      multiInstance: true,
      olderSchema: async () => {
        const { dir, remove } = tempDir();
        const filename = join(dir, 'older.db');
        return {
          open: async (schemaVersion) => openSqlite(schemaVersion === undefined ? { filename, writerThread } : { filename, writerThread, schemaVersion }),
          appliedMigrations: async () => {
            const applied = sqliteAppliedMigrations(filename);
            if (E.isLeft(applied)) throw new Error(formatStoreError(applied.left));
            return applied.right;
          },
          cleanup: remove,
        };
      },
      openWithCaps: async (rejectionLog, clock) => {
        const { dir } = tempDir();
        return openSqlite({ filename: join(dir, 'caps.db'), writerThread, rejectionLog, clock });
      },
      openUnreachable: async () => getSqliteEventStore({ filename: join(tmpdir(), 'paystate-no-such-dir', 'nested', 'events.db'), writerThread }),
    },
  );
