/**
 * The deadline planner (DOMAIN §8): from an attempt's state and its payload times, the next moments
 * at which the host should ask GET status. Pure: it reads no clock; times are Midtrans' GMT+7 strings.
 */
import type { AttemptState } from './state';

export const DEADLINE_KINDS = ['3ds_expiry', 'authorization_expiry', 'settlement', 'challenge_auto_cancel'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

export interface Deadline {
  readonly kind: DeadlineKind;
  /** GMT+7, as Midtrans writes times: "2024-05-14 10:25:20". */
  readonly at: string;
  readonly why: string;
}

const TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const OFFSET_MS = 7 * 3600_000;

/** Midtrans time (GMT+7) → epoch milliseconds; undefined when malformed. */
export const parseMidtransTime = (s: string | undefined): number | undefined => {
  const m = s === undefined ? null : TIME.exec(s);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, se) - OFFSET_MS;
};

/** Epoch milliseconds → Midtrans time (GMT+7). */
export const formatMidtransTime = (ms: number): string => {
  const d = new Date(ms + OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
};

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The next day at 16:00 GMT+7 after a transaction time. */
const nextSettlement = (t: number): number => {
  const local = new Date(t + OFFSET_MS);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1, 16, 0, 0) - OFFSET_MS;
};

/** The deadlines an attempt awaits in its current state, earliest first. */
export const planDeadlines = (a: AttemptState): readonly Deadline[] => {
  const t = parseMidtransTime(a.transactionTime);
  switch (a.status) {
    case 'pending': {
      const at = parseMidtransTime(a.expiryTime) ?? (t === undefined ? undefined : t + 10 * MINUTE);
      return at === undefined
        ? []
        : [{ kind: '3ds_expiry', at: formatMidtransTime(at), why: '3DS not completed: the charge expires 10 minutes after it was made (expiry_time)' }];
    }
    case 'authorize':
      return t === undefined
        ? []
        : [{ kind: 'authorization_expiry', at: formatMidtransTime(t + 7 * DAY), why: 'an authorization not captured within 7 days expires (Midtrans says 7 or 8)' }];
    case 'capture': {
      if (t === undefined) return [];
      const at = formatMidtransTime(nextSettlement(t));
      return a.fraud === 'challenge'
        ? [
            { kind: 'challenge_auto_cancel', at, why: 'an unapproved challenge is cancelled at settlement time' },
            { kind: 'settlement', at, why: 'card captures settle the next day at 16:00' },
          ]
        : [{ kind: 'settlement', at, why: 'card captures settle the next day at 16:00' }];
    }
    default:
      return [];
  }
};
