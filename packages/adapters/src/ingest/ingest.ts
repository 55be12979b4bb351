/**
 * The ingestion service: an observation in, its outcome out, durably. Load the order's stream,
 * fold, classify, append with the expected version (retrying on a conflict), and keep rejected
 * input in the rejection log, never in a payment stream.
 */
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import {
  answersFor,
  decide,
  evolve,
  transactionIdOf,
  type Decision,
  type Observation,
  type OrderState,
  type Outcome,
  type PaymentAnswers,
} from '@paystate/engine';
import { toObservation } from '../midtrans/index';
import type { EventStore, StoredEvent, StoreError } from '../store/index';
import { createGroupCommit, type GroupCommit } from './groupCommit';

/** One observation in the replay format (DOMAIN §9), as received. */
export interface RawObservation {
  readonly kind: string;
  readonly payload: unknown;
  readonly action?: string;
  readonly request?: { readonly method?: string; readonly path?: string; readonly body?: unknown };
  readonly received_at?: string;
}

/** What a payment stream stores per observation. */
export interface StoredObservation {
  readonly line: RawObservation;
  readonly receivedAt: string;
  readonly observation: Observation;
  readonly decision: Decision;
}

export const OBSERVATION_EVENT = 'observation';

export interface IngestResult {
  readonly outcome: Outcome;
  readonly reason: string;
  readonly decision: Decision;
  readonly orderId: string | undefined;
  /** The order after the observation (undefined when it is unknown). */
  readonly state: OrderState | undefined;
  readonly answers: PaymentAnswers;
  /** The global position of the recorded event (undefined for rejected input). */
  readonly position?: number;
  /** Where a rejection was recorded. */
  readonly rejectionId?: number;
}

export type IngestError = StoreError;

export interface IngestOptions {
  readonly receivedAt?: string;
  /** The exact bytes received (a webhook body): fingerprinted and kept in the rejection log. */
  readonly rawBody?: string;
  /** The observation already mapped (for input that never became a replay line, such as a body that is not JSON). */
  readonly observation?: Observation;
  /**
   * `false`: the result's state and answers come from the stream alone, without reading the
   * rejection log (its rejected-input flags are then missing). A webhook that answers with the
   * outcome only uses this. Default true.
   */
  readonly answers?: boolean;
}

export interface Ingestor {
  /** Records one observation and answers with its outcome, after it is durable. */
  ingest(line: RawObservation, options?: IngestOptions): TE.TaskEither<IngestError, IngestResult>;
  /** The order's state, its flags from the rejection log included. */
  load(orderId: string): TE.TaskEither<IngestError, OrderState | undefined>;
  /** Resolves the order an id names: an order_id, or a transaction_id of one of its attempts. */
  resolveOrder(id: string): TE.TaskEither<IngestError, string | undefined>;
  readonly store: EventStore;
}

export interface IngestorOptions {
  readonly store: EventStore;
  readonly serverKey: string;
  readonly clock?: () => Date;
  /** How many times a version conflict is retried before giving up. */
  readonly maxRetries?: number;
  /** How many orders' folded states are kept in memory. */
  readonly cacheSize?: number;
}

interface CacheEntry {
  readonly state: OrderState | undefined;
  readonly version: number;
  readonly events: readonly StoredEvent[];
}

const EMPTY: CacheEntry = { state: undefined, version: 0, events: [] };

export const streamIdOf = (orderId: string): string => `order:${orderId}`;
export const orderIdOfStream = (streamId: string): string | undefined => (streamId.startsWith('order:') ? streamId.slice(6) : undefined);

/** Fingerprint of an observation: its kind and exact raw body. */
export const fingerprintOf = (line: RawObservation, rawBody?: string): string =>
  createHash('sha256')
    .update(`${line.kind}\n${line.action ?? ''}\n${rawBody ?? JSON.stringify(line.payload)}`)
    .digest('hex');

const asStored = (e: StoredEvent): StoredObservation | undefined =>
  e.type === OBSERVATION_EVENT ? (e.data as StoredObservation) : undefined;

/** Folds a stream's stored decisions. */
export const foldStream = (events: readonly StoredEvent[], from?: OrderState): OrderState | undefined => {
  let s = from;
  for (const e of events) {
    const d = asStored(e)?.decision;
    if (d !== undefined) s = evolve(s, d);
  }
  return s;
};

/** Adds the rejection log's flags (rejected input naming a known order) at their place in the stream. */
const withRejections = (
  state: OrderState,
  events: readonly StoredEvent[],
  rejections: readonly { receivedAt: string; reason: string }[],
): OrderState => {
  if (rejections.length === 0) return state;
  const flags = [...state.flags];
  for (const r of rejections) {
    const at = events.filter((e) => e.recordedAt <= r.receivedAt).length;
    flags.push({ flag: 'rejected_input', at, reason: r.reason });
  }
  flags.sort((a, b) => a.at - b.at);
  return { ...state, flags };
};

