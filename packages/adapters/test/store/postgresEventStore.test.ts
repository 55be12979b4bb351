import * as E from 'fp-ts/lib/Either.js';
import { describeEventStoreContract } from '../../src/store/eventStore.contract';
import { formatStoreError } from '../../src/store/eventStore';
import { getPostgresEventStore, postgresAppliedMigrations } from '../../src/store/postgresEventStore';
import { dropSchema, freshSchema, openPostgres, postgresSkipReason, postgresUrl } from './support/postgres';

/** The schemas the caps tests opened, dropped at the end. */
const capsSchemas: string[] = [];
afterAll(() => Promise.all(capsSchemas.map(dropSchema)));

describeEventStoreContract(
  'postgres',
  async () => {
    const schema = freshSchema();
    const store = await openPostgres(schema);
    return {
      store,
      openAnother: () => openPostgres(schema),
      cleanup: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  },
  {
    // Set only when the server is unreachable and PAYSTATE_REQUIRE_POSTGRES is not 1 (see support/postgres.ts).
    ...(postgresSkipReason === undefined ? {} : { skipReason: postgresSkipReason }),
    multiInstance: true,
    olderSchema: async () => {
      const schema = freshSchema();
      return {
        open: (schemaVersion) => openPostgres(schema, schemaVersion),
        appliedMigrations: async () => {
          const applied = await postgresAppliedMigrations({ connectionString: postgresUrl, schema })();
          if (E.isLeft(applied)) throw new Error(formatStoreError(applied.left));
          return applied.right;
        },
        cleanup: () => dropSchema(schema),
      };
    },
    openWithCaps: async (rejectionLog, clock) => {
      const schema = freshSchema();
      capsSchemas.push(schema);
      const opened = await getPostgresEventStore({ connectionString: postgresUrl, schema, rejectionLog, clock })();
      if (E.isLeft(opened)) throw new Error(formatStoreError(opened.left));
      return opened.right;
    },
    // Port 1 refuses connections.
    openUnreachable: () => getPostgresEventStore({ connectionString: 'postgres://postgres:s3cret@127.0.0.1:1/test' })(),
  },
);
