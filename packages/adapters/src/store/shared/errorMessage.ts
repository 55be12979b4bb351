import { redact } from './redact';

/** The message of anything thrown (checked structurally: errors from Node internals may come from another realm). */
export const errorMessage = (e: unknown): string => {
  const message = typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : undefined;
  return redact(typeof message === 'string' ? message : String(e));
};
