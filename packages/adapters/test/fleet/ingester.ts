/** A fleet ingesting process: runs the workload against a PostgreSQL schema, printing its progress. Config: one JSON argument. */
import * as E from 'fp-ts/lib/Either.js';
import { createPaystate } from '../../src/index';
import { formatStoreError } from '../../src/store/eventStore';
import { getPostgresEventStore } from '../../src/store/postgresEventStore';
import { FLEET_KEY, runWorkload } from './workload';

interface Config {
  readonly url: string;
  readonly schema: string;
  readonly prefix: string;
  readonly orders: number;
  readonly parallel: number;
  readonly paceMs: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config;

const main = async (): Promise<void> => {
  const opened = await getPostgresEventStore({ connectionString: config.url, schema: config.schema, poolSize: 4 })();
  if (E.isLeft(opened)) throw new Error(formatStoreError(opened.left));
  const paystate = createPaystate({ store: opened.right, serverKey: FLEET_KEY });
  const total = await runWorkload(paystate, { ...config, progress: (done) => process.stdout.write(`progress ${done}\n`) });
  process.stdout.write(`done ${total}\n`);
  await opened.right.close();
};

main().catch((e: unknown) => {
  process.stderr.write(`ingester failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
