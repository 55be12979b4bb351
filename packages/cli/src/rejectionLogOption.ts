/**
 * `--rejection-log-max-mb` and `--rejection-log-max-days` (or PAYSTATE_REJECTION_LOG_MAX_MB and
 * PAYSTATE_REJECTION_LOG_MAX_DAYS): the caps on the rejection log's rows under no order.
 */
import * as E from 'fp-ts/lib/Either.js';
import { DEFAULT_REJECTION_LOG_MAX_AGE_SECONDS, DEFAULT_REJECTION_LOG_MAX_BYTES, type RejectionLogLimits } from '@paystate/adapters';
import { UsageError } from './args';
import { flagOrEnv } from './envOption';

export const REJECTION_LOG_HELP: readonly (readonly [string, string])[] = [
  ['--rejection-log-max-mb N', `the most the rejection log's rows under no order (unauthenticated input) may take, in MiB;\nthe oldest go first (default: $PAYSTATE_REJECTION_LOG_MAX_MB, else ${DEFAULT_REJECTION_LOG_MAX_BYTES / 1024 / 1024})`],
  ['--rejection-log-max-days N', `those rows are dropped after N days (default: $PAYSTATE_REJECTION_LOG_MAX_DAYS, else ${DEFAULT_REJECTION_LOG_MAX_AGE_SECONDS / 86_400})`],
];

export const REJECTION_LOG_ENV: readonly (readonly [string, string])[] = [
  ['PAYSTATE_REJECTION_LOG_MAX_MB', '--rejection-log-max-mb'],
  ['PAYSTATE_REJECTION_LOG_MAX_DAYS', '--rejection-log-max-days'],
];

const positive = (name: string, given: { readonly value: string; readonly from: string }): E.Either<UsageError, number> => {
  const n = Number(given.value);
  const where = given.from === 'flag' ? `--${name}` : given.from;
  return /^\d+(\.\d+)?$/.test(given.value.trim()) && n > 0 ? E.right(n) : E.left(new UsageError(`${where}: expected a positive number, got "${given.value}"`));
};

/** The caps the command line or environment sets (the store's defaults for what neither sets). */
export const rejectionLogOf = (values: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>): E.Either<UsageError, RejectionLogLimits> => {
  const mb = flagOrEnv(values['rejection-log-max-mb'], env, 'PAYSTATE_REJECTION_LOG_MAX_MB');
  const days = flagOrEnv(values['rejection-log-max-days'], env, 'PAYSTATE_REJECTION_LOG_MAX_DAYS');
  const maxMb = mb === undefined ? E.right(undefined) : positive('rejection-log-max-mb', mb);
  if (E.isLeft(maxMb)) return maxMb;
  const maxDays = days === undefined ? E.right(undefined) : positive('rejection-log-max-days', days);
  if (E.isLeft(maxDays)) return maxDays;
  return E.right({
    ...(maxMb.right === undefined ? {} : { maxBytes: Math.max(1, Math.round(maxMb.right * 1024 * 1024)) }),
    ...(maxDays.right === undefined ? {} : { maxAgeSeconds: maxDays.right * 86_400 }),
  });
};
