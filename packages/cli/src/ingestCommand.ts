/**
 * `paystate ingest`: records a replay-format log (NDJSON, or a scenario file with `events`) into
 * the store through the ingestion service, line by line in order, as a backfill from old logs
 * does; a malformed line is recorded as rejected with its line number. The log is read as a
 * stream, so its size does not bound memory; on a terminal, progress goes to stderr.
 */
import { openSync, closeSync, createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import * as E from 'fp-ts/lib/Either.js';
import type { Outcome } from '@paystate/engine';
import { createPaystate, formatStoreError, type Paystate } from '@paystate/adapters';
import { parse, UsageError } from './args';
import { formatCounts } from './counts';
import type { Io } from './io';
import { logEntries } from './logEntries';
import { NO_PROGRESS, progress } from './progress';
import { NO_SERVER_KEY, SERVER_KEY_OPTIONS, serverKeyOf } from './serverKey';
import { checkStoreUrl, openStoreAt, STORE_OPTION, storeUrlOf } from './storeOption';

export { formatCounts } from './counts';
export { logEntries, type LogEntry } from './logEntries';

/** Standard input for `-` or no file, else the file (checked readable now, for a one-line usage error). */
const inputOf = (file: string | undefined, io: Io): E.Either<UsageError, Readable> => {
  if (file === undefined || file === '-') return E.right(io.stdinStream?.() ?? Readable.from([io.readStdin()]));
  return E.tryCatch(
    () => {
      closeSync(openSync(file, 'r'));
      return createReadStream(file);
    },
    (e) => new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`),
  );
};

/** `paystate ingest`. */
export const ingestCommand = async (argv: readonly string[], io: Io): Promise<E.Either<UsageError, number>> => {
  const args = parse(argv, { ...STORE_OPTION, ...SERVER_KEY_OPTIONS, progress: { type: 'boolean' } });
  if (E.isLeft(args)) return args;
  const { values, positionals } = args.right;
  if (positionals.length > 1) return E.left(new UsageError(`ingest takes one FILE (or -), got ${positionals.length}`));
  const url = storeUrlOf(values.store, io.env);
  const checked = checkStoreUrl(url);
  if (E.isLeft(checked)) return checked;
  const given = serverKeyOf(values, io.env);
  if (E.isLeft(given)) return given;
  const input = inputOf(positionals[0], io);
  if (E.isLeft(input)) return input;

  const terminal = io.isTTY?.stderr === true;
  const shown = terminal || values.progress === true ? progress(io.stderr, { terminal }) : NO_PROGRESS;
  const counts = new Map<Outcome, number>();
  const recorded = () => `${[...counts.values()].reduce((a, b) => a + b, 0)} lines recorded before it: ${formatCounts(counts)}`;
  // The store opens with the first entry: a log refused at its first line leaves no store behind.
  let paystate: Paystate | undefined;
  try {
    for await (const entry of logEntries(input.right, given.right)) {
      if (entry.serverKey === undefined && entry.raw.kind === 'notification') {
        input.right.destroy();
        const before = paystate === undefined ? '' : ` (line ${entry.line}; ${recorded()})`;
        return E.left(new UsageError(`the log has notifications and no server key verifies them: ${NO_SERVER_KEY}${before}`));
      }
      if (paystate === undefined) {
        const store = await openStoreAt(url);
        if (E.isLeft(store)) {
          input.right.destroy();
          io.stderr(`paystate ingest: ${store.left}\n`);
          return E.right(1);
        }
        paystate = createPaystate({ store: store.right, serverKey: entry.serverKey ?? '' });
      }
      const result = await paystate.ingestor.ingest(entry.raw, { observation: entry.observation, ...(entry.rawBody !== undefined ? { rawBody: entry.rawBody } : {}) })();
      if (E.isLeft(result)) {
        input.right.destroy();
        io.stderr(`paystate ingest: line ${entry.line}: ${formatStoreError(result.left)} (${recorded()})\n`);
        return E.right(1);
      }
      counts.set(result.right.outcome, (counts.get(result.right.outcome) ?? 0) + 1);
      shown.tick(counts);
    }
  } finally {
    await paystate?.close();
  }
  shown.done(counts);
  io.stdout(`${formatCounts(counts)}\n`);
  return E.right(0);
};
