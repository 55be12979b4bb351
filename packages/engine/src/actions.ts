/** The Core API actions a merchant sends (DOMAIN §6). */
export const ACTION_NAMES = ['approve', 'deny', 'cancel', 'expire', 'capture', 'refund', 'direct_refund'] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

export const isActionName = (s: unknown): s is ActionName =>
  typeof s === 'string' && (ACTION_NAMES as readonly string[]).includes(s);
