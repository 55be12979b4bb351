/**
 * The service's own record of shipments, one row per business change it acted on. The change id
 * is the primary key, so recording the same change twice (a redelivery after a crash) is a no-op.
 */
import Database from 'better-sqlite3';

export const openShipments = (filename) => {
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE IF NOT EXISTS shipments (
    change_id  TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL,
    shipped_at TEXT NOT NULL
  )`);
  const insert = db.prepare('INSERT OR IGNORE INTO shipments (change_id, order_id, shipped_at) VALUES (?, ?, ?)');
  const byOrder = db.prepare('SELECT change_id AS changeId, order_id AS orderId, shipped_at AS shippedAt FROM shipments WHERE order_id = ? ORDER BY shipped_at');
  return {
    /** Resolves to true when this change was not recorded before. */
    record: async (changeId, orderId, at) => insert.run(changeId, orderId, at).changes === 1,
    forOrder: async (orderId) => byOrder.all(orderId),
    close: async () => db.close(),
  };
};
