/** The PostgreSQL store's tables beside the events: aliases, the rejection log and checkpoints. */
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '../eventStore';
import { storeFailed } from '../eventStore';
import { checkInteger, checkText } from '../shared/argumentChecks';
import { validateReadRejections } from '../shared/validateReads';
import { validateRejection } from '../shared/validateRejection';
import { prepared } from './postgresConnection';
import { rejectionSize, type ValidLimits } from '../shared/rejectionLogLimits';
import type { PostgresContext } from './postgresContext';
import { toRejection, type RejectionRow } from './postgresRows';

/**
 * The side tables. With `limits` (a schema that has the bounded rejection log) rows under no order
 * are capped; without, every rejection is kept as an older release kept it.
 */
export const postgresSideTables = (
  { pool, s, task, clock }: PostgresContext,
  limits: ValidLimits | undefined,
): Pick<EventStore, 'putAlias' | 'getAlias' | 'recordRejection' | 'rejectionLogStats' | 'readRejections' | 'getCheckpoint' | 'putCheckpoint'> => ({
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
      const { receivedAt, kind, orderId, reason, rawBody, body } = valid.right;
      if (limits === undefined) {
        const rows = await pool.query<{ id: string }>(
          prepared(
            `INSERT INTO ${s}.rejections (received_at, kind, order_id, reason, raw_body) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
            [receivedAt, kind, orderId, reason, Buffer.from(rawBody, 'utf8')],
          ),
        );
        const id = rows.rows[0]?.id;
        return id === undefined ? E.left(storeFailed('insert returned no id')) : E.right({ id: Number(id) });
      }
      const storedMs = clock().getTime();
      // The insert answers with what the caps need, so a log within them costs no further statement.
      const rows = await pool.query<{ id: string; unfiled_bytes: string; oldest: string | null }>(
        prepared(
          `WITH r AS (
             INSERT INTO ${s}.rejections (received_at, kind, order_id, reason, raw_body, body_sha256, body_bytes, size, stored_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id)
           SELECT r.id, l.unfiled_bytes + CASE WHEN $3::text IS NULL THEN $8::bigint ELSE 0 END AS unfiled_bytes,
             (SELECT min(stored_ms) FROM ${s}.rejections WHERE order_id IS NULL) AS oldest
           FROM r, ${s}.rejection_log l WHERE l.id = 1`,
          [receivedAt, kind, orderId, reason, Buffer.from(rawBody, 'utf8'), body?.sha256 ?? null, body?.bytes ?? null, rejectionSize(valid.right), storedMs],
        ),
      );
      const row = rows.rows[0];
      if (row === undefined) return E.left(storeFailed('insert returned no id'));
      if (orderId !== null) return E.right({ id: Number(row.id) });
      if (row.oldest !== null && Number(row.oldest) < storedMs - limits.maxAgeMs) {
        await pool.query(prepared(`DELETE FROM ${s}.rejections WHERE order_id IS NULL AND stored_ms < $1`, [storedMs - limits.maxAgeMs]));
      }
      if (Number(row.unfiled_bytes) > limits.maxBytes) {
        // Read again under the row lock the counting trigger takes, so concurrent inserts do not
        // each drop a batch for the same excess.
        await pool.query(
          prepared(
            `WITH l AS (SELECT unfiled_bytes FROM ${s}.rejection_log WHERE id = 1 AND unfiled_bytes > $1 FOR UPDATE)
             DELETE FROM ${s}.rejections WHERE order_id IS NULL AND EXISTS (SELECT 1 FROM l) AND id <= coalesce(
               (SELECT min(id) FROM (SELECT id, sum(size) OVER (ORDER BY id) AS freed FROM ${s}.rejections WHERE order_id IS NULL) f
                WHERE freed >= (SELECT unfiled_bytes FROM l) - $2),
               (SELECT max(id) FROM ${s}.rejections WHERE order_id IS NULL))`,
            [limits.maxBytes, limits.pruneToBytes],
          ),
        );
      }
      return E.right({ id: Number(row.id) });
    }),

  rejectionLogStats: () =>
    task(async () => {
      if (limits === undefined) return E.right({ unfiledBytes: 0, droppedRows: 0, droppedBytes: 0 });
      const rows = await pool.query<{ unfiled_bytes: string; dropped_rows: string; dropped_bytes: string }>(
        prepared(`SELECT unfiled_bytes, dropped_rows, dropped_bytes FROM ${s}.rejection_log WHERE id = 1`, []),
      );
      const r = rows.rows[0];
      return E.right({ unfiledBytes: Number(r?.unfiled_bytes ?? 0), droppedRows: Number(r?.dropped_rows ?? 0), droppedBytes: Number(r?.dropped_bytes ?? 0) });
    }),

  readRejections: (options) =>
    task(async () => {
      const valid = validateReadRejections(options);
      if (E.isLeft(valid)) return valid;
      const { orderId, fromId, limit } = valid.right;
      // Two statements rather than one with an optional filter, so each keeps a plan that fits it.
      const columns = `SELECT id, received_at, kind, order_id, reason, raw_body${limits === undefined ? '' : ', body_sha256, body_bytes'} FROM ${s}.rejections`;
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
