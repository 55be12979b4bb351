/** The check and encoding of an append op, before any store reads the stream it names. */
import * as E from 'fp-ts/lib/Either.js';
import type { AppendOp, ExpectedVersion, NewEvent, StoreError } from '../eventStore';
import { invalidArgument } from '../eventStore';
import { checkInteger, checkText } from './argumentChecks';
import { encodeData } from './eventData';

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

export const checkExpectedVersion = (value: unknown): E.Either<StoreError, ExpectedVersion> =>
  value === 'any' ? E.right('any') : checkInteger(value, 'expectedVersion', 0);

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
