/**
 * The ingestion service: an observation in, its outcome out, durably. Load the order's stream,
 * fold, classify, append with the expected version (retrying on a conflict), and keep rejected
 * input in the rejection log, never in a payment stream.
 */
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { answersFor, decide, evolve, inStream, transactionIdOf, type Decision, type Observation, type OrderState, type Outcome, type PaymentAnswers } from '@paystate/engine';
import { toObservation } from '../midtrans/index';
import { storeFailed, storeUnavailable, type EventStore, type StoredEvent, type StoreError } from '../store/index';
import { inSpan, leftTag, noMetrics, ORDER_ID, secondsSince, type PaystateMetrics } from '../observe/index';
import { createGroupCommit, type GroupCommit } from './groupCommit';
import { unauthenticatedRejection } from './unauthenticatedRejection';
import { confirmLine, statusUnavailable, type ConfirmError, type StatusFetcher } from './confirm';
export type { RawObservation, StoredObservation } from './storedObservation';
import { OBSERVATION_EVENT, storedObservation, type RawObservation } from './storedObservation';
import { foldStreamEither, orderIdOfStream, streamIdOf, withRejections } from './foldStream';
export { foldStream, foldStreamEither, orderIdOfStream, streamIdOf } from './foldStream';

export type { IngestError, IngestOptions, IngestResult, Ingestor, IngestorOptions } from './ingestApi';
import type { IngestOptions, IngestResult, Ingestor, IngestorOptions } from './ingestApi';

/** The cause an ingest ends with when its signal was aborted before a write. */
export const DEADLINE_PASSED = 'the deadline passed before the observation was recorded';

/** What the ingestor keeps per stream: the decided state at a version (never the events themselves). */
interface CacheEntry {
  readonly state: OrderState | undefined;
  readonly version: number;
}

const EMPTY: CacheEntry = { state: undefined, version: 0 };

/** Fingerprint of an observation: its kind and exact raw body. */
export const fingerprintOf = (line: RawObservation, rawBody?: string): string =>
  createHash('sha256')
    .update(`${line.kind}\n${line.action ?? ''}\n${rawBody ?? JSON.stringify(line.payload)}`)
    .digest('hex');

const orderOf = (o: Observation): string | undefined => o.orderId;
const targetOf = (o: Observation): string | undefined =>
  o.kind === 'action_response' || o.kind === 'status_response' || o.kind === 'invalid' ? o.targetId : undefined;

type Result<A> = E.Either<StoreError, A>;

/** One observation on its way in: what attempt() needs besides the stream. */
interface Arrival {
  readonly line: RawObservation;
  readonly obs: Observation;
  readonly orderId: string | undefined;
  readonly receivedAt: string;
  readonly rawBody: string | undefined;
  readonly opts: IngestOptions;
}

