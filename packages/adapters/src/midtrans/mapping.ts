/**
 * Replay lines (DOMAIN §9) to engine observations: the only place Midtrans field names meet domain
 * names. Every input gives an observation; what cannot be trusted or read becomes `invalid`, with
 * the order it names (so the engine can flag a known order) and a reason naming the field.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Observation } from '@paystate/engine';
import { ReplayLine, decodeWith } from './codecs';
import { describeFound, invalidJson } from './decodeError';
import { contextOf, invalid } from './invalid';
import { fieldAt, isRecord, rendered } from './mapped';
import { byKind } from './observationByKind';
import { storableByText, unstorableReason } from './unstorable';

// Bound once: run through tsx (CommonJS), every `E.x(...)` is an accessor call on a module object,
// and this module runs for every observation.
const { isLeft, isRight, left } = E;

export interface MappingOptions {
  /** The Midtrans server key notifications are signed with. Never written into a reason. */
  readonly serverKey: string;
}

/** Reasons starting with this come from an unexpected exception, not from a known check. */
export const UNREADABLE_LINE = 'line: could not be read';

const errorText = (cause: unknown): string => {
  try {
    return cause instanceof Error ? cause.message : String(cause);
  } catch {
    return 'unreadable error';
  }
};

const serverKeyOf = (options: unknown): string => {
  const key = fieldAt(options, 'serverKey');
  return typeof key === 'string' ? key : '';
};

const decodeReplayLine = decodeWith(ReplayLine);

/** `storable`: the line's text already showed it holds nothing unstorable ({@link storableByText}). */
const readLine = (line: unknown, options: MappingOptions, storable: boolean): Observation => {
  if (!isRecord(line)) {
    return invalid(
      { received: 'unknown' },
      `line: expected an object {kind, payload, action?, request?, received_at?}, got ${describeFound(line)}`,
    );
  }
  // Checked before anything is read from the line: what names an order in it could be the very
  // string no store keeps, so such a line becomes an `invalid` naming nothing.
  const unstorable = storable ? undefined : unstorableReason(line);
  if (unstorable !== undefined) return invalid({ received: contextOf(line).received }, unstorable);
  const envelope = decodeReplayLine(line);
  const mapped = isLeft(envelope) ? left(rendered(envelope.left)) : byKind(envelope.right, serverKeyOf(options));
  // The context of a failure (what the line names) is read only when there is one.
  return isRight(mapped) ? mapped.right : invalid(contextOf(line), mapped.left);
};

const mapLine = (line: unknown, options: MappingOptions, storable: boolean): Observation => {
  try {
    return readLine(line, options, storable);
  } catch (cause) {
    return invalid({ received: 'unknown' }, `${UNREADABLE_LINE} (${errorText(cause)})`);
  }
};

/** Maps one parsed replay line to an observation; never throws, and anything untrustworthy becomes `invalid`. */
export const toObservation = (line: unknown, options: MappingOptions): Observation => mapLine(line, options, false);

/** Parses one NDJSON line and maps it; text that is not JSON becomes `invalid` (`body: not valid JSON ...`). */
export const parseReplayLine = (text: string, options: MappingOptions): Observation => {
  if (typeof text !== 'string') {
    return invalid({ received: 'unknown' }, `body: expected JSON text, got ${describeFound(text)}`);
  }
  let line: unknown;
  try {
    line = JSON.parse(text);
  } catch (cause) {
    return invalid({ received: 'unknown' }, invalidJson(cause, text).message);
  }
  // The text settles most lines as storable; only the rest get the walk over the parsed value.
  return mapLine(line, options, storableByText(text));
};
