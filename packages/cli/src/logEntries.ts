/**
 * The lines of a replay-format log as entries for the ingestion service, read as a stream: NDJSON
 * one line at a time (memory bounded by the longest line), or a scenario file (`{"server_key",
 * "events": [...]}`, read whole: such files are small).
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import * as E from 'fp-ts/lib/Either.js';
import type { Observation } from '@paystate/engine';
import { parseReplayLine, toObservation, type RawObservation } from '@paystate/adapters';

/** One line of the log, ready for the ingestion service. */
export interface LogEntry {
  /** 1-based line number (NDJSON) or event index + 1 (scenario file). */
  readonly line: number;
  readonly raw: RawObservation;
  readonly observation: Observation;
  /** The line's exact text, for lines that are not a replay-format object. */
  readonly rawBody?: string;
  /** The key that verified it: the given one, else a scenario file's `server_key`. */
  readonly serverKey: string | undefined;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

const numbered = (o: Observation, line: number): Observation => (o.kind === 'invalid' ? { ...o, reason: `line ${line}: ${o.reason}` } : o);

const entryOf = (value: unknown, line: number, serverKey: string | undefined, text?: string): LogEntry => {
  const key = serverKey ?? '';
  const observation = numbered(text !== undefined && !isRecord(value) ? parseReplayLine(text, { serverKey: key }) : toObservation(value, { serverKey: key }), line);
  const known = isRecord(value) && typeof value['kind'] === 'string';
  const raw: RawObservation = known ? (value as unknown as RawObservation) : { kind: 'unknown', payload: value ?? text ?? null };
  // The rejection log keeps a broken line exactly as it was written.
  return { line, raw, observation, serverKey, ...(text !== undefined && (!known || observation.kind === 'invalid') ? { rawBody: text } : {}) };
};

const parseJson = (text: string): E.Either<undefined, unknown> => E.tryCatch(() => JSON.parse(text) as unknown, () => undefined);

const scenarioOf = (value: unknown): { readonly events: readonly unknown[]; readonly serverKey: string | undefined } | undefined =>
  isRecord(value) && Array.isArray(value['events'])
    ? { events: value['events'] as unknown[], serverKey: typeof value['server_key'] === 'string' ? value['server_key'] : undefined }
    : undefined;

const ndjsonEntry = (raw: string, line: number, givenKey: string | undefined): LogEntry => {
  const text = raw.replace(/\r$/, '');
  const parsed = parseJson(text);
  return entryOf(E.isRight(parsed) ? parsed.right : undefined, line, givenKey, text);
};

/**
 * A pretty-printed scenario file starts with a line that is not JSON on its own; such a start is
 * held until the end, or until this many characters, past which it is read as NDJSON after all.
 */
const SCENARIO_LIMIT = 64 * 1024 * 1024;

/** The log's entries in order, read from `input` line by line. */
export async function* logEntries(input: Readable, givenKey: string | undefined): AsyncGenerator<LogEntry> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  let mode: 'start' | 'ndjson' | 'held' = 'start';
  let held: string[] = [];
  let heldSize = 0;
  const releaseHeld = function* (): Generator<LogEntry> {
    for (const [i, text] of held.entries()) if (text.trim() !== '') yield ndjsonEntry(text, i + 1, givenKey);
    held = [];
  };
  for await (const text of lines) {
    n++;
    if (mode === 'ndjson') {
      if (text.trim() !== '') yield ndjsonEntry(text, n, givenKey);
      continue;
    }
    if (mode === 'held') {
      held.push(text);
      heldSize += text.length + 1;
      if (heldSize > SCENARIO_LIMIT) {
        yield* releaseHeld();
        mode = 'ndjson';
      }
      continue;
    }
    // The first line with content decides.
    if (text.trim() === '') {
      held.push(text);
      continue;
    }
    const parsed = parseJson(text);
    const scenario = E.isRight(parsed) ? scenarioOf(parsed.right) : undefined;
    if (scenario !== undefined) {
      const key = givenKey ?? scenario.serverKey;
      for (const [i, event] of scenario.events.entries()) yield entryOf(event, i + 1, key);
      mode = 'ndjson';
      held = [];
      continue;
    }
    if (E.isLeft(parsed) && text.trimStart().startsWith('{')) {
      mode = 'held';
      held.push(text);
      heldSize = text.length;
      continue;
    }
    held = [];
    mode = 'ndjson';
    yield ndjsonEntry(text, n, givenKey);
  }
  if (mode !== 'held') return;
  const whole = held.join('\n');
  const parsed = parseJson(whole.trim());
  const scenario = E.isRight(parsed) ? scenarioOf(parsed.right) : undefined;
  if (scenario === undefined) {
    yield* releaseHeld();
    return;
  }
  const key = givenKey ?? scenario.serverKey;
  for (const [i, event] of scenario.events.entries()) yield entryOf(event, i + 1, key);
}
