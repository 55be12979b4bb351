/**
 * A fleet subscriber process: subscribes as `fulfilment` on a PostgreSQL schema (or a SQLite file) and logs, for each
 * change, when its handler starts and ends (with the change's segment), and each effect that
 * `change.once` runs. Lines are appended synchronously, so a kill -9 loses none already written.
 * Stops cleanly on SIGTERM. Config: one JSON argument.
 */
import { appendFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { subscribe } from '../../src/ingest/subscription';
import { segmentOf } from '../../src/ingest/segments';
import { streamIdOf } from '../../src/ingest/ingest';
import { formatStoreError } from '../../src/store/eventStore';
import { getPostgresEventStore } from '../../src/store/postgresEventStore';
import { getSqliteEventStore } from '../../src/store/sqliteEventStore';

interface Config {
  /** PostgreSQL: the URL and schema; or SQLite: the file. */
  readonly url?: string;
  readonly filename?: string;
  readonly schema?: string;
  readonly log: string;
  readonly segments: number;
  readonly leaseMs: number;
  readonly renewIntervalMs: number;
  readonly pollIntervalMs: number;
  readonly handlerMs: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const now = (): number => performance.timeOrigin + performance.now();
const line = (text: string): void => appendFileSync(config.log, `${text}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const main = async (): Promise<void> => {
  const opened =
    config.filename !== undefined
      ? getSqliteEventStore({ filename: config.filename })
      : await getPostgresEventStore({ connectionString: config.url ?? '', ...(config.schema === undefined ? {} : { schema: config.schema }), poolSize: 4 })();
  if (E.isLeft(opened)) throw new Error(formatStoreError(opened.left));
  const store = opened.right;
  const sub = subscribe(
    store,
    async (change) => {
      const segment = segmentOf(streamIdOf(change.orderId), config.segments);
      line(`S ${change.id} ${process.pid} ${now().toFixed(3)} ${segment}`);
      await change.once(async () => line(`X ${change.id} ${process.pid}`));
      if (config.handlerMs > 0) await sleep(config.handlerMs);
      line(`E ${change.id} ${process.pid} ${now().toFixed(3)} ${segment}`);
    },
    {
      subscriberId: 'fulfilment',
      segments: config.segments,
      leaseMs: config.leaseMs,
      renewIntervalMs: config.renewIntervalMs,
      pollIntervalMs: config.pollIntervalMs,
      onSegmentChange: (e) => line(`L ${e.change} ${process.pid} ${now().toFixed(3)} ${e.segment} ${e.token}`),
      onError: (e) => process.stderr.write(`subscriber ${process.pid}: ${e instanceof Error ? e.message : formatStoreError(e)}\n`),
    },
  );
  process.on('SIGTERM', () => {
    void sub
      .stop()
      .then(() => store.close())
      .then(() => process.exit(0));
  });
  await sub.caughtUp();
  process.stdout.write(`ready ${process.pid}\n`);
};

main().catch((e: unknown) => {
  process.stderr.write(`subscriber failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
