/**
 * Seeded randomness for the simulator: identifiers and notification chaos (duplicate, delay,
 * reorder, drop) are drawn from a deterministic generator, so one seed gives one history.
 */
import { left, right, type Either } from './either';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

export const CHAOS_KINDS = ['duplicate', 'delay', 'reorder', 'drop'] as const;
/** What may happen to a notification on its way to the merchant. */
export type ChaosKind = (typeof CHAOS_KINDS)[number];

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** A random UUID v4 string. */
  uuid(): string;
}

// -------------------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------------------

/** mulberry32: a small, fast generator whose whole state is one 32-bit integer. */
export const createRng = (seed: number): Rng => {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const hex = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += int(0, 15).toString(16);
    return s;
  };
  const uuid = (): string => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(0, 3)]}${hex(3)}-${hex(12)}`;
  return { next, int, uuid };
};

/** Parses `duplicate,delay,reorder,drop` (or `all`, or an empty string for none). */
export const parseChaos = (text: string | undefined): Either<string, readonly ChaosKind[]> => {
  if (text === undefined || text.trim() === '' || text.trim() === 'none') return right([]);
  if (text.trim() === 'all') return right(CHAOS_KINDS);
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  const unknown = parts.filter((p) => !(CHAOS_KINDS as readonly string[]).includes(p));
  return unknown.length > 0
    ? left(`--chaos: unknown kind ${unknown.map((u) => JSON.stringify(u)).join(', ')} (expected a list of ${CHAOS_KINDS.join(',')})`)
    : right([...new Set(parts as ChaosKind[])]);
};
