/** Midtrans' clock: times are written in GMT+7 as `2024-05-14 10:25:20`. */

/** GMT+7, Midtrans' (Jakarta's) offset, in milliseconds. */
export const GMT7_OFFSET_MS = 7 * 3600_000;

/** Epoch milliseconds → Midtrans time (GMT+7). */
export const formatMidtransTime = (ms: number): string => {
  const d = new Date(ms + GMT7_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
};

/** Epoch milliseconds → ISO 8601 (UTC), for the simulator's own logs and control endpoints. */
export const isoTime = (ms: number): string => new Date(ms).toISOString();
