/**
 * `--core-api URL` and `--trust confirm|signature` of `paystate serve`: where GET status is asked
 * (the server key it already takes authenticates), and so how notifications are trusted (DOMAIN
 * §6a). With a Core API, confirm mode is the default; `--trust signature` turns it off.
 */
import * as E from 'fp-ts/lib/Either.js';
import { PRODUCTION_BASE_URL, SANDBOX_BASE_URL, type CoreApiConnection } from '@paystate/adapters';
import type { NotificationMode } from '@paystate/engine';
import { UsageError } from './args';
import { flagOrEnv } from './envOption';

export const CORE_API_OPTIONS = {
  'core-api': { type: 'string' },
  trust: { type: 'string' },
  'confirm-timeout-ms': { type: 'string' },
} as const;

export const CORE_API_HELP: readonly (readonly [string, string])[] = [
  [
    '--core-api URL',
    "Midtrans' Core API, asked GET status to confirm each notification: sandbox, production, or a\nbase URL such as http://127.0.0.1:8090 for a local simulator (default: $MIDTRANS_CORE_API_URL;\nwithout one, notifications are trusted on their signature alone)",
  ],
  ['--trust MODE', 'confirm (the default with --core-api: GET status decides, the notification is a trigger)\nor signature (fold what a validly signed notification says; logged as a warning)'],
  ['--confirm-timeout-ms MS', 'the deadline of each GET status in confirm mode; past it the webhook answers 503\nand Midtrans retries (default: $PAYSTATE_CONFIRM_TIMEOUT_MS, else 5000)'],
];

export const CORE_API_ENV: readonly (readonly [string, string])[] = [
  ['MIDTRANS_CORE_API_URL', '--core-api'],
  ['PAYSTATE_CONFIRM_TIMEOUT_MS', '--confirm-timeout-ms'],
];

export interface TrustChoice {
  readonly trust: NotificationMode;
  readonly coreApi: CoreApiConnection | undefined;
  /** The Core API's base URL, for the log (it holds no secret). */
  readonly baseUrl: string | undefined;
}

/** `sandbox`, `production`, or an http(s) base URL without credentials, query or fragment; else undefined. */
export const coreApiBaseUrlOf = (value: string): string | undefined => {
  if (value === 'sandbox') return SANDBOX_BASE_URL;
  if (value === 'production') return PRODUCTION_BASE_URL;
  try {
    const u = new URL(value);
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username !== '' || u.password !== '' || u.search !== '' || u.hash !== '') return undefined;
    return value.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
};

/** The trust `serve` runs with, from its flags and environment. */
export const trustChoiceOf = (values: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): E.Either<UsageError, TrustChoice> => {
  const given = flagOrEnv(values['core-api'], env, 'MIDTRANS_CORE_API_URL');
  const baseUrl = given === undefined ? undefined : coreApiBaseUrlOf(given.value);
  if (given !== undefined && baseUrl === undefined)
    return E.left(new UsageError(`${given.from === 'flag' ? '--core-api' : given.from} must be sandbox, production or an http(s) base URL without credentials, got "${given.value.replace(/\/\/[^/@]*@/, '//***@')}"`));
  const trust = values['trust'];
  if (trust !== undefined && trust !== 'confirm' && trust !== 'signature') return E.left(new UsageError(`--trust must be confirm or signature, got "${String(trust)}"`));
  if (trust === 'confirm' && baseUrl === undefined)
    return E.left(new UsageError('--trust confirm needs a Core API to ask GET status: give --core-api URL (or $MIDTRANS_CORE_API_URL)'));
  const timeout = flagOrEnv(values['confirm-timeout-ms'], env, 'PAYSTATE_CONFIRM_TIMEOUT_MS');
  const ms = timeout === undefined ? undefined : Number(timeout.value);
  if (timeout !== undefined && (!/^\d+$/.test(timeout.value) || ms! < 1 || ms! > 60_000))
    return E.left(new UsageError(`${timeout.from === 'flag' ? '--confirm-timeout-ms' : timeout.from} must be an integer 1..60000, got "${timeout.value}"`));
  const coreApi: CoreApiConnection | undefined = baseUrl === undefined ? undefined : { baseUrl, ...(ms !== undefined ? { confirmTimeoutMs: ms } : {}) };
  return E.right({ trust: (trust as NotificationMode | undefined) ?? (baseUrl !== undefined ? 'confirm' : 'signature'), coreApi, baseUrl });
};
