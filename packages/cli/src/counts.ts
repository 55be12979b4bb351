/** Outcome counts as `paystate ingest` prints them. */
import { OUTCOMES, type Outcome } from '@paystate/engine';

/** `applied 12, duplicate 3, ...`: every outcome, in the engine's order. */
export const formatCounts = (counts: ReadonlyMap<Outcome, number>): string => OUTCOMES.map((o) => `${o} ${counts.get(o) ?? 0}`).join(', ');
