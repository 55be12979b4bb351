/** The Core API request paths a recorded answer may carry, and the id they name. */
import * as E from 'fp-ts/lib/Either.js';
import type { ActionName } from '@paystate/engine';
import type { RequestInfo } from './codecs';
import { describeFound } from './decodeError';
import type { Mapped } from './mapped';

const { left, right } = E;

const ID = '{id}';

export const STATUS_PATH: readonly string[] = ['v2', ID, 'status'];

export const ACTION_PATHS: Readonly<Record<ActionName, readonly string[]>> = {
  approve: ['v2', ID, 'approve'],
  deny: ['v2', ID, 'deny'],
  cancel: ['v2', ID, 'cancel'],
  expire: ['v2', ID, 'expire'],
  refund: ['v2', ID, 'refund'],
  direct_refund: ['v2', ID, 'refund', 'online', 'direct'],
  capture: ['v2', 'capture'],
};

const decodeSegment = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** The id in a request path matching the pattern (`undefined` when there is no path or the pattern has no id). */
export const idFromPath = (request: RequestInfo | undefined, pattern: readonly string[]): Mapped<string | undefined> => {
  const path = request?.path;
  if (path === undefined) return right(undefined);
  const bare = path
    .replace(/^https?:\/\/[^/]*/i, '')
    .replace(/[?#].*$/s, '')
    .replace(/\/+$/, '');
  const segments = bare.split('/');
  const matches =
    segments[0] === '' &&
    segments.length === pattern.length + 1 &&
    pattern.every((p, i) => {
      const s = segments[i + 1];
      return s !== undefined && (p === ID ? s.length > 0 : s === p);
    });
  if (!matches) {
    return left(`request.path: expected "/${pattern.join('/')}", got ${describeFound(path)}`);
  }
  const at = pattern.indexOf(ID);
  const raw = at < 0 ? undefined : segments[at + 1];
  return right(raw === undefined ? undefined : decodeSegment(raw));
};
