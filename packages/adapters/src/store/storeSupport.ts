/**
 * Validation, encoding and append planning shared by every EventStore implementation, so they
 * agree on the contract's edge cases.
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type {
  AppendOp,
  AppendResult,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadRejectionsOptions,
  Rejection,
  StoredEvent,
  StoreError,
} from './eventStore';
import { invalidArgument, storeFailed, versionConflict } from './eventStore';

/** An event ready to be written: data already serialised. */
export interface EncodedEvent {
  readonly type: string;
  readonly dataJson: string;
  readonly idempotencyKey: string | null;
}

export interface ValidAppendOp {
  readonly streamId: string;
  readonly events: readonly EncodedEvent[];
  readonly expectedVersion: ExpectedVersion;
}

/** What an append will do once the stream's state is known; R is how a recorded event is named. */
export interface AppendPlan<R = StoredEvent> {
  readonly fresh: readonly EncodedEvent[];
  readonly alreadyRecorded: readonly R[];
}

export const DEFAULT_CATCH_UP_BATCH_SIZE = 500;

/** Rejects empty strings and NUL characters (PostgreSQL text cannot hold NUL). */
export const checkText = (value: unknown, what: string, options?: { allowEmpty?: boolean }): E.Either<StoreError, string> => {
  if (typeof value !== 'string') return E.left(invalidArgument(`${what} must be a string`));
  if (value.length === 0 && options?.allowEmpty !== true) return E.left(invalidArgument(`${what} must not be empty`));
  if (value.includes('\u0000')) return E.left(invalidArgument(`${what} must not contain NUL characters`));
  return E.right(value);
};

/** Accepts a safe integer >= min. */
export const checkInteger = (value: unknown, what: string, min: number): E.Either<StoreError, number> =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min
    ? E.right(value)
    : E.left(invalidArgument(`${what} must be an integer >= ${min}, got ${String(value)}`));

const checkOptionalInteger = (value: unknown, what: string, min: number, fallback: number): E.Either<StoreError, number> =>
  value === undefined ? E.right(fallback) : checkInteger(value, what, min);

export const checkExpectedVersion = (value: unknown): E.Either<StoreError, ExpectedVersion> =>
  value === 'any' ? E.right('any') : checkInteger(value, 'expectedVersion', 0);

/** Serialises event data, refusing values JSON cannot represent (undefined, functions, BigInt, cycles). */
export const encodeData = (data: unknown): E.Either<StoreError, string> => {
  try {
    const json: unknown = JSON.stringify(data);
    return typeof json === 'string' ? E.right(json) : E.left(invalidArgument('event data is not JSON-serialisable'));
  } catch (e) {
    return E.left(invalidArgument(`event data is not JSON-serialisable: ${errorMessage(e)}`));
  }
};

export const decodeData = (json: string): unknown => JSON.parse(json);

/**
 * The event an append just wrote, its `data` parsed from the stored JSON when first read (then
 * kept): an append's answer is mostly used for versions and positions, and parsing every event
 * back on the write path would cost as much as writing it.
 */
export const appendedEvent = (fields: Omit<StoredEvent, 'data'>, dataJson: string): StoredEvent => {
  let data: unknown;
  let parsed = false;
  return Object.defineProperty({ ...fields }, 'data', {
    enumerable: true,
    get: () => {
      if (!parsed) {
        data = decodeData(dataJson);
        parsed = true;
      }
      return data;
    },
  }) as StoredEvent;
};

export const encodeEvents = (events: readonly NewEvent[]): E.Either<StoreError, readonly EncodedEvent[]> => {
  if (!Array.isArray(events)) return E.left(invalidArgument('events must be an array'));
  const out: EncodedEvent[] = [];
  const keys = new Set<string>();
  for (const [i, ev] of events.entries()) {
    const type = checkText(ev.type, `events[${i}].type`);
    if (E.isLeft(type)) return type;
    let idempotencyKey: string | null = null;
    if (ev.idempotencyKey !== undefined) {
      const key = checkText(ev.idempotencyKey, `events[${i}].idempotencyKey`);
      if (E.isLeft(key)) return key;
      if (keys.has(key.right)) return E.left(invalidArgument(`idempotencyKey ${JSON.stringify(key.right)} appears twice in one append`));
      keys.add(key.right);
      idempotencyKey = key.right;
    }
    const dataJson = encodeData(ev.data);
    if (E.isLeft(dataJson)) return dataJson;
    out.push({ type: type.right, dataJson: dataJson.right, idempotencyKey });
  }
  return E.right(out);
};

