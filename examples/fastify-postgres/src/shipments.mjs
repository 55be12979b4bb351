/**
 * The service's own record of shipments, one row per business change it acted on. The change id
 * is the primary key, so recording the same change twice (a redelivery after a crash, or another
 * instance of the service handling it) is a no-op.
 */
import pg from 'pg';

export const openShipments = async ({ connectionString, schema }) => {
  const pool = new pg.Pool({ connectionString, max: 2 });
  const table = `"${schema}".order_shipments`; // schema is checked to be a plain identifier in config.mjs
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (
    change_id  text PRIMARY KEY,
    order_id   text NOT NULL,
    shipped_at timestamptz NOT NULL
  )`);
  return {
    /** Resolves to true when this change was not recorded before. */
    record: async (changeId, orderId, at) =>
      (await pool.query(`INSERT INTO ${table} (change_id, order_id, shipped_at) VALUES ($1, $2, $3) ON CONFLICT (change_id) DO NOTHING`, [changeId, orderId, at])).rowCount === 1,
    forOrder: async (orderId) =>
      (
        await pool.query(`SELECT change_id AS "changeId", order_id AS "orderId", shipped_at AS "shippedAt" FROM ${table} WHERE order_id = $1 ORDER BY shipped_at`, [orderId])
      ).rows,
    close: () => pool.end(),
  };
};
