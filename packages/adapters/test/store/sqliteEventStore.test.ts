import * as E from 'fp-ts/lib/Either.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEventStoreContract } from '../../src/store/eventStore.contract';
import type { EventStore } from '../../src/store/eventStore';
import { formatStoreError } from '../../src/store/eventStore';
import { getSqliteEventStore, sqliteAppliedMigrations } from '../../src/store/sqliteEventStore';

// Every database gets its own temporary directory, removed by its cleanup.
const tempDir = (): { dir: string; remove: () => Promise<void> } => {
  const dir = mkdtempSync(join(tmpdir(), 'paystate-sqlite-'));
  return { dir, remove: async () => rmSync(dir, { recursive: true, force: true }) };
};

const open = (filename: string, schemaVersion?: number): EventStore => {
  const opened = getSqliteEventStore(schemaVersion === undefined ? { filename } : { filename, schemaVersion });
  if (E.isLeft(opened)) throw new Error(formatStoreError(opened.left));
  return opened.right;
};

describeEventStoreContract(
  'sqlite',
  async () => {
    const { dir, remove } = tempDir();
    const filename = join(dir, 'events.db');
    const store = open(filename);
    return {
      store,
      openAnother: async () => open(filename),
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
        open: async (schemaVersion) => open(filename, schemaVersion),
        appliedMigrations: async () => {
          const applied = sqliteAppliedMigrations(filename);
          if (E.isLeft(applied)) throw new Error(formatStoreError(applied.left));
          return applied.right;
        },
        cleanup: remove,
      };
    },
    openUnreachable: async () => getSqliteEventStore({ filename: join(tmpdir(), 'paystate-no-such-dir', 'nested', 'events.db') }),
  },
);