const orderOf = (o: Observation): string | undefined => o.orderId;
const targetOf = (o: Observation): string | undefined =>
  o.kind === 'action_response' || o.kind === 'status_response' || o.kind === 'invalid' ? o.targetId : undefined;

export const createIngestor = (options: IngestorOptions): Ingestor => {
  const { store, serverKey } = options;
  const clock = options.clock ?? (() => new Date());
  const maxRetries = options.maxRetries ?? 50;
  const commits: GroupCommit = createGroupCommit(store);
  /** Decided state per stream, caught up by reading only the events after its version. */
  const cache = new Map<string, CacheEntry>();

  const cacheLimit = options.cacheSize ?? 10_000;
  const remember = (id: string, entry: CacheEntry) => {
    cache.delete(id);
    cache.set(id, entry);
    if (cache.size > cacheLimit) cache.delete(cache.keys().next().value!);
  };

  const readStream = (orderId: string): TE.TaskEither<StoreError, CacheEntry> => {
    const id = streamIdOf(orderId);
    const cached = cache.get(id);
    return TE.map((read: { version: number; events: readonly StoredEvent[] }) => {
      if (cached !== undefined && read.events.length === 0 && read.version === cached.version) return cached;
      const entry = { state: foldStream(read.events, cached?.state), version: read.version, events: [...(cached?.events ?? []), ...read.events] };
      remember(id, entry);
      return entry;
    })(store.readStream(id, { fromVersion: (cached?.version ?? 0) + 1 }));
  };

  const withFlagsOf = (orderId: string, s: CacheEntry): TE.TaskEither<StoreError, OrderState | undefined> =>
    s.state === undefined
      ? TE.right(undefined)
      : TE.map((rs: readonly { receivedAt: string; reason: string }[]) => withRejections(s.state!, s.events, rs))(store.readRejections({ orderId }));

  const load = (orderId: string): TE.TaskEither<StoreError, OrderState | undefined> =>
    TE.chain((s: CacheEntry) => withFlagsOf(orderId, s))(readStream(orderId));

  const streamExists = (orderId: string) => TE.map((s: { version: number }) => s.version > 0)(readStream(orderId));

  const resolveOrder = (id: string): TE.TaskEither<StoreError, string | undefined> =>
    TE.chain((exists: boolean) =>
      exists ? TE.right<StoreError, string | undefined>(id) : TE.map((s: string | undefined) => (s === undefined ? undefined : orderIdOfStream(s)))(store.getAlias(id)),
    )(streamExists(id));

  const resolve = (o: Observation): TE.TaskEither<StoreError, string | undefined> => {
    const direct = orderOf(o);
    if (direct !== undefined) return TE.right(direct);
    const target = targetOf(o);
    const tid = transactionIdOf(o);
    const candidates = [target, tid].filter((x): x is string => x !== undefined);
    const tryNext = (i: number): TE.TaskEither<StoreError, string | undefined> =>
      i >= candidates.length ? TE.right(undefined) : TE.chain((found: string | undefined) => (found !== undefined ? TE.right(found) : tryNext(i + 1)))(resolveOrder(candidates[i]!));
    return tryNext(0);
  };

  /** In one process, observations of one order are decided one after another; across processes the expected version guards. */
  const queues = new Map<string, Promise<unknown>>();
  const serialized = <A>(orderId: string | undefined, task: TE.TaskEither<StoreError, A>): TE.TaskEither<StoreError, A> =>
    orderId === undefined
      ? task
      : () => {
          const previous = queues.get(orderId) ?? Promise.resolve();
          const run = previous.then(task, task);
          const tail = run.then(() => undefined);
          queues.set(orderId, tail);
          void tail.then(() => {
            if (queues.get(orderId) === tail) queues.delete(orderId);
          });
          return run;
        };

  /** Records a rejection; the result's state is the order as just read (with the rejection log's flags). */
  const reject = (line: RawObservation, receivedAt: string, rawBody: string | undefined, d: Decision, orderId: string | undefined, read: CacheEntry) =>
    TE.chain(({ id }: { id: number }) =>
      TE.map((state: OrderState | undefined): IngestResult => ({
        outcome: 'rejected',
        reason: d.reason,
        decision: d,
        orderId,
        state,
        answers: answersFor(state),
        rejectionId: id,
      }))(orderId !== undefined ? withFlagsOf(orderId, read) : TE.right(undefined)),
    )(
      store.recordRejection({
        receivedAt,
        kind: line.kind ?? 'unknown',
        orderId: orderId ?? null,
        reason: d.reason,
        rawBody: rawBody ?? JSON.stringify(line.payload ?? null),
      }),
    );

  const attempt = (
    line: RawObservation,
    obs: Observation,
    orderId: string | undefined,
    receivedAt: string,
    rawBody: string | undefined,
    fingerprint: string,
    tries: number,
    opts: IngestOptions,
    useCache = true,
  ): TE.TaskEither<StoreError, IngestResult> =>
    TE.chain(({ entry: loaded, fresh }: { entry: CacheEntry; fresh: boolean }) => {
      const routed: Observation = orderId !== undefined && obs.orderId === undefined ? ({ ...obs, orderId } as Observation) : obs;
      const decision = decide(loaded.state, routed);
      if (decision.outcome === 'rejected') {
        // Rejections are not appended, so no expected version checks them: decide them on a fresh read.
        if (!fresh) return attempt(line, obs, orderId, receivedAt, rawBody, fingerprint, tries, opts, false);
        return reject(line, receivedAt, rawBody, decision, decision.orderId ?? orderId, loaded);
      }
      const target = decision.orderId ?? orderId;
      if (target === undefined) return reject(line, receivedAt, rawBody, decision, undefined, EMPTY);
      const streamId = streamIdOf(target);
      const data: StoredObservation = { line, receivedAt, observation: routed, decision };
      // A new attempt's transaction_id becomes a way to find the order (idempotent, first writer wins).
      const tid = decision.effect?.attempt?.transactionId;
      const opens = tid !== undefined && loaded.state?.attempts.some((a) => a.transactionId === tid) !== true;
      const alias: TE.TaskEither<StoreError, void> = opens ? store.putAlias(tid, streamId) : TE.right(undefined);
      return TE.chain(() =>
        TE.chain((appended: E.Either<StoreError, { events: readonly StoredEvent[]; alreadyRecorded: readonly StoredEvent[] }>) => {
          if (E.isLeft(appended)) {
            if (appended.left._tag === 'VersionConflict' && tries < maxRetries) {
              cache.delete(streamId);
              return attempt(line, obs, orderId, receivedAt, rawBody, fingerprint, tries + 1, opts, false);
            }
            return TE.left(appended.left);
          }
          if (appended.right.events.length === 0) {
            // Another delivery of the same observation was applied first: decide again against
            // the stream it wrote, so this delivery is kept too (as the duplicate it now is).
            cache.delete(streamId);
            if (tries < maxRetries) return attempt(line, obs, orderId, receivedAt, rawBody, fingerprint, tries + 1, opts, false);
            return TE.left({ _tag: 'StoreFailed', cause: `could not record a redelivery on ${streamId} after ${tries} tries` } as StoreError);
          }
          const stored = appended.right.events[0]!;
          // The stream now is what this process just decided and wrote: no need to read it back.
          const now: CacheEntry = { state: evolve(loaded.state, decision), version: stored.version, events: [...loaded.events, stored] };
          remember(streamId, now);
          return TE.map((state: OrderState | undefined): IngestResult => {
            return {
              outcome: decision.outcome,
              reason: decision.reason,
              decision,
              orderId: target,
              state,
              answers: answersFor(state),
              position: stored.position,
            };
          })(opts.answers === false ? TE.right(now.state) : withFlagsOf(target, now));
        })(
          TE.fromTask(() =>
            commits.append({
              streamId,
              events: [{ type: OBSERVATION_EVENT, data, ...(decision.outcome === 'applied' ? { idempotencyKey: fingerprint } : {}) }],
              expectedVersion: loaded.version,
            }),
          ),
        ),
      )(alias);
    })(
      orderId === undefined
        ? TE.right({ entry: EMPTY, fresh: true })
        : useCache && cache.has(streamIdOf(orderId))
          ? // The expected version on append catches a cache another instance has moved past.
            TE.right({ entry: cache.get(streamIdOf(orderId))!, fresh: false })
          : TE.map((entry: CacheEntry) => ({ entry, fresh: true }))(readStream(orderId)),
    );

  return {
    store,
    load,
    resolveOrder,
    ingest: (line, opts = {}) => {
      const receivedAt = opts.receivedAt ?? line.received_at ?? clock().toISOString();
      const obs = opts.observation ?? toObservation(line, { serverKey });
      const fingerprint = fingerprintOf(line, opts.rawBody);
      return TE.chain((orderId: string | undefined) =>
        serialized(orderId, attempt(line, obs, orderId, receivedAt, opts.rawBody, fingerprint, 0, opts)),
      )(resolve(obs));
    },
  };
};
