/**
 * The upgrade audit: re-decides every stored observation with the current engine and lists each
 * one whose decision would now differ from the recorded one. Each observation is decided against
 * the order as its recorded history left it (the recorded decisions folded), so one changed rule
 * shows once, where it applies, rather than again in everything after it.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { decide as engineDecide, encodeDecision, evolve, type Decision, type Observation, type OrderState } from '@paystate/engine';
import type { EventStore, StoredEvent, StoreError } from '../store/index';
import { orderIdOfStream } from './ingest';
import { readObservation, type RawObservation } from './storedObservation';

/** What verify compares: the outcome, the reason's code, and the statuses and amounts it results in. */
export interface DecisionFacts {
  readonly outcome: string;
  readonly code: string;
  readonly reason: string;
  readonly transaction_id: string | null;
  readonly transaction_status: string | null;
  readonly fraud_status: string | null;
  readonly amounts: {
    readonly authorized: number;
    readonly gross: number;
    readonly refunded: number;
    readonly charged_back: number;
  } | null;
  readonly requested_amount: number | null;
}

export interface VerifyDifference {
  readonly orderId: string;
  readonly streamId: string;
  /** The observation's place: its stream version (1-based) and global position. */
  readonly version: number;
  readonly position: number;
  readonly kind: string;
  readonly receivedAt: string;
  readonly recorded: DecisionFacts;
  readonly now: DecisionFacts;
  /** The compared fields that differ. */
  readonly fields: readonly string[];
}

export interface VerifyReport {
  readonly streams: number;
  readonly observations: number;
  readonly differences: readonly VerifyDifference[];
  /** Stored events no readable format describes. */
  readonly unreadable: readonly { readonly streamId: string; readonly version: number; readonly detail: string }[];
}

export interface VerifyOptions {
  /** The decider to audit with (default: this release's engine). */
  readonly decide?: (order: OrderState | undefined, obs: Observation) => Decision;
  /**
   * Maps the stored raw input again (for instance the adapters' `toObservation` with the server
   * key), so changes in reading Midtrans' payloads are audited too. Default: the observation as
   * it was read when recorded.
   */
  readonly remap?: (line: RawObservation) => Observation;
  readonly batchSize?: number;
}

export const factsOf = (d: Decision): DecisionFacts => {
  const a = encodeDecision(d).effect?.attempt;
  return {
    outcome: d.outcome,
    code: d.code,
    reason: d.reason,
    transaction_id: d.transactionId ?? null,
    transaction_status: a?.transaction_status ?? null,
    fraud_status: a?.fraud_status ?? null,
    amounts: a === undefined ? null : { authorized: a.authorizedAmount, gross: a.grossAmount, refunded: a.refunded, charged_back: a.chargedBack },
    requested_amount: d.effect?.requestedAmount ?? null,
  };
};

const COMPARED = ['outcome', 'code', 'transaction_id', 'transaction_status', 'fraud_status', 'amounts', 'requested_amount'] as const;

const differing = (a: DecisionFacts, b: DecisionFacts): string[] => COMPARED.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));

/** An auditor fed events in position order (any mix of streams). */
export const createVerifier = (options: VerifyOptions = {}) => {
  const decide = options.decide ?? engineDecide;
  const states = new Map<string, OrderState | undefined>();
  const differences: VerifyDifference[] = [];
  const unreadable: { streamId: string; version: number; detail: string }[] = [];
  let observations = 0;
  const streams = new Set<string>();
  const apply = (e: StoredEvent): void => {
    const orderId = orderIdOfStream(e.streamId);
    if (orderId === undefined) return;
    const read = readObservation(e);
    if (E.isLeft(read)) {
      unreadable.push({ streamId: e.streamId, version: e.version, detail: read.left });
      return;
    }
    const rec = read.right;
    if (rec === undefined) return;
    streams.add(e.streamId);
    observations++;
    const before = states.get(e.streamId);
    const mapped = options.remap === undefined ? rec.observation : options.remap(rec.line);
    // As on ingestion: input that names the order only through an alias is routed to its stream.
    const obs = mapped.orderId === undefined ? ({ ...mapped, orderId } as Observation) : mapped;
    const now = decide(before, obs);
    const recorded = factsOf(rec.decision);
    const fresh = factsOf(now);
    const fields = differing(recorded, fresh);
    if (fields.length > 0)
      differences.push({ orderId, streamId: e.streamId, version: e.version, position: e.position, kind: rec.observation.kind, receivedAt: rec.receivedAt, recorded, now: fresh, fields });
    states.set(e.streamId, evolve(before, rec.decision));
  };
  const report = (): VerifyReport => ({ streams: streams.size, observations, differences: [...differences], unreadable: [...unreadable] });
  return { apply, report };
};

/** Audits events already read (in position order). */
export const verifyEvents = (events: readonly StoredEvent[], options?: VerifyOptions): VerifyReport => {
  const v = createVerifier(options);
  for (const e of events) v.apply(e);
  return v.report();
};

/** Audits every payment stream in the store, reading the global stream once in batches. */
export const verifyStore = (store: EventStore, options: VerifyOptions = {}): TE.TaskEither<StoreError, VerifyReport> => {
  const v = createVerifier(options);
  return TE.map(() => v.report())(
    store.catchUp(
      0,
      (e) => {
        v.apply(e);
        return TE.right(undefined);
      },
      { batchSize: options.batchSize ?? 500 },
    ),
  );
};
