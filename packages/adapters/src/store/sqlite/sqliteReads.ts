/** The SQLite store's reads of the events: a stream, and the global log. */
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '../eventStore';
import { checkText } from '../shared/argumentChecks';
import { validateFromVersion, validateReadAll } from '../shared/validateReads';
import type { SqliteContext } from './sqliteContext';
import { CURRENT_VERSION, EVENT_COLUMNS, toStored, type EventRow } from './sqliteRows';

export const sqliteReads = ({ db, run }: SqliteContext): Pick<EventStore, 'readStream' | 'readAll'> => {
  const currentVersion = db.prepare<[string], number>(CURRENT_VERSION).pluck();
  const streamFrom = db.prepare<[string, number], EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND version >= ? ORDER BY version`,
  );
  // LIMIT -1 means no limit in SQLite.
  const allFrom = db.prepare<[number, number], EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
  );

  // One read transaction, so the version and the events agree.
  const readStreamTx = db.transaction((streamId: string, fromVersion: number) => ({
    version: currentVersion.get(streamId) ?? 0,
    events: streamFrom.all(streamId, fromVersion).map(toStored),
  }));

  const readAll: EventStore['readAll'] = (options) =>
    run(() => {
      const valid = validateReadAll(options);
      if (E.isLeft(valid)) return valid;
      return E.right(allFrom.all(valid.right.fromPosition, valid.right.limit ?? -1).map(toStored));
    });

  return {
    readStream: (streamId, options) =>
      run(() => {
        const id = checkText(streamId, 'streamId');
        if (E.isLeft(id)) return id;
        const from = validateFromVersion(options);
        if (E.isLeft(from)) return from;
        return E.right(readStreamTx(id.right, from.right));
      }),

    readAll,
  };
};
