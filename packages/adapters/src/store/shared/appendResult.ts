/** An append's answer, shaped the same way by every store. */
import type { AppendResult, StoredEvent } from '../eventStore';
import { decodeData } from './eventData';

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

/** The time an append records on its events. */
export const isoNow = (clock: () => Date): string => clock().toISOString();