export const validateAppendOp = (op: AppendOp): E.Either<StoreError, ValidAppendOp> => {
  const streamId = checkText(op.streamId, 'streamId');
  if (E.isLeft(streamId)) return streamId;
  const expectedVersion = checkExpectedVersion(op.expectedVersion);
  if (E.isLeft(expectedVersion)) return expectedVersion;
  const events = encodeEvents(op.events);
  if (E.isLeft(events)) return events;
  return E.right({ streamId: streamId.right, events: events.right, expectedVersion: expectedVersion.right });
};

/** The idempotency keys an op carries. */
export const keysOf = (op: ValidAppendOp): string[] =>
  op.events.flatMap((e) => (e.idempotencyKey === null ? [] : [e.idempotencyKey]));

/**
 * Splits an op into events already in the stream (by idempotency key) and fresh ones, and checks the
 * expected version; a batch made only of already-recorded events is not a conflict.
 */
export const planAppend = <R = StoredEvent>(
  op: ValidAppendOp,
  currentVersion: number,
  existingByKey: { readonly get: (key: string) => R | undefined },
): E.Either<StoreError, AppendPlan<R>> => {
  const fresh: EncodedEvent[] = [];
  const alreadyRecorded: R[] = [];
  for (const ev of op.events) {
    const existing = ev.idempotencyKey === null ? undefined : existingByKey.get(ev.idempotencyKey);
    if (existing === undefined) fresh.push(ev);
    else alreadyRecorded.push(existing);
  }
  if (fresh.length === 0 && alreadyRecorded.length > 0) return E.right({ fresh, alreadyRecorded });
  if (op.expectedVersion !== 'any' && op.expectedVersion !== currentVersion) {
    return E.left(versionConflict(op.streamId, op.expectedVersion, currentVersion));
  }
  return E.right({ fresh, alreadyRecorded });
};

export const appendResult = (
  streamId: string,
  currentVersion: number,
  stored: readonly StoredEvent[],
  alreadyRecorded: readonly StoredEvent[],
): AppendResult => ({
  streamId,
  nextVersion: currentVersion + stored.length,
  events: stored,
  alreadyRecorded,
});

/** What the store holds, under the append lock, for the streams and idempotency keys of one batch. */
export interface BatchState {
  /** Current version of every stream in the batch (0 when it has no events). */
  readonly versions: Map<string, number>;
  /** Stored events by stream, then idempotency key, for the keys the batch carries. */
  readonly keyed: Map<string, Map<string, StoredEvent>>;
}

/** An event the batch will insert, its data still as the JSON text to store; it takes position lastPosition + its place in `rows` + 1. */
export interface NewRow {
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly dataJson: string;
  readonly idempotencyKey: string | null;
  readonly recordedAt: string;
}

/** Where an op's answer comes from: events stored before the batch, or rows of this batch (by index). */
export type Recorded = StoredEvent | number;

interface PlannedOp {
  readonly streamId: string;
  readonly current: number;
  readonly rows: readonly number[];
  readonly alreadyRecorded: readonly Recorded[];
}

export interface BatchPlan {
  readonly rows: readonly NewRow[];
  /** Every op's answer, once the position before the batch's first row is known. */
  readonly results: (lastPosition: number) => E.Either<StoreError, AppendResult>[];
}

/**
 * Decides every op of a batch as if they ran one after another against the state read: each op
 * sees the versions and idempotency keys left by the ops before it, a rejected op changes nothing,
 * and new events take consecutive positions after the store's last one, in op order.
 */
