/** The PostgreSQL store's tables beside the events: aliases, the rejection log and checkpoints. */
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '../eventStore';
import { storeFailed } from '../eventStore';
import { checkInteger, checkText } from '../shared/argumentChecks';
import { validateReadRejections } from '../shared/validateReads';
import { validateRejection } from '../shared/validateRejection';
import { prepared } from './postgresConnection';
import type { PostgresContext } from './postgresContext';
import { toRejection, type RejectionRow } from './postgresRows';

export const postgresSideTables = ({
  pool,
  s,
  task,
}: PostgresContext): Pick<EventStore, 'putAlias' | 'getAlias' | 'recordRejection' | 'readRejections' | 'getCheckpoint' | 'putCheckpoint'> => ({
  putAlias: (alias, streamId) =>
    task(async () => {
      const a = checkText(alias, 'alias');
      if (E.isLeft(a)) return a;
      const sid = checkText(streamId, 'streamId');
      if (E.isLeft(sid)) return sid;
      await pool.query(
        prepared(`INSERT INTO ${s}.aliases (alias, stream_id) VALUES ($1, $2) ON CONFLICT (alias) DO NOTHING`, [
          a.right,
          sid.right,
        ]),
      );
      return E.right(undefined);
    }),

  getAlias: (alias) =>
    task(async () => {
      const a = checkText(alias, 'alias');
      if (E.isLeft(a)) return a;
      const rows = await pool.query<{ stream_id: string }>(
        prepared(`SELECT stream_id FROM ${s}.aliases WHERE alias = $1`, [a.right]),
      );
      return E.right(rows.rows[0]?.stream_id);
    }),

  recordRejection: (r) =>
    task(async () => {
      const valid = validateRejection(r);
      if (E.isLeft(valid)) return valid;
      const { receivedAt, kind, orderId, reason, rawBody } = valid.right;
      const rows = await pool.query<{ id: string }>(
        prepared(
          `INSERT INTO ${s}.rejections (received_at, kind, order_id, reason, raw_body) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [receivedAt, kind, orderId, reason, Buffer.from(rawBody, 'utf8')],
        ),
      );
      const id = rows.rows[0]?.id;
      return id === undefined ? E.left(storeFailed('insert returned no id')) : E.right({ id: Number(id) });
    }),

  readRejections: (options) =>
    task(async () => {
      const valid = validateReadRejections(options);
      if (E.isLeft(valid)) return valid;
      const { orderId, fromId, limit } = valid.right;
      // Two statements rather than one with an optional filter, so each keeps a plan that fits it.
      const columns = `SELECT id, received_at, kind, order_id, reason, raw_body FROM ${s}.rejections`;
      const rows = await pool.query<RejectionRow>(
        orderId === undefined
          ? prepared(`${columns} WHERE id > $1 ORDER BY id LIMIT $2`, [fromId, limit ?? null])
          : prepared(`${columns} WHERE order_id = $1 AND id > $2 ORDER BY id LIMIT $3`, [orderId, fromId, limit ?? null]),
      );
      return E.right(rows.rows.map(toRejection));
    }),

  getCheckpoint: (subscriberId) =>
    task(async () => {
      const sub = checkText(subscriberId, 'subscriberId');
      if (E.isLeft(sub)) return sub;
      const rows = await pool.query<{ position: string }>(
        prepared(`SELECT position FROM ${s}.checkpoints WHERE subscriber_id = $1`, [sub.right]),
      );
      const position = rows.rows[0]?.position;
      return E.right(position === undefined ? 0 : Number(position));
    }),

  putCheckpoint: (subscriberId, position) =>
    task(async () => {
      const sub = checkText(subscriberId, 'subscriberId');
      if (E.isLeft(sub)) return sub;
      const p = checkInteger(position, 'position', 0);
      if (E.isLeft(p)) return p;
      await pool.query(
        prepared(
          `INSERT INTO ${s}.checkpoints (subscriber_id, position) VALUES ($1, $2)
           ON CONFLICT (subscriber_id) DO UPDATE SET position = excluded.position`,
          [sub.right, p.right],
        ),
      );
      return E.right(undefined);
    }),
});
