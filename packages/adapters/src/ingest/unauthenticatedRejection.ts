/**
 * What the rejection log keeps of input nobody authenticated: a constant-bounded row. The body is
 * kept as its SHA-256, its size and its first bytes; the texts beside it are clipped, so a client
 * that can send anything cannot make one row larger than UNAUTHENTICATED_ROW_BOUND.
 */
import { createHash } from 'node:crypto';
import type { Rejection } from '../store/index';
import { REJECTION_ROW_OVERHEAD } from '../store/shared/rejectionLogLimits';

/** How many bytes of an unauthenticated body are kept (cut back to a whole UTF-8 character): enough to see what it was (a whole notification is about 1 KiB), while a row stays near half a 4 KiB SQLite page. */
export const KEPT_BODY_BYTES = 1024;
/** The longest reason, kind and receivedAt kept for unauthenticated input (in UTF-16 units). */
const MAX_REASON = 512;
const MAX_SHORT = 64;

/** The most one unauthenticated rejection counts against the rejection log's size cap. */
export const UNAUTHENTICATED_ROW_BOUND = KEPT_BODY_BYTES + 3 * MAX_REASON + 2 * 3 * MAX_SHORT + 64 + REJECTION_ROW_OVERHEAD;

/** The first `max` bytes of a string's UTF-8, never splitting a character. */
export const utf8Prefix = (s: string, max: number): string => {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length <= max) return bytes.toString('utf8');
  let end = max;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
};

/** Clipped, and without NUL (PostgreSQL text cannot hold it; the body is kept as bytes). */
const clip = (s: string, max: number): string => {
  const t = s.replaceAll('\u0000', '\uFFFD');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

/** The row filed for unauthenticated input: under no order, its body summarised. */
export const unauthenticatedRejection = (r: { receivedAt: string; kind: string; reason: string; body: string }): Rejection => {
  // Text with lone surrogates is kept as UTF-8 would carry it (each becomes U+FFFD).
  const utf8 = Buffer.from(r.body, 'utf8');
  return {
    receivedAt: clip(r.receivedAt, MAX_SHORT),
    kind: clip(r.kind, MAX_SHORT),
    orderId: null,
    reason: clip(r.reason, MAX_REASON),
    rawBody: utf8Prefix(r.body, KEPT_BODY_BYTES),
    body: { sha256: createHash('sha256').update(utf8).digest('hex'), bytes: utf8.length },
  };
};
