/**
 * How a subscriber's work is split across processes: each stream (so each order, with all its
 * events) belongs to one of N segments by a hash of its id; the live processes share the segments
 * out, each taking its share in the order of their names.
 */

/** The segment of a stream: FNV-1a (32 bits) of its id's UTF-16 code units, modulo the segment count. */
export const segmentOf = (streamId: string, segments: number): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < streamId.length; i++) {
    h ^= streamId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % segments;
};

/** How many segments `owner` should hold among the live members (itself counted even if not listed yet). */
export const shareOf = (members: readonly string[], owner: string, segments: number): number => {
  const all = [...new Set([...members, owner])].sort();
  const i = all.indexOf(owner);
  return Math.floor(segments / all.length) + (i < segments % all.length ? 1 : 0);
};
