/** The PostgreSQL store's reads: streams (coalesced into shared statements) and the global log. */
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, StoredEvent, StreamRead } from '../eventStore';
import { checkText } from '../shared/argumentChecks';
import { validateFromVersion, validateReadAll } from '../shared/validateReads';
import { prepared } from './postgresConnection';
import type { PostgresContext } from './postgresContext';
import { EVENT_COLUMNS, toStored, type EventRow } from './postgresRows';

/** The most stream reads one statement carries. */
const MAX_READ_BATCH = 256;
/** How many of those statements may be on their way at once. */
const READS_IN_FLIGHT = 1;

export const postgresReads = ({ pool, s, task }: PostgresContext): Pick<EventStore, 'readStream' | 'readAll'> => {
  // One statement, one snapshot for every stream asked: each stream's version and its events agree.
  // A stream with no events from its fromVersion yields one row of NULL event columns. OFFSET 0
  // keeps the events subquery a per-stream index scan: flattened, the generic plan of the prepared
  // statement joins the whole table by hash (measured: 10 ms instead of 0.7 ms for 8 streams of 20,000 events).
  const readStreamsSql = `
    SELECT r.n, c.current, e.* FROM unnest($1::text[], $2::integer[]) WITH ORDINALITY AS r(stream_id, from_version, n)
    CROSS JOIN LATERAL (SELECT coalesce(max(version), 0) AS current FROM ${s}.events WHERE stream_id = r.stream_id) c
    LEFT JOIN LATERAL (SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE stream_id = r.stream_id AND version >= r.from_version ORDER BY version OFFSET 0) e ON true
    ORDER BY r.n, e.version`;

  type StreamRow = { readonly n: string; readonly current: number } & (EventRow | { readonly [K in keyof EventRow]: null });

  /**
   * Stream reads asked while one is on its way go together in the next statement, so a burst of
   * first reads (a webhook's orders not yet cached) costs one round trip rather than one each.
   */
  const reads = (() => {
    type Waiter = { readonly streamId: string; readonly from: number; readonly resolve: (r: StreamRead) => void; readonly reject: (e: unknown) => void };
    let queue: Waiter[] = [];
    let inFlight = 0;
    const send = async (batch: readonly Waiter[]): Promise<void> => {
      try {
        const rows = await pool.query<StreamRow>(prepared(readStreamsSql, [batch.map((w) => w.streamId), batch.map((w) => w.from)]));
        const answers = batch.map((): { version: number; events: StoredEvent[] } => ({ version: 0, events: [] }));
        for (const row of rows.rows) {
          const answer = answers[Number(row.n) - 1]!;
          answer.version = row.current;
          if (row.position !== null) answer.events.push(toStored(row));
        }
        batch.forEach((w, i) => w.resolve(answers[i]!));
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    };
    const pump = (): void => {
      while (queue.length > 0 && inFlight < READS_IN_FLIGHT) {
        const batch = queue.slice(0, MAX_READ_BATCH);
        queue = queue.slice(batch.length);
        inFlight += 1;
        void send(batch).then(() => {
          inFlight -= 1;
          pump();
        });
      }
    };
    return {
      read: (streamId: string, from: number): Promise<StreamRead> =>
        new Promise((resolve, reject) => {
          queue.push({ streamId, from, resolve, reject });
          pump();
        }),
    };
  })();

  const readAll: EventStore['readAll'] = (options) =>
    task(async () => {
      const valid = validateReadAll(options);
      if (E.isLeft(valid)) return valid;
      const rows = await pool.query<EventRow>(
        prepared(`SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE position > $1 ORDER BY position LIMIT $2`, [
          valid.right.fromPosition,
          valid.right.limit ?? null,
        ]),
      );
      return E.right(rows.rows.map(toStored));
    });

  return {
    readStream: (streamId, options) =>
      task(async () => {
        const id = checkText(streamId, 'streamId');
        if (E.isLeft(id)) return id;
        const from = validateFromVersion(options);
        if (E.isLeft(from)) return from;
        return E.right(await reads.read(id.right, from.right));
      }),

    readAll,
  };
};
