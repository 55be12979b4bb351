/// <reference types="jest" />
/** The contract: a closed store, several instances on one database, migrations, an unreachable database. */
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { EventStore } from '../eventStore';
import { MIGRATIONS } from '../migrations';
import type { ContractContext, OlderSchemaHarness } from './contractContext';
import { right, ev, at, positions, range } from './contractHelpers';

const ALL_MIGRATIONS = MIGRATIONS.map((m) => m.version).sort((a, b) => a - b);

export const describeLifecycle = ({ store, instances, openAnother, track, options }: ContractContext): void => {
  describe('closed store', () => {
    test('operations resolve to StoreUnavailable instead of throwing', async () => {
      const s = store();
      await right(s.appendToStream('s', [ev('A')], { expectedVersion: 0 }));
      await s.close();
      await s.close();
      const results = await Promise.all([
        s.appendToStream('s', [ev('B')], { expectedVersion: 1 })(),
        s.appendMany([{ streamId: 's', events: [ev('B')], expectedVersion: 1 }])(),
        s.readStream('s')(),
        s.readAll({})(),
        s.catchUp(0, () => TE.right(undefined))(),
        s.putAlias('a', 's')(),
        s.getAlias('a')(),
        s.recordRejection({ receivedAt: 'now', kind: 'k', orderId: null, reason: 'r', rawBody: '' })(),
        s.readRejections()(),
        s.getCheckpoint('c')(),
        s.putCheckpoint('c', 1)(),
      ]);
      for (const r of results) expect(E.isLeft(r) && r.left._tag).toBe('StoreUnavailable');
    });
  });

  if (options.multiInstance === true) {
    test('several instances on one database see each other\'s writes, and a reopened store reads them back', async () => {
      const [a, b] = await instances();
      if (a === undefined || b === undefined) throw new Error('expected two instances');
      await right(a.appendToStream('s', [ev('A')], { expectedVersion: 0 }));
      await right(b.appendToStream('s', [ev('B')], { expectedVersion: 1 }));
      await right(b.putAlias('tx', 's'));
      await right(a.putCheckpoint('sub', 2));
      expect((await right(a.readStream('s'))).events.map((e) => e.type)).toEqual(['A', 'B']);
      expect(await right(a.getAlias('tx'))).toBe('s');
      expect(await right(b.getCheckpoint('sub'))).toBe(2);
      await a.close();
      await b.close();
      const c = await openAnother();
      track(c);
      expect((await right(c.readAll({}))).map((e) => [e.position, e.type])).toEqual([
        [1, 'A'],
        [2, 'B'],
      ]);
    });
  }

  const olderSchema = options.olderSchema;
  if (olderSchema !== undefined) {
    describe('migrations', () => {
      let harness: OlderSchemaHarness | undefined;
      const opened: EventStore[] = [];
      const open = async (schemaVersion?: number): Promise<EventStore> => {
        if (harness === undefined) throw new Error('no harness');
        const s = await harness.open(schemaVersion);
        opened.push(s);
        return s;
      };

      beforeEach(async () => {
        harness = await olderSchema();
      });

      afterEach(async () => {
        await Promise.all(opened.splice(0).map((s) => s.close()));
        await harness?.cleanup();
        harness = undefined;
      });

      test('a database written by an older release (migration 1 only) keeps working', async () => {
        if (harness === undefined) throw new Error('no harness');
        const old = await open(1);
        expect(await harness.appliedMigrations()).toEqual([1]);
        await right(old.appendToStream('legacy', [ev('Created', { v: 1 }, 'k1')], { expectedVersion: 0 }));
        await right(old.putAlias('tx-legacy', 'legacy'));
        await right(old.putCheckpoint('sub', 1));
        const oldRejection = await right(
          old.recordRejection({ receivedAt: '2023-01-01T00:00:00.000Z', kind: 'notification', orderId: 'legacy', reason: 'old', rawBody: '{}' }),
        );
        await old.close();

        const current = await open();
        expect(await harness.appliedMigrations()).toEqual(ALL_MIGRATIONS);
        const read = await right(current.readStream('legacy'));
        expect(read.events.map((e) => [e.version, e.type, e.data, e.idempotencyKey])).toEqual([[1, 'Created', { v: 1 }, 'k1']]);
        const dup = await right(current.appendToStream('legacy', [ev('Created', { v: 1 }, 'k1')], { expectedVersion: 0 }));
        expect(dup.alreadyRecorded).toHaveLength(1);
        const next = await right(current.appendToStream('legacy', [ev('Paid', { v: 2 })], { expectedVersion: 1 }));
        expect(next.events.map((e) => [e.version, e.position])).toEqual([[2, 2]]);
        expect(await right(current.getAlias('tx-legacy'))).toBe('legacy');
        expect(await right(current.getCheckpoint('sub'))).toBe(1);
        const newRejection = await right(
          current.recordRejection({ receivedAt: '2024-01-01T00:00:00.000Z', kind: 'notification', orderId: 'legacy', reason: 'new', rawBody: '[]' }),
        );
        expect((await right(current.readRejections({ orderId: 'legacy' }))).map((r) => r.id)).toEqual([
          oldRejection.id,
          newRejection.id,
        ]);
        await current.close();

        const reopened = await open();
        expect(await harness.appliedMigrations()).toEqual(ALL_MIGRATIONS);
        expect(positions(await right(reopened.readAll({})))).toEqual([1, 2]);
      });

      test('concurrent openers of a fresh database all succeed and each migration runs once', async () => {
        if (harness === undefined) throw new Error('no harness');
        const stores = await Promise.all(range(1, 4).map(() => open()));
        expect(await harness.appliedMigrations()).toEqual(ALL_MIGRATIONS);
        await right(at(stores, 0).appendToStream('s', [ev('A')], { expectedVersion: 0 }));
        expect((await right(at(stores, 3).readStream('s'))).version).toBe(1);
      });
    });
  }

  const openUnreachable = options.openUnreachable;
  if (openUnreachable !== undefined) {
    test('opening an unreachable database resolves to StoreUnavailable', async () => {
      const result = await openUnreachable();
      if (E.isRight(result)) await result.right.close();
      expect(E.isLeft(result) && result.left._tag).toBe('StoreUnavailable');
    });
  }
};