export const createIngestor = (options: IngestorOptions): Ingestor => {
  const { store, serverKey } = options;
  const clock = options.clock ?? (() => new Date());
  const maxRetries = options.maxRetries ?? 50;
  const metrics = options.metrics ?? noMetrics;
  const group: GroupCommit = createGroupCommit(store);
  const commits: GroupCommit = {
    ...group,
    append: (op) =>
      inSpan(
        'paystate.store.append',
        { [ORDER_ID]: orderIdOfStream(op.streamId) ?? '', 'paystate.stream_id': op.streamId, 'paystate.expected_version': String(op.expectedVersion) },
        async () => {
          const startedAt = process.hrtime.bigint();
          const r = await group.append(op);
          metrics.storeAppend(secondsSince(startedAt), E.isRight(r));
          return r;
        },
        leftTag,
      ),
  };
  /** Decided state per stream, caught up by reading only the events after its version. */
  const cache = new Map<string, CacheEntry>();

  const cacheLimit = options.cacheSize ?? 10_000;
  const remember = (id: string, entry: CacheEntry) => {
    cache.delete(id);
    cache.set(id, entry);
    if (cache.size > cacheLimit) cache.delete(cache.keys().next().value!);
  };

  const readStream = async (orderId: string): Promise<Result<CacheEntry>> => {
    const id = streamIdOf(orderId);
    const cached = cache.get(id);
    const read = await store.readStream(id, { fromVersion: (cached?.version ?? 0) + 1 })();
    if (E.isLeft(read)) return read;
    const { version, events } = read.right;
    if (cached !== undefined && events.length === 0 && version === cached.version) return E.right(cached);
    const folded = foldStreamEither(events, cached?.state);
    if (E.isLeft(folded)) return folded;
    const entry: CacheEntry = { state: folded.right, version };
    remember(id, entry);
    return E.right(entry);
  };

  /** The state with the rejection log's flags; the stream's events are read again only when the order has rejections. */
  const withFlagsOf = async (orderId: string, s: CacheEntry): Promise<Result<OrderState | undefined>> => {
    if (s.state === undefined) return E.right(undefined);
    const rejections = await store.readRejections({ orderId })();
    if (E.isLeft(rejections)) return rejections;
    if (rejections.right.length === 0) return E.right(s.state);
    const read = await store.readStream(streamIdOf(orderId))();
    if (E.isLeft(read)) return read;
    return E.right(withRejections(s.state, read.right.events.slice(0, s.version), rejections.right));
  };

  /** The state a result carries: with the rejection log's flags, unless the caller asked for no answers. */
  const resultState = (a: Arrival, orderId: string, s: CacheEntry): Promise<Result<OrderState | undefined>> =>
    a.opts.answers === false ? Promise.resolve(E.right(s.state)) : withFlagsOf(orderId, s);

  const load = async (orderId: string): Promise<Result<OrderState | undefined>> => {
    const s = await readStream(orderId);
    return E.isLeft(s) ? s : withFlagsOf(orderId, s.right);
  };

  const resolveOrder = async (id: string): Promise<Result<string | undefined>> => {
    const s = await readStream(id);
    if (E.isLeft(s)) return s;
    if (s.right.version > 0) return E.right(id);
    const alias = await store.getAlias(id)();
    return E.isLeft(alias) ? alias : E.right(alias.right === undefined ? undefined : orderIdOfStream(alias.right));
  };

  const resolve = async (o: Observation): Promise<Result<string | undefined>> => {
    const direct = orderOf(o);
    if (direct !== undefined) return E.right(direct);
    for (const candidate of [targetOf(o), transactionIdOf(o)]) {
      if (candidate === undefined) continue;
      const found = await resolveOrder(candidate);
      if (E.isLeft(found) || found.right !== undefined) return found;
    }
    return E.right(undefined);
  };

  /** In one process, observations of one order are decided one after another; across processes the expected version guards. */
  const queues = new Map<string, Promise<void>>();
  const serialized = <A>(orderId: string | undefined, task: () => Promise<A>): Promise<A> => {
    if (orderId === undefined) return task();
    const previous = queues.get(orderId);
    const run = previous === undefined ? task() : previous.then(task);
    let tail: Promise<void> | undefined;
    const release = (): void => {
      if (queues.get(orderId) === tail) queues.delete(orderId);
    };
    tail = run.then(release, release);
    queues.set(orderId, tail);
    return run;
  };

  const result = (decision: Decision, orderId: string | undefined, state: OrderState | undefined, recorded: { position: number } | { rejectionId: number }): IngestResult => ({
    outcome: decision.outcome,
    reason: decision.reason,
    decision,
    orderId,
    state,
    answers: answersFor(state),
    ...recorded,
  });

  /** Whether the arrival's deadline has passed: then nothing more is written for it. */
  const expired = (a: Arrival): boolean => a.opts.signal?.aborted === true;
  const passed = E.left(storeUnavailable(DEADLINE_PASSED));

  /** Records a rejection; the result's state is the order as just read (with the rejection log's flags unless asked not to). */
  const reject = async (a: Arrival, d: Decision, orderId: string | undefined, read: CacheEntry): Promise<Result<IngestResult>> => {
    // Only a rejection that flags its order is filed under it, its raw body intact: input nobody
    // authenticated (a forged or unreadable notification) is kept under no order, as a summary of
    // constant size, so a flood of it cannot fill the store.
    const flags = d.flags.includes('rejected_input');
    const kind = a.line.kind ?? 'unknown';
    const body = a.rawBody ?? JSON.stringify(a.line.payload ?? null);
    if (expired(a)) return passed;
    const recorded = await store.recordRejection(
      flags
        ? { receivedAt: a.receivedAt, kind, orderId: orderId ?? null, reason: d.reason, rawBody: body }
        : unauthenticatedRejection({ receivedAt: a.receivedAt, kind, reason: d.reason, body }),
    )();
    if (E.isLeft(recorded)) return recorded;
    const state = orderId === undefined ? E.right(undefined) : await resultState(a, orderId, read);
    return E.isLeft(state) ? state : E.right(result(d, orderId, state.right, { rejectionId: recorded.right.id }));
  };

  const attempt = async (a: Arrival, tries: number, useCache: boolean): Promise<Result<IngestResult>> => {
    if (expired(a)) return passed;
    const { orderId } = a;
    let loaded = EMPTY;
    let fresh = true;
    if (orderId !== undefined) {
      // The expected version on append catches a cache another instance has moved past.
      const cached = useCache ? cache.get(streamIdOf(orderId)) : undefined;
      if (cached !== undefined) {
        loaded = cached;
        fresh = false;
      } else {
        const read = await readStream(orderId);
        if (E.isLeft(read)) return read;
        loaded = read.right;
      }
    }
    const routed: Observation = orderId !== undefined && a.obs.orderId === undefined ? ({ ...a.obs, orderId } as Observation) : a.obs;
    const decision = decide(loaded.state, routed);
    if (!inStream(decision)) {
      // Rejections are not appended, so no expected version checks them: decide them on a fresh read.
      if (!fresh) return attempt(a, tries, false);
      return reject(a, decision, decision.orderId ?? orderId, loaded);
    }
    const target = decision.orderId ?? orderId;
    if (target === undefined) return reject(a, decision, undefined, EMPTY);
    const streamId = streamIdOf(target);
    // A new attempt's transaction_id becomes a way to find the order (idempotent, first writer wins).
    const tid = decision.effect?.attempt?.transactionId;
    if (expired(a)) return passed;
    if (tid !== undefined && loaded.state?.attempts.some((x) => x.transactionId === tid) !== true) {
      const aliased = await store.putAlias(tid, streamId)();
      if (E.isLeft(aliased)) return aliased;
    }
    const data = storedObservation(a.line, a.receivedAt, routed, decision);
    if (expired(a)) return passed;
    const appended = await commits.append({
      streamId,
      events: [decision.outcome === 'applied' ? { type: OBSERVATION_EVENT, data, idempotencyKey: fingerprintOf(a.line, a.rawBody) } : { type: OBSERVATION_EVENT, data }],
      expectedVersion: loaded.version,
    });
    if (E.isLeft(appended)) {
      if (appended.left._tag !== 'VersionConflict' || tries >= maxRetries) return appended;
      cache.delete(streamId);
      return attempt(a, tries + 1, false);
    }
    const stored = appended.right.events[0];
    if (stored === undefined) {
      // Another delivery of the same observation was applied first: decide again against the
      // stream it wrote, so this delivery is kept too (as the duplicate it now is).
      cache.delete(streamId);
      if (tries < maxRetries) return attempt(a, tries + 1, false);
      return E.left(storeFailed(`could not record a redelivery on ${streamId} after ${tries} tries`));
    }
    // The stream now is what this process just decided and wrote: no need to read it back.
    const now: CacheEntry = { state: evolve(loaded.state, decision), version: stored.version };
    remember(streamId, now);
    const state = await resultState(a, target, now);
    return E.isLeft(state) ? state : E.right(result(decision, target, state.right, { position: stored.position }));
  };

  const ingestOne = (line: RawObservation, opts: IngestOptions): Promise<Result<IngestResult>> =>
    inSpan(
      'paystate.ingest',
      { 'paystate.observation.kind': line.kind ?? 'unknown' },
      async (span) => {
        const receivedAt = opts.receivedAt ?? line.received_at ?? clock().toISOString();
        const obs = opts.observation ?? toObservation(line, { serverKey });
        const orderId = await resolve(obs);
        if (E.isLeft(orderId)) return orderId;
        if (orderId.right !== undefined) span.setAttribute(ORDER_ID, orderId.right);
        const arrival: Arrival = { line, obs, orderId: orderId.right, receivedAt, rawBody: opts.rawBody, opts };
        const r = await serialized(orderId.right, () => attempt(arrival, 0, true));
        if (E.isRight(r)) {
          metrics.observation(obs.kind, r.right.outcome, r.right.decision.code);
          span.setAttributes({ 'paystate.outcome': r.right.outcome, 'paystate.reason_code': r.right.decision.code });
          if (r.right.orderId !== undefined && r.right.orderId !== orderId.right) span.setAttribute(ORDER_ID, r.right.orderId);
        }
        return r;
      },
      leftTag,
    );

  /** The status answer and the notification decided against it, appended together (DOMAIN §6a). */
  const attemptConfirmed = async (a: Arrival, status: { line: RawObservation; obs: Observation; receivedAt: string }, orderId: string, tries: number, useCache: boolean): Promise<Result<IngestResult>> => {
    if (expired(a)) return passed;
    const cached = useCache ? cache.get(streamIdOf(orderId)) : undefined;
    let loaded = cached;
    if (loaded === undefined) {
      const read = await readStream(orderId);
      if (E.isLeft(read)) return read;
      loaded = read.right;
    }
    const answered = decide(loaded.state, status.obs);
    const afterStatus = evolve(loaded.state, answered);
    const decision = decide(afterStatus, a.obs);
    const streamId = streamIdOf(orderId);
    const kept = [
      { d: answered, data: storedObservation(status.line, status.receivedAt, status.obs, answered) },
      { d: decision, data: storedObservation(a.line, a.receivedAt, a.obs, decision) },
    ].filter((x) => inStream(x.d));
    // Rejections are not appended, so no expected version checks them: decide them on a fresh read.
    if (kept.length < 2 && cached !== undefined) return attemptConfirmed(a, status, orderId, tries, false);
    const tid = answered.effect?.attempt?.transactionId;
    if (expired(a)) return passed;
    if (tid !== undefined && loaded.state?.attempts.some((x) => x.transactionId === tid) !== true) {
      const aliased = await store.putAlias(tid, streamId)();
      if (E.isLeft(aliased)) return aliased;
    }
    let now: CacheEntry = loaded;
    let position: number | undefined;
    if (kept.length > 0) {
      if (expired(a)) return passed;
      const appended = await commits.append({ streamId, events: kept.map((x) => ({ type: OBSERVATION_EVENT, data: x.data })), expectedVersion: loaded.version });
      if (E.isLeft(appended)) {
        if (appended.left._tag !== 'VersionConflict' || tries >= maxRetries) return appended;
        cache.delete(streamId);
        return attemptConfirmed(a, status, orderId, tries + 1, false);
      }
      const last = appended.right.events[appended.right.events.length - 1]!;
      // The stream's state: only what was appended (a rejection's flag lives in the rejection log).
      let state = loaded.state;
      for (const x of kept) state = evolve(state, x.d);
      now = { state, version: last.version };
      remember(streamId, now);
      if (inStream(decision)) position = last.position;
    }
    if (!inStream(answered)) {
      // GET status answered something paystate rejects (an amount that does not match): kept, flagged, as any answer.
      const statusArrival: Arrival = { ...a, line: status.line, obs: status.obs, receivedAt: status.receivedAt, rawBody: undefined };
      const r = await reject(statusArrival, answered, orderId, now);
      if (E.isLeft(r)) return r;
    }
    const r = position === undefined ? await reject(a, decision, orderId, now) : await resultOf(a, decision, orderId, now, position);
    return E.isLeft(r) ? r : E.right({ ...r.right, confirmedBy: answered });
  };

  const resultOf = async (a: Arrival, decision: Decision, orderId: string, now: CacheEntry, position: number): Promise<Result<IngestResult>> => {
    const state = await resultState(a, orderId, now);
    return E.isLeft(state) ? state : E.right(result(decision, orderId, state.right, { position }));
  };

  const ingestConfirmed = async (line: RawObservation, fetchStatus: StatusFetcher, opts: IngestOptions): Promise<E.Either<ConfirmError, IngestResult>> => {
    const obs = opts.observation ?? toObservation(line, { serverKey });
    // Unauthenticated or unreadable input goes to the rejection log as always; GET status is not asked for it.
    if (obs.kind !== 'notification') return ingestOne(line, { ...opts, observation: obs });
    const known = await readStream(obs.orderId);
    if (E.isLeft(known)) return known;
    if (known.right.version === 0) return ingestOne(line, { ...opts, observation: obs });
    return inSpan(
      'paystate.ingest',
      { 'paystate.observation.kind': 'notification', 'paystate.notification.mode': 'confirm', [ORDER_ID]: obs.orderId },
      async (span): Promise<E.Either<ConfirmError, IngestResult>> => {
        const receivedAt = opts.receivedAt ?? line.received_at ?? clock().toISOString();
        const fetched = await fetchStatus(obs.orderId)();
        if (E.isLeft(fetched)) return fetched;
        const statusLine: RawObservation = { ...fetched.right, received_at: fetched.right.received_at ?? clock().toISOString() };
        const statusObs = toObservation(statusLine, { serverKey });
        if (statusObs.orderId !== undefined && statusObs.orderId !== obs.orderId)
          return E.left(statusUnavailable(`GET status for order ${obs.orderId} answered about order ${statusObs.orderId}`));
        const routed = (statusObs.orderId === undefined ? { ...statusObs, orderId: obs.orderId } : statusObs) as Observation;
        const arrival: Arrival = { line: confirmLine(line), obs: { ...obs, mode: 'confirm' }, orderId: obs.orderId, receivedAt, rawBody: opts.rawBody, opts };
        const status = { line: statusLine, obs: routed, receivedAt: statusLine.received_at! };
        const r = await serialized(obs.orderId, () => attemptConfirmed(arrival, status, obs.orderId, 0, true));
        if (E.isRight(r)) {
          const s = r.right.confirmedBy;
          if (s !== undefined) metrics.observation('status_response', s.outcome, s.code);
          metrics.observation('notification', r.right.outcome, r.right.decision.code);
          span.setAttributes({ 'paystate.outcome': r.right.outcome, 'paystate.reason_code': r.right.decision.code });
        }
        return r;
      },
      leftTag,
    );
  };

  return {
    store,
    load: (orderId) => () => load(orderId),
    resolveOrder: (id) => () => resolveOrder(id),
    ingest: (line, opts = {}) => () => ingestOne(line, opts),
    ingestConfirmed: (line, fetchStatus, opts = {}) => () => ingestConfirmed(line, fetchStatus, opts),
  };
};
