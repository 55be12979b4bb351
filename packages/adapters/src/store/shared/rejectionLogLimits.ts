/**
 * The caps on the rejection log's rows filed under no order (input nobody authenticated, or that
 * names no known order): their total size and their age. Rows filed under an order are never
 * dropped, since they carry that order's rejected_input flag. What is dropped is counted.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Rejection, StoreError } from '../eventStore';
import { invalidArgument } from '../eventStore';

export interface RejectionLogLimits {
  /** The most the rows under no order may take, counted as rejectionSize does (default 64 MiB). */
  readonly maxBytes?: number;
  /** Rows under no order older than this (by the store's clock when stored) are dropped (default 30 days). */
  readonly maxAgeSeconds?: number;
}

export const DEFAULT_REJECTION_LOG_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_REJECTION_LOG_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/** What a row is counted as besides its text (the columns of fixed size, the index entries). */
export const REJECTION_ROW_OVERHEAD = 128;

/** A full log is cut back to this share of its cap, so the oldest rows go in batches, not one per insert. */
const PRUNE_TO = 0.9;

export interface ValidLimits {
  readonly maxBytes: number;
  readonly maxAgeMs: number;
  /** What the rows under no order are cut back to once they pass maxBytes. */
  readonly pruneToBytes: number;
}

export const validateLimits = (limits: RejectionLogLimits | undefined): E.Either<StoreError, ValidLimits> => {
  const maxBytes = limits?.maxBytes ?? DEFAULT_REJECTION_LOG_MAX_BYTES;
  const maxAge = limits?.maxAgeSeconds ?? DEFAULT_REJECTION_LOG_MAX_AGE_SECONDS;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) return E.left(invalidArgument(`rejectionLog.maxBytes must be a positive integer, got ${String(maxBytes)}`));
  if (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge <= 0) return E.left(invalidArgument(`rejectionLog.maxAgeSeconds must be a positive number, got ${String(maxAge)}`));
  return E.right({ maxBytes, maxAgeMs: Math.ceil(maxAge * 1000), pruneToBytes: Math.floor(maxBytes * PRUNE_TO) });
};

/** How much a rejection counts against the cap: its text in UTF-8 plus a fixed overhead. */
export const rejectionSize = (r: Rejection): number =>
  Buffer.byteLength(r.rawBody, 'utf8') +
  Buffer.byteLength(r.reason, 'utf8') +
  Buffer.byteLength(r.kind, 'utf8') +
  Buffer.byteLength(r.receivedAt, 'utf8') +
  (r.orderId === null ? 0 : Buffer.byteLength(r.orderId, 'utf8')) +
  (r.body === undefined ? 0 : r.body.sha256.length) +
  REJECTION_ROW_OVERHEAD;
