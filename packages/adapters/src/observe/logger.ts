/**
 * The logger paystate writes to: the part of pino's interface it uses (so a pino logger, or any
 * logger shaped like it, can be passed as is), silent by default, and a wrapper that masks card
 * numbers and the server key in everything logged before the host's logger sees it.
 */
import { replaceCardNumbers } from '../cardNumber';

/** A pino-style log method: an object of fields and an optional message, or a message alone. */
export interface LogFn {
  (fields: object, message?: string): void;
  (message: string): void;
}

/** The pino interface paystate logs through (`pino()` satisfies it). */
export interface Logger {
  error: LogFn;
  warn: LogFn;
  info: LogFn;
  debug: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

const nothing: LogFn = () => undefined;

/** Logs nothing: the default everywhere a logger is optional. */
export const silentLogger: Logger = { error: nothing, warn: nothing, info: nothing, debug: nothing, child: () => silentLogger };

// -------------------------------------------------------------------------------------------------
// masking
// -------------------------------------------------------------------------------------------------

/** Cheap pre-check: a card number has four digits in a row somewhere (grouped or not). */
const FOUR_DIGITS = /\d{4}/;

/**
 * Masks every card-number-looking digit run (13–19 digits passing the Luhn check, grouped or not)
 * to its last four digits. A long numeric id that happens to pass the check is masked too: a lost
 * id in a log line is cheap, a leaked card number is not.
 */
export const maskPans = (s: string): string =>
  s.length < 13 || !FOUR_DIGITS.test(s)
    ? s
    : replaceCardNumbers(s, (digits) => `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`);

const MAX_DEPTH = 6;

/**
 * The value with every string masked (card numbers, then the secrets). Objects and arrays are
 * copied only where something was masked: a log line's fields usually need nothing.
 */
const masked = (v: unknown, mask: (s: string) => string, depth: number): unknown => {
  if (typeof v === 'string') return mask(v);
  if (typeof v !== 'object' || v === null) return v;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (v instanceof Error) return { type: v.name, message: mask(v.message), ...(v.stack !== undefined ? { stack: mask(v.stack) } : {}) };
  if (Array.isArray(v)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = masked(v[i], mask, depth + 1);
      if (x !== v[i]) (copy ??= [...v])[i] = x;
    }
    return copy ?? v;
  }
  let copy: Record<string, unknown> | undefined;
  for (const k in v) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
    const before = (v as Record<string, unknown>)[k];
    const x = masked(before, mask, depth + 1);
    if (x !== before) (copy ??= { ...(v as Record<string, unknown>) })[k] = x;
  }
  return copy ?? v;
};

/**
 * A logger that masks card numbers and the given secrets (the server key, its Basic encoding) in
 * every message, field and binding before they reach `logger`.
 */
export const maskingLogger = (logger: Logger, secrets: readonly string[] = []): Logger => {
  const kept = secrets.filter((s) => s.length >= 4);
  const mask = (s: string): string => {
    let out = maskPans(s);
    for (const secret of kept) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  };
  const wrap = (l: Logger): Logger => {
    const method =
      (f: LogFn): LogFn =>
      (a: object | string, message?: string) =>
        typeof a === 'string' ? f(mask(a)) : message === undefined ? f(masked(a, mask, 0) as object) : f(masked(a, mask, 0) as object, mask(message));
    return {
      error: method(l.error.bind(l)),
      warn: method(l.warn.bind(l)),
      info: method(l.info.bind(l)),
      debug: method(l.debug.bind(l)),
      child: (bindings) => wrap(l.child(masked(bindings, mask, 0) as Record<string, unknown>)),
    };
  };
  return logger === silentLogger ? silentLogger : wrap(logger);
};

/** The logger to use: the host's, masked, or the silent one. */
export const loggerOf = (logger: Logger | undefined, serverKey?: string): Logger =>
  logger === undefined
    ? silentLogger
    : maskingLogger(logger, serverKey === undefined || serverKey === '' ? [] : [serverKey, Buffer.from(`${serverKey}:`).toString('base64'), encodeURIComponent(serverKey)]);
