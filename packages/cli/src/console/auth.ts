/**
 * Who may look: the bearer of the read token, in an `Authorization: Bearer` header or in the
 * console's cookie, set by its login form. The cookie holds a digest of the token, not the token,
 * so it cannot be replayed against the read API, and it is HttpOnly and SameSite=Strict.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const COOKIE = 'paystate_console';

/** The cookie's value for a token. */
export const sessionOf = (token: string): string => createHash('sha256').update(`paystate console session\0${token}`).digest('base64url');

/** Compares two strings in time independent of where they differ. */
export const sameSecret = (given: string, expected: string): boolean =>
  timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());

const BEARER = /^Bearer[ ]+([^ ]+)[ ]*$/i;

/** The value of one cookie in the request, if sent. */
export const cookieOf = (req: IncomingMessage, name: string): string | undefined => {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
};

/** True when the request carries the read token (bearer) or the console's session cookie for it. */
export const isAuthorised = (req: IncomingMessage, token: string): boolean => {
  const bearer = BEARER.exec(req.headers.authorization ?? '')?.[1];
  if (bearer !== undefined) return sameSecret(bearer, token);
  const cookie = cookieOf(req, COOKIE);
  return cookie !== undefined && sameSecret(cookie, sessionOf(token));
};

/** The Set-Cookie header of a session (no Max-Age: it ends with the browser session); Secure when served over HTTPS. */
export const sessionCookie = (token: string, prefix: string, secure: boolean): string =>
  `${COOKIE}=${sessionOf(token)}; Path=${prefix}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;

export const clearedCookie = (prefix: string): string => `${COOKIE}=; Path=${prefix}; HttpOnly; SameSite=Strict; Max-Age=0`;

/** Where to go after login: a console path only (never another site). */
export const safeNext = (next: string | null, prefix: string): string =>
  next !== null && (next === prefix || next.startsWith(`${prefix}/`)) && !/[\\\r\n]|\/\.|%2e/i.test(next) ? next : `${prefix}/`;

/** True unless the request names another origin (a cross-site form post). */
export const sameOrigin = (req: IncomingMessage): boolean => {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers.host;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
};
