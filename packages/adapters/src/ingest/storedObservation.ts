/**
 * The stored event of a payment stream, and how it is read back whatever release wrote it. The
 * event's data carries its format version (`schema`); a reader upcasts older versions, one step at
 * a time, to the current one before decoding. docs/event-format.md describes the format.
 */
import * as E from 'fp-ts/lib/Either.js';
import { decodeDecision, encodeDecision, type Decision, type NotificationMode, type Observation, type StoredDecision } from '@paystate/engine';
import type { StoredEvent } from '../store/index';

/** The format this release writes. Every format a release has written stays readable. */
export const EVENT_FORMAT_VERSION = 1;

export const OBSERVATION_EVENT = 'observation';

/** One observation in the replay format (DOMAIN §9), as received. */
export interface RawObservation {
  readonly kind: string;
  readonly payload: unknown;
  readonly action?: string;
  readonly request?: { readonly method?: string; readonly path?: string; readonly body?: unknown };
  readonly received_at?: string;
  /** A notification's trust (DOMAIN §6a): `confirm` when it was recorded against the GET status answer stored just before it; absent, signature mode. */
  readonly mode?: NotificationMode;
}

/** What a payment stream stores per observation (format version 1). */
export interface StoredObservation {
  readonly schema: typeof EVENT_FORMAT_VERSION;
  /** The input exactly as received, in Midtrans' own words. */
  readonly line: RawObservation;
  readonly receivedAt: string;
  /** The input as the adapters read it (statuses by name, amounts in minor units). */
  readonly observation: Observation;
  readonly decision: StoredDecision;
}

/** A stored observation read back: its decision decoded for this release. */
export interface RecordedObservation {
  /** The format version it was written in. */
  readonly schema: number;
  readonly line: RawObservation;
  readonly receivedAt: string;
  readonly observation: Observation;
  readonly decision: Decision;
}

/** Turns event data of format version N into version N + 1. Pure; never reads anything else. */
export type Upcaster = (data: Readonly<Record<string, unknown>>) => Record<string, unknown>;

/**
 * Upcasters by the version they read. Empty while version 1 is the only one written; when the
 * format changes, the release that changes it adds `1: (v1) => v2` here, and the committed
 * golden streams (test/ingest/golden/) must still fold to their recorded states.
 */
export const UPCASTERS: Readonly<Record<number, Upcaster>> = {};

export const storedObservation = (line: RawObservation, receivedAt: string, observation: Observation, decision: Decision): StoredObservation => ({
  schema: EVENT_FORMAT_VERSION,
  line,
  receivedAt,
  observation,
  decision: encodeDecision(decision),
});

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** Brings event data of any readable version up to `current`, one version at a time. */
export const upcast = (
  data: unknown,
  upcasters: Readonly<Record<number, Upcaster>> = UPCASTERS,
  current: number = EVENT_FORMAT_VERSION,
): E.Either<string, Record<string, unknown>> => {
  if (!isRecord(data)) return E.left('the event data is not an object');
  let d: Record<string, unknown> = data;
  for (;;) {
    const v = d['schema'];
    if (typeof v !== 'number' || !Number.isInteger(v)) return E.left(`the event data has no format version (schema: ${JSON.stringify(v)})`);
    if (v === current) return E.right(d);
    if (v > current) return E.left(`the event was written in format ${v}, newer than this release reads (${current}): upgrade paystate`);
    const up = upcasters[v];
    if (up === undefined) return E.left(`no upcaster from format ${v}`);
    const next = up(d);
    if (next['schema'] !== v + 1) return E.left(`the upcaster from format ${v} did not produce format ${v + 1}`);
    d = next;
  }
};

/** Reads current-format data (after upcasting). */
const decodeCurrent = (schema: number, d: Record<string, unknown>): E.Either<string, RecordedObservation> => {
  const line = d['line'];
  if (!isRecord(line) || typeof line['kind'] !== 'string') return E.left('line is not an observation as received');
  if (typeof d['receivedAt'] !== 'string') return E.left('receivedAt is not text');
  const observation = d['observation'];
  if (!isRecord(observation) || typeof observation['kind'] !== 'string') return E.left('observation is not an observation');
  const decision = decodeDecision(d['decision']);
  if (E.isLeft(decision)) return decision;
  return E.right({
    schema,
    line: line as unknown as RawObservation,
    receivedAt: d['receivedAt'],
    observation: observation as unknown as Observation,
    decision: decision.right,
  });
};

/**
 * A stored event's observation, whatever format it was written in; undefined for an event of
 * another type. Left names what is wrong with data that no format describes.
 */
export const readObservation = (e: StoredEvent, upcasters: Readonly<Record<number, Upcaster>> = UPCASTERS): E.Either<string, RecordedObservation | undefined> => {
  if (e.type !== OBSERVATION_EVENT) return E.right(undefined);
  const schema = isRecord(e.data) ? e.data['schema'] : undefined;
  const current = upcast(e.data, upcasters);
  if (E.isLeft(current)) return E.left(`${e.streamId}@${e.version}: ${current.left}`);
  const read = decodeCurrent(typeof schema === 'number' ? schema : EVENT_FORMAT_VERSION, current.right);
  return E.isLeft(read) ? E.left(`${e.streamId}@${e.version}: ${read.left}`) : read;
};

/** Raised by foldStream for an event no format describes: the stored history is damaged. */
export class UnreadableEventError extends Error {
  constructor(readonly detail: string) {
    super(`unreadable stored event ${detail}`);
    this.name = 'UnreadableEventError';
  }
}

/** The event's observation, or a thrown UnreadableEventError (for folds that cannot return a value). */
export const recordedObservationOf = (e: StoredEvent): RecordedObservation | undefined => {
  const r = readObservation(e);
  if (E.isLeft(r)) throw new UnreadableEventError(r.left);
  return r.right;
};
