/**
 * The simulated clock and what happens by itself as it moves: an unfinished 3DS page expires after
 * 10 minutes, a capture settles the next day at 16:00 GMT+7 (an unapproved challenge is cancelled
 * then instead), an authorization expires after 7 days. Nothing reads the wall clock here.
 */
import { nextDeliveryAt } from './deliveries';
import { GMT7_OFFSET_MS } from './midtransTime';
import type { SimContext, SimTransaction } from './state';
import { move } from './transitions';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** How long a 3DS page stays open. */
export const THREE_DS_WINDOW_MS = 10 * MINUTE;
const AUTHORIZATION_WINDOW_MS = 7 * DAY;

/** The next day at 16:00 GMT+7 after a moment: when card captures settle. */
export const settlementAfter = (ms: number): number => {
  const local = new Date(ms + GMT7_OFFSET_MS);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1, 16, 0, 0) - GMT7_OFFSET_MS;
};

interface Timer {
  readonly at: number;
  readonly tx: SimTransaction;
  readonly fire: () => void;
}

/** The transition the clock will make on a transaction in its current status, if any. */
const timerOf = (ctx: SimContext, tx: SimTransaction): Timer | undefined => {
  switch (tx.status) {
    case 'pending':
      return tx.expiryTime === undefined
        ? undefined
        : {
            at: tx.expiryTime,
            tx,
            fire: () => {
              tx.channelResponse = { code: '', message: '3DS authentication expired' };
              move(ctx, tx, 'expire');
            },
          };
    case 'authorize':
      return { at: tx.transactionTime + AUTHORIZATION_WINDOW_MS, tx, fire: () => move(ctx, tx, 'expire') };
    case 'capture': {
      const at = settlementAfter(tx.captureTime ?? tx.transactionTime);
      return {
        at,
        tx,
        fire: () => {
          if (tx.fraud === 'challenge') move(ctx, tx, 'cancel');
          else {
            tx.settlementTime = at;
            move(ctx, tx, 'settlement');
          }
        },
      };
    }
    default:
      return undefined;
  }
};

const earliestTimer = (ctx: SimContext): Timer | undefined => {
  let best: Timer | undefined;
  for (const tx of ctx.st.txs.values()) {
    const t = timerOf(ctx, tx);
    if (t !== undefined && (best === undefined || t.at < best.at)) best = t;
  }
  return best;
};

/** Moves the clock forward to `ms` (never back), firing the transitions due on the way, in time order. */
export const setNow = (ctx: SimContext, ms: number): void => {
  for (;;) {
    const t = earliestTimer(ctx);
    if (t === undefined || t.at > ms) break;
    ctx.st.now = Math.max(ctx.st.now, t.at);
    t.fire();
  }
  ctx.st.now = Math.max(ctx.st.now, ms);
};

/** The next moment something happens (a transition or a due delivery), if any. */
export const nextEventAt = (ctx: SimContext): number | undefined => {
  const t = earliestTimer(ctx)?.at;
  const d = nextDeliveryAt(ctx);
  return t === undefined ? d : d === undefined ? t : Math.min(t, d);
};