export const planBatch = (
  ops: readonly E.Either<StoreError, ValidAppendOp>[],
  state: BatchState,
  clock: () => Date,
): BatchPlan => {
  const rows: NewRow[] = [];
  /** Rows of this batch by stream, then idempotency key. */
  const batchKeyed = new Map<string, Map<string, number>>();
  const planned = ops.map((valid): E.Either<StoreError, PlannedOp> => {
    if (E.isLeft(valid)) return valid;
    const op = valid.right;
    const current = state.versions.get(op.streamId) ?? 0;
    const stored = state.keyed.get(op.streamId);
    let own = batchKeyed.get(op.streamId);
    const plan = planAppend<Recorded>(op, current, { get: (key) => stored?.get(key) ?? own?.get(key) });
    if (E.isLeft(plan)) return plan;
    const { fresh, alreadyRecorded } = plan.right;
    if (fresh.length === 0) return E.right({ streamId: op.streamId, current, rows: [], alreadyRecorded });
    const recordedAt = isoNow(clock);
    const indices = fresh.map((ev, i) => {
      const index = rows.push({ streamId: op.streamId, version: current + i + 1, type: ev.type, dataJson: ev.dataJson, idempotencyKey: ev.idempotencyKey, recordedAt }) - 1;
      if (ev.idempotencyKey !== null) {
        if (own === undefined) {
          own = new Map();
          batchKeyed.set(op.streamId, own);
        }
        own.set(ev.idempotencyKey, index);
      }
      return index;
    });
    state.versions.set(op.streamId, current + fresh.length);
    return E.right({ streamId: op.streamId, current, rows: indices, alreadyRecorded });
  });
  return {
    rows,
    results: (lastPosition) => {
      const events = rows.map((r, i) =>
        appendedEvent(
          { streamId: r.streamId, version: r.version, position: lastPosition + i + 1, type: r.type, idempotencyKey: r.idempotencyKey, recordedAt: r.recordedAt },
          r.dataJson,
        ),
      );
      const eventOf = (r: Recorded): StoredEvent => (typeof r === 'number' ? events[r]! : r);
      return planned.map((p) =>
        E.isLeft(p) ? p : E.right(appendResult(p.right.streamId, p.right.current, p.right.rows.map(eventOf), p.right.alreadyRecorded.map(eventOf))),
      );
    },
  };
};

/** The streams of a batch, and its (stream, idempotency key) pairs as two parallel arrays. */
export const batchKeys = (ops: readonly ValidAppendOp[]): { streamIds: string[]; keyStreams: string[]; keys: string[] } => {
  const streamIds = new Set<string>();
  const keyStreams: string[] = [];
  const keys: string[] = [];
  for (const op of ops) {
    streamIds.add(op.streamId);
    for (const key of keysOf(op)) {
      keyStreams.push(op.streamId);
      keys.push(key);
    }
  }
  return { streamIds: [...streamIds], keyStreams, keys };
};

/**
 * A batch planned on what its ops expect: each stream at the expected version of its first op, none
 * of their idempotency keys stored. That is what an ingestor whose cache is current sends, and a
 * store can check it and write the rows under its write lock without reading anything first.
 */
export interface ExpectedBatch extends ExpectedState {
  readonly plan: BatchPlan;
}

/** What the store must hold for a batch planned on its expected versions to fit. */
export interface ExpectedState {
  /** Every stream of the batch and the version it must be at. */
  readonly streams: readonly string[];
  readonly versions: readonly number[];
  /** The (stream, idempotency key) pairs that must not be stored yet, as two parallel arrays. */
  readonly keyStreams: readonly string[];
  readonly keys: readonly string[];
}

/** The batch planned on its expected versions; undefined when it cannot go that way (an op expects 'any', or nothing would be written). */
export const planOnExpected = (ops: readonly E.Either<StoreError, ValidAppendOp>[], clock: () => Date): ExpectedBatch | undefined => {
  const valid = ops.flatMap((op) => (E.isRight(op) ? [op.right] : []));
  const versions = new Map<string, number>();
  for (const op of valid) {
    if (op.expectedVersion === 'any') return undefined;
    if (!versions.has(op.streamId)) versions.set(op.streamId, op.expectedVersion);
  }
  const plan = planBatch(ops, { versions: new Map(versions), keyed: new Map() }, clock);
  if (plan.rows.length === 0) return undefined;
  const { keyStreams, keys } = batchKeys(valid);
  return { plan, streams: [...versions.keys()], versions: [...versions.values()], keyStreams, keys };
};

export interface ValidReadAll {
  readonly fromPosition: number;
  readonly limit: number | undefined;
}

