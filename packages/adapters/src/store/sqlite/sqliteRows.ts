/** The store's rows as better-sqlite3 returns them, and the events and rejections they become. */
import type { StoredEvent, StoredRejection } from '../eventStore';
import { decodeData } from '../shared/eventData';

export interface EventRow {
  readonly position: number;
  readonly stream_id: string;
  readonly version: number;
  readonly type: string;
  readonly data: string;
  readonly idempotency_key: string | null;
  readonly recorded_at: string;
}

export interface RejectionRow {
  readonly id: number;
  readonly received_at: string;
  readonly kind: string;
  readonly order_id: string | null;
  readonly reason: string;
  readonly raw_body: string;
  /** Absent on a schema before the bounded rejection log. */
  readonly body_sha256?: string | null;
  readonly body_bytes?: number | null;
}

export const EVENT_COLUMNS = 'position, stream_id, version, type, data, idempotency_key, recorded_at';

export const toStored = (r: EventRow): StoredEvent => ({
  streamId: r.stream_id,
  version: r.version,
  position: r.position,
  type: r.type,
  data: decodeData(r.data),
  idempotencyKey: r.idempotency_key,
  recordedAt: r.recorded_at,
});

export const toRejection = (r: RejectionRow): StoredRejection => ({
  id: r.id,
  receivedAt: r.received_at,
  kind: r.kind,
  orderId: r.order_id,
  reason: r.reason,
  rawBody: r.raw_body,
  ...(r.body_sha256 === undefined || r.body_sha256 === null || r.body_bytes === undefined || r.body_bytes === null
    ? {}
    : { body: { sha256: r.body_sha256, bytes: Number(r.body_bytes) } }),
});

/** A stream's current version (0 when it has no events). */
export const CURRENT_VERSION = 'SELECT coalesce(max(version), 0) FROM events WHERE stream_id = ?';
