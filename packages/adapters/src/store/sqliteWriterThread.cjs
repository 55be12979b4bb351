// @ts-check
/**
 * The SQLite store's writer: a worker thread with a connection of its own that runs every write
 * of the store in the order received, so the event loop of the process keeps serving while a
 * commit waits for the disk. It knows no rules of its own: an append arrives planned by the store
 * (rows with their versions, and what the store must hold for them to fit), and is checked and
 * written under the write lock or not at all.
 *
 * Jobs that arrive while a commit is under way are committed together, each in a savepoint of its
 * own, so one commit (one wait for the disk) serves all of them.
 *
 * Plain JavaScript, loaded by Node itself in the thread (no TypeScript hook reaches a worker).
 * Messages in: { id, kind: 'append', append } | { id, kind: 'run', sql, params } | { id, kind: 'barrier' }
 * (answered once every job before it is committed) | { id, kind: 'close' }.
 * Messages out, one per job, in the order received: { id, ok: true, value } | { id, ok: false, code, message }.
 */
'use strict';
const { parentPort, receiveMessageOnPort, workerData } = require('node:worker_threads');

/**
 * @typedef {{ streamId: string, version: number, type: string, dataJson: string, idempotencyKey: string | null, recordedAt: string }} Row
 * @typedef {{ streams: string[], versions: number[], keyStreams: string[], keys: string[], rows: Row[] }} PlannedAppend
 * @typedef {{ id: number, kind: 'append', append: PlannedAppend } | { id: number, kind: 'run', sql: string, params: unknown[] } | { id: number, kind: 'barrier' } | { id: number, kind: 'close' }} Job
 */

if (parentPort === null) throw new Error('sqliteWriterThread runs as a worker thread');
const port = parentPort;

/** @type {{ driver: string, filename: string, busyTimeoutMs: number }} */
const { driver, filename, busyTimeoutMs } = workerData;
/** @type {typeof import('better-sqlite3')} */
const Database = require(driver);

/** @returns {import('better-sqlite3').Database} */
const openDatabase = () => {
  try {
    const d = new Database(filename, { timeout: busyTimeoutMs, fileMustExist: true });
    d.pragma(`busy_timeout = ${busyTimeoutMs}`);
    d.pragma('journal_mode = WAL');
    d.pragma('synchronous = FULL');
    return d;
  } catch (e) {
    // The driver's errors reach the other thread as plain objects without their message: say it here.
    const err = /** @type {{ code?: unknown, message?: unknown }} */ (e);
    throw new Error(`${typeof err.code === 'string' ? `${err.code}: ` : ''}${String(err.message ?? e)}`);
  }
};
const db = openDatabase();

const versionOf = db.prepare('SELECT coalesce(max(version), 0) FROM events WHERE stream_id = ?').pluck();
const keyStored = db.prepare('SELECT 1 FROM events WHERE stream_id = ? AND idempotency_key = ?').pluck();
const lastPosition = db.prepare('SELECT coalesce(max(position), 0) FROM events').pluck();
const insertEvent = db.prepare(
  'INSERT INTO events (position, stream_id, version, type, data, idempotency_key, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
);

/**
 * The rows go in only if every stream is at its version and no key is stored; the answer is the
 * last position before them, or null (nothing written) when the store differs from the plan.
 * @param {PlannedAppend} a
 * @returns {number | null}
 */
const appendPlanned = (a) => {
  for (let i = 0; i < a.streams.length; i++) if (versionOf.get(a.streams[i]) !== a.versions[i]) return null;
  for (let i = 0; i < a.keys.length; i++) if (keyStored.get(a.keyStreams[i], a.keys[i]) !== undefined) return null;
  const after = /** @type {number} */ (lastPosition.get());
  for (let i = 0; i < a.rows.length; i++) {
    const r = /** @type {Row} */ (a.rows[i]);
    insertEvent.run(after + i + 1, r.streamId, r.version, r.type, r.dataJson, r.idempotencyKey, r.recordedAt);
  }
  return after;
};

/** @type {Map<string, import('better-sqlite3').Statement>} */
const statements = new Map();
/** @param {string} sql */
const statement = (sql) => {
  let s = statements.get(sql);
  if (s === undefined) {
    s = db.prepare(sql);
    statements.set(sql, s);
  }
  return s;
};

/** @param {unknown} e */
const failure = (e) => {
  const err = /** @type {{ code?: unknown, message?: unknown }} */ (typeof e === 'object' && e !== null ? e : {});
  return { ok: false, code: typeof err.code === 'string' ? err.code : null, message: String(err.message ?? e) };
};

// Nested in the group's transaction, each job runs in a savepoint of its own: one that fails is
// rolled back alone and answered with its error, the others still commit.
const perform = db.transaction(
  /** @param {Exclude<Job, { kind: 'close' | 'barrier' }>} job */
  (job) => {
    if (job.kind === 'append') return appendPlanned(job.append);
    const info = statement(job.sql).run(...job.params);
    return { changes: info.changes, lastInsertRowid: Number(info.lastInsertRowid) };
  },
);

/** Some failures end the whole transaction, not only a job's savepoint. */
class GroupAborted extends Error {
  /** @param {unknown} cause */
  constructor(cause) {
    super('the group transaction ended');
    this.failure = failure(cause);
  }
}

/** Every job of a group in one transaction: one commit, one wait for the disk. */
const performGroup = db.transaction(
  /** @param {Exclude<Job, { kind: 'close' }>[]} jobs */
  (jobs) =>
    jobs.map((job) => {
      if (job.kind === 'barrier') return { ok: true, value: null };
      try {
        return { ok: true, value: perform(job) };
      } catch (e) {
        // A full disk, an I/O error or RAISE(ROLLBACK) rolls back the whole transaction: then
        // nothing of the group is written, and no later job may run outside it.
        if (!db.inTransaction) throw new GroupAborted(e);
        return failure(e);
      }
    }),
);

/** @param {Exclude<Job, { kind: 'close' }>[]} jobs */
const commitGroup = (jobs) => {
  if (jobs.length === 0) return;
  /** @type {object[]} */
  let answers;
  try {
    answers = performGroup.immediate(jobs);
  } catch (e) {
    // BEGIN or COMMIT failed (busy, disk), or a job ended the transaction: nothing of the group is written.
    const f = e instanceof GroupAborted ? e.failure : failure(e);
    answers = jobs.map(() => f);
  }
  jobs.forEach((job, i) => port.postMessage({ id: job.id, ...answers[i] }));
};

// A group is the job that woke the thread and every job that arrived while the last group was
// being committed: under load, one commit serves them all.
port.on('message', (/** @type {Job} */ first) => {
  /** @type {Exclude<Job, { kind: 'close' }>[]} */
  const jobs = [];
  /** @type {Job | undefined} */
  let job = first;
  while (job !== undefined) {
    if (job.kind === 'close') {
      commitGroup(jobs.splice(0));
      db.close();
      port.postMessage({ id: job.id, ok: true, value: null });
      port.close();
      return;
    }
    jobs.push(job);
    job = receiveMessageOnPort(port)?.message;
  }
  commitGroup(jobs);
});
