/**
 * The SQLite store's side of its writer thread (`sqliteWriterThread.cjs`): writes go to the thread
 * as messages and come back as promises, in the order they were asked. While the thread commits,
 * and waits for the disk to confirm it, the event loop here keeps serving requests.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { resolveDriver } from './driver';
import type { NewRow } from './shared/planBatch';
import type { ExpectedState } from './shared/planOnExpected';

/** An append planned by the store: the rows, and what the store must hold for them to fit. */
export interface PlannedAppend extends ExpectedState {
  readonly rows: readonly NewRow[];
}

export interface RunInfo {
  readonly changes: number;
  readonly lastInsertRowid: number;
}

/** A write the thread attempted and SQLite refused, with the driver's code (SQLITE_BUSY, ...) and message. */
export class WriterError extends Error {
  constructor(
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The thread is gone (it could not start, or it stopped): nothing more is written through it. */
export class WriterStopped extends Error {}

export interface SqliteWriter {
  /** Writes the rows if the plan fits; resolves to the last position before them, or null when it does not fit (nothing written). */
  appendPlanned(append: PlannedAppend): Promise<number | null>;
  /** Runs one statement, committed with the jobs around it. */
  run(sql: string, params: readonly unknown[]): Promise<RunInfo>;
  /** Resolves once every write asked for before it is committed (or has failed). */
  barrier(): Promise<void>;
  /** Finishes the writes already asked for, closes the thread's connection and ends the thread. */
  close(): Promise<void>;
  /** True once the thread is gone. */
  readonly stopped: boolean;
}

type Job =
  | { readonly kind: 'append'; readonly append: PlannedAppend }
  | { readonly kind: 'run'; readonly sql: string; readonly params: readonly unknown[] }
  | { readonly kind: 'barrier' }
  | { readonly kind: 'close' };

type Reply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly code: string | null; readonly message: string };

// Beside this module in the sources, and beside the bundled chunks in dist/, where the build copies it
// (in the ESM build __dirname is tsup's shim, derived from import.meta.url): both files stay in store/.
const THREAD_SCRIPT = join(__dirname, 'sqliteWriterThread.cjs');

/** Starts the writer thread on a database file that exists and is migrated. */
export const startSqliteWriter = (filename: string, busyTimeoutMs: number): SqliteWriter => {
  const worker = new Worker(THREAD_SCRIPT, { workerData: { driver: resolveDriver('better-sqlite3'), filename, busyTimeoutMs } });
  // The thread keeps the process alive only while a write is on its way.
  worker.unref();
  const waiting = new Map<number, { readonly resolve: (value: unknown) => void; readonly reject: (e: Error) => void }>();
  let nextId = 1;
  let stoppedBy: string | undefined;

  const stop = (why: string): void => {
    stoppedBy ??= why === '' ? 'for an unknown reason' : why;
    for (const w of waiting.values()) w.reject(new WriterStopped(`the writer thread stopped: ${stoppedBy}`));
    waiting.clear();
  };
  worker.on('message', (reply: Reply) => {
    const w = waiting.get(reply.id);
    if (w === undefined) return;
    waiting.delete(reply.id);
    if (waiting.size === 0) worker.unref();
    if (reply.ok) w.resolve(reply.value);
    else w.reject(new WriterError(reply.code ?? undefined, reply.message));
  });
  // What a thread throws arrives cloned, and not always as an Error with a message.
  worker.on('error', (e: unknown) => stop(String((e as { message?: unknown } | null)?.message ?? e)));
  worker.on('exit', (code) => stop(`exited with code ${code}`));

  const send = (job: Job): Promise<unknown> => {
    if (stoppedBy !== undefined) return Promise.reject(new WriterStopped(`the writer thread stopped: ${stoppedBy}`));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      if (waiting.size === 1) worker.ref();
      worker.postMessage({ id, ...job });
    });
  };

  return {
    appendPlanned: (append) => send({ kind: 'append', append }) as Promise<number | null>,
    run: (sql, params) => send({ kind: 'run', sql, params }) as Promise<RunInfo>,
    barrier: async () => {
      await send({ kind: 'barrier' });
    },
    close: async () => {
      if (stoppedBy === undefined) await send({ kind: 'close' }).catch(() => undefined);
      await worker.terminate();
    },
    get stopped() {
      return stoppedBy !== undefined;
    },
  };
};
