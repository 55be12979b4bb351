/**
 * The per-notification deadline: the whole handling of one body (decode, verify, every store call,
 * and any wait behind other notifications of the same order) gets one budget, well inside the
 * 15 s Midtrans waits for an answer. Past it the webhook answers 503 and the work is told to write
 * nothing more, so an answer is never a 2xx for something not yet durable.
 */
import { httpAnswer, type HttpAnswer } from './answer';

/** The default budget of one notification, in ms: a third of Midtrans' 15 s. */
export const DEFAULT_DEADLINE_MS = 5_000;

/** The deadline option checked: a positive integer of ms (the default when absent). */
export const deadlineMsOf = (ms: number | undefined): number => {
  if (ms === undefined) return DEFAULT_DEADLINE_MS;
  if (!Number.isInteger(ms) || ms < 1) throw new RangeError(`deadlineMs must be a positive integer, got ${String(ms)}`);
  return ms;
};

/**
 * Runs `work` with a signal that aborts after `ms`; resolves to its answer when it comes in time,
 * else to the 503 `deadline_exceeded` answer at the deadline (the work, told by its signal, then
 * starts no further write; one already under way completes or fails whole).
 */
export const withinDeadline = (ms: number, work: (signal: AbortSignal) => Promise<HttpAnswer>): Promise<HttpAnswer> => {
  const controller = new AbortController();
  return new Promise<HttpAnswer>((resolve, reject) => {
    const timer = setTimeout(() => {
      controller.abort();
      resolve(httpAnswer({ _tag: 'DeadlinePassed', ms }));
    }, ms);
    work(controller.signal).then(
      (a) => {
        clearTimeout(timer);
        resolve(a);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
};
