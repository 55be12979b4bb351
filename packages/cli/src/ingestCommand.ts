/**
 * `paystate ingest`: records a replay-format log (NDJSON, or a scenario file with `events`) into
 * the store through the ingestion service, line by line in order, as a backfill from old logs
 * does; a malformed line is recorded as rejected with its line number.
 */
import * as E from 'fp-ts/lib/Either.js';
import { OUTCOMES, type Observation, type Outcome } from '@paystate/engine';
import { createPaystate, type RawObservation } from '@paystate/adapters';
import { parseReplayLine, toObservation } from '@paystate/adapters';
import { formatStoreError } from '@paystate/adapters';
import { parse, readInput, UsageError } from './args';
import type { Io } from './io';
import { checkStoreUrl, openStoreAt, STORE_OPTION, storeUrlOf } from './storeOption';

/** One line of the log, ready for the ingestion service. */
export interface LogEntry {
  /** 1-based line number (NDJSON) or event index + 1 (scenario file). */
  readonly line: number;
  readonly raw: RawObservation;
  readonly observation: Observation;
  /** The line's exact text, for lines that are not a replay-format object. */
  readonly rawBody?: string;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

const numbered = (o: Observation, line: number): Observation => (o.kind === 'invalid' ? { ...o, reason: `line ${line}: ${o.reason}` } : o);

const entryOf = (value: unknown, line: number, serverKey: string, text?: string): LogEntry => {
  const observation = numbered(text !== undefined && !isRecord(value) ? parseReplayLine(text, { serverKey }) : toObservation(value, { serverKey }), line);
  const known = isRecord(value) && typeof value['kind'] === 'string';
  const raw: RawObservation = known ? (value as unknown as RawObservation) : { kind: 'unknown', payload: value ?? text ?? null };
  // The rejection log keeps a broken line exactly as it was written.
  return { line, raw, observation, ...(text !== undefined && (!known || observation.kind === 'invalid') ? { rawBody: text } : {}) };
};

/** Reads NDJSON or a scenario file (whose `server_key` is used when none is given) into log entries. */
export const readLog = (text: string, givenKey: string | undefined): { readonly entries: readonly LogEntry[]; readonly serverKey: string | undefined } => {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const whole = E.tryCatch(() => JSON.parse(trimmed) as unknown, () => undefined);
    if (E.isRight(whole) && isRecord(whole.right) && Array.isArray(whole.right['events'])) {
      const fileKey = whole.right['server_key'];
      const serverKey = givenKey ?? (typeof fileKey === 'string' ? fileKey : undefined);
      return { serverKey, entries: (whole.right['events'] as unknown[]).map((event, i) => entryOf(event, i + 1, serverKey ?? '')) };
    }
  }
  const entries: LogEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const parsed = E.tryCatch(() => JSON.parse(line) as unknown, () => undefined);
    entries.push(entryOf(E.isRight(parsed) ? parsed.right : undefined, i + 1, givenKey ?? '', line));
  });
  return { serverKey: givenKey, entries };
};

/** `applied 12, duplicate 3, ...`: every outcome, in the engine's order. */
export const formatCounts = (counts: ReadonlyMap<Outcome, number>): string => OUTCOMES.map((o) => `${o} ${counts.get(o) ?? 0}`).join(', ');


/** `paystate ingest`. */
export const ingestCommand = async (argv: readonly string[], io: Io): Promise<E.Either<UsageError, number>> => {
  const args = parse(argv, { ...STORE_OPTION, 'server-key': { type: 'string' } });
  if (E.isLeft(args)) return args;
  const { values, positionals } = args.right;
  if (positionals.length > 1) return E.left(new UsageError(`ingest takes one FILE (or -), got ${positionals.length}`));
  const url = storeUrlOf(values.store, io.env);
  const checked = checkStoreUrl(url);
  if (E.isLeft(checked)) return checked;
  const text = readInput(positionals[0], io);
  if (E.isLeft(text)) return text;
  const given = (values['server-key'] as string | undefined) ?? io.env['MIDTRANS_SERVER_KEY'];
  const log = readLog(text.right, given === '' ? undefined : given);
  if (log.serverKey === undefined && log.entries.some((e) => e.raw.kind === 'notification'))
    return E.left(new UsageError('the log has notifications and no server key verifies them: pass --server-key KEY or set MIDTRANS_SERVER_KEY'));

  const store = await openStoreAt(url);
  if (E.isLeft(store)) {
    io.stderr(`paystate ingest: ${store.left}\n`);
    return E.right(1);
  }
  const paystate = createPaystate({ store: store.right, serverKey: log.serverKey ?? '' });
  const counts = new Map<Outcome, number>();
  try {
    for (const entry of log.entries) {
      const result = await paystate.ingestor.ingest(entry.raw, { observation: entry.observation, ...(entry.rawBody !== undefined ? { rawBody: entry.rawBody } : {}) })();
      if (E.isLeft(result)) {
        const done = [...counts.values()].reduce((a, b) => a + b, 0);
        io.stderr(`paystate ingest: line ${entry.line}: ${formatStoreError(result.left)} (${done} lines recorded before it: ${formatCounts(counts)})\n`);
        return E.right(1);
      }
      counts.set(result.right.outcome, (counts.get(result.right.outcome) ?? 0) + 1);
    }
  } finally {
    await paystate.close();
  }
  io.stdout(`${formatCounts(counts)}\n`);
  return E.right(0);
};
