/**
 * The service's settings, from the environment. The server key is required and never printed;
 * neither is the database URL (it may hold a password).
 */

const port = (value, fallback) => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`PORT must be a whole number from 0 to 65535, got "${value}"`);
  return n;
};

/** Reads PORT, HOST, MIDTRANS_SERVER_KEY, DATABASE_URL and PAYSTATE_SCHEMA; throws with a sentence naming what is wrong. */
export const configFromEnv = (env) => {
  const serverKey = env.MIDTRANS_SERVER_KEY;
  if (serverKey === undefined || serverKey === '') throw new Error('MIDTRANS_SERVER_KEY is not set (your Midtrans server key, sandbox or production)');
  const databaseUrl = env.DATABASE_URL;
  if (databaseUrl === undefined || databaseUrl === '') throw new Error('DATABASE_URL is not set (postgres://user:password@host:5432/database)');
  const schema = env.PAYSTATE_SCHEMA || 'paystate';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) throw new Error(`PAYSTATE_SCHEMA must be a plain identifier (letters, digits, _), got "${schema}"`);
  return {
    port: port(env.PORT, 3000),
    host: env.HOST || '0.0.0.0',
    serverKey,
    databaseUrl,
    /** The schema for paystate's tables and this service's shipments; created if missing. */
    schema,
  };
};
