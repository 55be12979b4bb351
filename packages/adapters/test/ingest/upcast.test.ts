/**
 * The upcaster mechanism: data written in an older format is brought up one version at a time
 * before it is read, and data no format describes is refused with a reason. Version 1 is the only
 * format written so far, so the older shape here is synthetic: a "version 0" that kept amounts as
 * Midtrans strings and the attempt's statuses under other names.
 */
import * as E from 'fp-ts/lib/Either.js';
import { foldStream } from '../../src/ingest/ingest';
import { readObservation, upcast, UPCASTERS, type Upcaster } from '../../src/ingest/storedObservation';
import type { StoredEvent } from '../../src/store/eventStore';
import { eventOfRow, readGoldenRows } from './golden/goldenStream';

const golden = readGoldenRows('sqlite').map(eventOfRow);
const withAttempt = golden.find((e) => JSON.stringify(e.data).includes('"refunds"'))!;

type V1Attempt = Record<string, unknown> & { transaction_status: string; fraud_status: string | null; grossAmount: number; authorizedAmount: number; refunded: number; chargedBack: number };
type Data = Record<string, unknown> & { schema: number; decision: Record<string, unknown> & { effect?: { attempt?: V1Attempt } } };

const units = (minor: number): string => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
const minor = (s: string): number => Math.round(Number(s) * 100);

/** The synthetic older shape of a version 1 event's data. */
const toV0 = (d: Data): Record<string, unknown> => {
  const a = d.decision.effect?.attempt;
  const { transaction_status, fraud_status, grossAmount, authorizedAmount, refunded, chargedBack, ...rest } = a ?? ({} as V1Attempt);
  const attempt = a === undefined ? undefined : { ...rest, status: transaction_status, fraud: fraud_status, gross: units(grossAmount), authorized: units(authorizedAmount), refunded: units(refunded), charged_back: units(chargedBack) };
  return { ...d, schema: 0, decision: { ...d.decision, ...(attempt === undefined ? {} : { effect: { ...d.decision.effect, attempt } }) } };
};

const v0to1: Upcaster = (d) => {
  const decision = d['decision'] as Record<string, unknown> & { effect?: { attempt?: Record<string, unknown> } };
  const a = decision.effect?.attempt;
  if (a === undefined) return { ...d, schema: 1 };
  const { status, fraud, gross, authorized, refunded, charged_back, ...rest } = a as Record<string, string>;
  const attempt = { ...rest, transaction_status: status, fraud_status: fraud, grossAmount: minor(gross!), authorizedAmount: minor(authorized!), refunded: minor(refunded!), chargedBack: minor(charged_back!) };
  return { ...d, schema: 1, decision: { ...decision, effect: { ...decision.effect, attempt } } };
};

/** The event's data with its attempt's transaction_status replaced. */
const withStatus = (status: string): unknown => {
  const d = JSON.parse(JSON.stringify(withAttempt.data)) as Data;
  d.decision.effect!.attempt!.transaction_status = status;
  return d;
};

const asEvent = (e: StoredEvent, data: unknown): StoredEvent => ({ ...e, data });

describe('upcasting stored events', () => {
  test('version 1 is current and needs no upcaster yet', () => {
    expect(UPCASTERS).toEqual({});
    expect(upcast(withAttempt.data)).toEqual(E.right(withAttempt.data));
  });

  test('an older version is upcast before it is read, and reads as the current one does', () => {
    const old = asEvent(withAttempt, toV0(withAttempt.data as Data));
    expect(old.data).not.toEqual(withAttempt.data);
    const read = readObservation(old, { 0: v0to1 });
    const current = readObservation(withAttempt);
    expect(E.isRight(read) && read.right?.schema).toBe(0);
    expect(E.isRight(read) && read.right?.decision).toEqual(E.isRight(current) && current.right?.decision);
  });

  test('a whole stream in the older version folds to the same state through the upcaster', () => {
    const stream = golden.filter((e) => e.streamId === withAttempt.streamId);
    const oldStream = stream.map((e) => asEvent(e, toV0(e.data as Data)));
    const upcastOrThrow = (d: unknown): unknown => {
      const u = upcast(d, { 0: v0to1 });
      if (E.isLeft(u)) throw new Error(u.left);
      return u.right;
    };
    expect(stream.length).toBeGreaterThan(1);
    expect(foldStream(oldStream.map((e) => asEvent(e, upcastOrThrow(e.data))))).toEqual(foldStream(stream));
  });

  test.each([
    ['without an upcaster for its version', { ...(withAttempt.data as object), schema: 0 }, /no upcaster from format 0/],
    ['newer than this release', { ...(withAttempt.data as object), schema: 2 }, /format 2, newer than this release reads \(1\): upgrade paystate/],
    ['without a version', { ...(withAttempt.data as object), schema: undefined }, /no format version/],
    ['with a status this release does not know', withStatus('paid'), /"paid" is not a transaction status/],
  ])('refuses data %s, naming the event', (_name, data, why) => {
    const r = readObservation(asEvent(withAttempt, data));
    expect(E.isLeft(r) && r.left).toMatch(why);
    expect(E.isLeft(r) && r.left).toContain(`${withAttempt.streamId}@${withAttempt.version}`);
    expect(() => foldStream([asEvent(withAttempt, data)])).toThrow(/unreadable stored event/);
  });

  test('an upcaster that skips a version is refused', () => {
    const r = upcast({ schema: 0 }, { 0: (d) => ({ ...d, schema: 2 }) }, 2);
    expect(r).toEqual(E.left('the upcaster from format 0 did not produce format 1'));
  });
});
