/**
 * The service's settings, from the environment. The server key is required and never printed.
 */

const port = (value, fallback) => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`PORT must be a whole number from 0 to 65535, got "${value}"`);
  return n;
};

/** Reads PORT, HOST and MIDTRANS_SERVER_KEY; throws with a sentence naming what is wrong. */
export const configFromEnv = (env) => {
  const serverKey = env.MIDTRANS_SERVER_KEY;
  if (serverKey === undefined || serverKey === '') throw new Error('MIDTRANS_SERVER_KEY is not set (your Midtrans server key, sandbox or production)');
  return {
    port: port(env.PORT, 3000),
    host: env.HOST || '127.0.0.1',
    serverKey,
  };
};