export const validateReadAll = (options: ReadAllOptions | undefined): E.Either<StoreError, ValidReadAll> => {
  const fromPosition = checkOptionalInteger(options?.fromPosition, 'fromPosition', 0, 0);
  if (E.isLeft(fromPosition)) return fromPosition;
  if (options?.limit === undefined) return E.right({ fromPosition: fromPosition.right, limit: undefined });
  const limit = checkInteger(options.limit, 'limit', 0);
  if (E.isLeft(limit)) return limit;
  return E.right({ fromPosition: fromPosition.right, limit: limit.right });
};

export const validateFromVersion = (options: { readonly fromVersion?: number } | undefined): E.Either<StoreError, number> =>
  checkOptionalInteger(options?.fromVersion, 'fromVersion', 0, 1);

export interface ValidReadRejections {
  readonly orderId: string | undefined;
  readonly fromId: number;
  readonly limit: number | undefined;
}

export const validateReadRejections = (
  options: ReadRejectionsOptions | undefined,
): E.Either<StoreError, ValidReadRejections> => {
  let orderId: string | undefined;
  if (options?.orderId !== undefined) {
    const o = checkText(options.orderId, 'orderId');
    if (E.isLeft(o)) return o;
    orderId = o.right;
  }
  const fromId = checkOptionalInteger(options?.fromId, 'fromId', 0, 0);
  if (E.isLeft(fromId)) return fromId;
  if (options?.limit === undefined) return E.right({ orderId, fromId: fromId.right, limit: undefined });
  const limit = checkInteger(options.limit, 'limit', 0);
  if (E.isLeft(limit)) return limit;
  return E.right({ orderId, fromId: fromId.right, limit: limit.right });
};

export const validateRejection = (r: Rejection): E.Either<StoreError, Rejection> => {
  const receivedAt = checkText(r.receivedAt, 'receivedAt');
  if (E.isLeft(receivedAt)) return receivedAt;
  const kind = checkText(r.kind, 'kind');
  if (E.isLeft(kind)) return kind;
  if (r.orderId !== null) {
    const orderId = checkText(r.orderId, 'orderId');
    if (E.isLeft(orderId)) return orderId;
  }
  const reason = checkText(r.reason, 'reason', { allowEmpty: true });
  if (E.isLeft(reason)) return reason;
  if (typeof r.rawBody !== 'string') return E.left(invalidArgument('rawBody must be a string'));
  return E.right({ receivedAt: r.receivedAt, kind: r.kind, orderId: r.orderId, reason: r.reason, rawBody: r.rawBody });
};

/** catchUp for any store, in terms of its readAll. */
export const catchUpVia =
  (readAll: EventStore['readAll']): EventStore['catchUp'] =>
  (fromPosition, handler, options) =>
  async () => {
    const from = checkInteger(fromPosition, 'fromPosition', 0);
    if (E.isLeft(from)) return from;
    const batchSize = checkOptionalInteger(options?.batchSize, 'batchSize', 1, DEFAULT_CATCH_UP_BATCH_SIZE);
    if (E.isLeft(batchSize)) return batchSize;
    let last = from.right;
    for (;;) {
      const batch = await readAll({ fromPosition: last, limit: batchSize.right })();
      if (E.isLeft(batch)) return batch;
      for (const event of batch.right) {
        let handled: E.Either<StoreError, void>;
        try {
          handled = await handler(event)();
        } catch (e) {
          handled = E.left(storeFailed(`catch-up handler threw at position ${event.position}: ${errorMessage(e)}`));
        }
        if (E.isLeft(handled)) return handled;
        last = event.position;
      }
      if (batch.right.length < batchSize.right) return E.right(last);
    }
  };

/** Runs a synchronous body as a TaskEither, turning a throw into a StoreError. */
export const syncTask =
  <A>(body: () => E.Either<StoreError, A>, onThrow: (e: unknown) => StoreError): TE.TaskEither<StoreError, A> =>
  () => {
    try {
      return Promise.resolve(body());
    } catch (e) {
      return Promise.resolve(E.left(onThrow(e)));
    }
  };

/** Hides passwords in connection strings that might appear in driver messages. */
export const redact = (message: string): string =>
  message.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@\s]*@/gi, '$1:***@');

/** The message of anything thrown (checked structurally: errors from Node internals may come from another realm). */
export const errorMessage = (e: unknown): string => {
  const message = typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : undefined;
  return redact(typeof message === 'string' ? message : String(e));
};

export const isoNow = (clock: () => Date): string => clock().toISOString();
