/**
 * Colour for the tables of replay and inspect: only when the stream is a terminal, never with
 * NO_COLOR (https://no-color.org: set and not empty), always with FORCE_COLOR (unless 0 or false).
 */
import type { ReplayReport } from '@paystate/adapters';
import type { Outcome } from '@paystate/engine';
import type { Io } from './io';

/** Whether to colour a stream: NO_COLOR, then FORCE_COLOR, then whether it is a terminal. */
export const shouldColour = (isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean => {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  return isTTY;
};

export const colourOn = (io: Io, stream: 'stdout' | 'stderr'): boolean => shouldColour(io.isTTY?.[stream] === true, io.env);

const SGR: Readonly<Record<Outcome, string>> = {
  applied: '32', // green
  duplicate: '2', // dim
  ignored: '2',
  stale: '33', // yellow
  illegal: '31', // red
  rejected: '1;31', // bold red
};

export const paint = (code: string, text: string): string => `\u001b[${code}m${text}\u001b[0m`;

const OUTCOME_CELL = new RegExp(`(?<= {2})(${Object.keys(SGR).join('|')})(?= {2}| *$)`);

/**
 * Colours the outcome cell of each row of a table whose first line is its header (the first
 * outcome word standing as a cell, two spaces from its neighbours), and the header in bold.
 */
export const colourTable = (table: string, on: boolean): string => {
  if (!on) return table;
  const lines = table.split('\n');
  const end = lines.indexOf('');
  return lines
    .map((line, i) => {
      if (i === 0) return paint('1', line);
      if (end >= 0 && i >= end) return line;
      return line.replace(OUTCOME_CELL, (o) => paint(SGR[o as Outcome], o));
    })
    .join('\n');
};

/** How many observations a `--strict` run fails on: rejected or illegal ones. */
export const strictFailures = (report: Pick<ReplayReport, 'events'>): number => report.events.filter((e) => e.outcome === 'rejected' || e.outcome === 'illegal').length;
