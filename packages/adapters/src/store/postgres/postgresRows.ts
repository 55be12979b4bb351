/** The store's rows as pg returns them, and the events and rejections they become. */
import type { StoredEvent, StoredRejection } from '../eventStore';
import { decodeData } from '../shared/eventData';

export interface EventRow {
  readonly position: string;
  readonly stream_id: string;
  readonly version: number;
  readonly type: string;
  readonly data: string;
  readonly idempotency_key: string | null;
  readonly recorded_at: Date;
}

export interface RejectionRow {
  readonly id: string;
  readonly received_at: string;
  readonly kind: string;
  readonly order_id: string | null;
  readonly reason: string;
  readonly raw_body: Buffer;
  /** Absent on a schema before the bounded rejection log. */
  readonly body_sha256?: string | null;
  readonly body_bytes?: string | null;
}

// data is read as text so it round-trips exactly and is parsed in one place.
export const EVENT_COLUMNS = 'position, stream_id, version, type, data::text AS data, idempotency_key, recorded_at';

export const toStored = (r: EventRow): StoredEvent => ({
  streamId: r.stream_id,
  version: r.version,
  position: Number(r.position),
  type: r.type,
  data: decodeData(r.data),
  idempotencyKey: r.idempotency_key,
  recordedAt: r.recorded_at.toISOString(),
});

export const toRejection = (r: RejectionRow): StoredRejection => ({
  id: Number(r.id),
  receivedAt: r.received_at,
  kind: r.kind,
  orderId: r.order_id,
  reason: r.reason,
  rawBody: r.raw_body.toString('utf8'),
  ...(r.body_sha256 === undefined || r.body_sha256 === null || r.body_bytes === undefined || r.body_bytes === null
    ? {}
    : { body: { sha256: r.body_sha256, bytes: Number(r.body_bytes) } }),
});
