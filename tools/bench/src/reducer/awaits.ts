/** Deadlines (DOMAIN §8): whether the attempt still awaits one. */
import { formatMidtransTime, parseMidtransTime } from '@paystate/engine';
import type { ReducerAttempt } from './reducerState';

const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;
const GMT7 = 7 * 60 * MINUTE;

/** The next day at 16:00 GMT+7. */
const settlesAt = (t: number): number => {
  const local = new Date(t + GMT7);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1, 16) - GMT7;
};

/** The attempt still awaits a deadline of this kind, or at this moment. */
export const awaits = (a: ReducerAttempt, kind: string, at: string): boolean => {
  switch (a.status) {
    case 'pending': {
      const t = parseMidtransTime(a.transactionTime);
      const expiry = parseMidtransTime(a.expiryTime) ?? (t === undefined ? undefined : t + 10 * MINUTE);
      return expiry !== undefined && (kind === '3ds_expiry' || formatMidtransTime(expiry) === at);
    }
    case 'authorize': {
      const t = parseMidtransTime(a.transactionTime);
      return t !== undefined && (kind === 'authorization_expiry' || formatMidtransTime(t + 7 * DAY) === at);
    }
    case 'capture': {
      const t = parseMidtransTime(a.transactionTime);
      return t !== undefined && (kind === 'settlement' || (kind === 'challenge_auto_cancel' && a.fraud === 'challenge') || formatMidtransTime(settlesAt(t)) === at);
    }
    default:
      return false;
  }
};
