/**
 * Smoke test: the service on port 0 with a temporary store. A charge is recorded, Midtrans'
 * notifications are posted signed with the server key, and the order must end paid, shipped once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { signNotification } from '@paystate/adapters';
import { configFromEnv } from '../src/config.mjs';
import { startApp } from '../src/app.mjs';

const KEY = 'SB-Mid-server-SMOKE';
const ORDER = 'smoke-order-1';
const TX = '0e4c2a51-7d1b-4f3a-9c6e-000000000001';

/** The charge as Midtrans documents it for a 3DS card: request, then the 201 pending answer. */
const chargeRequest = {
  payment_type: 'credit_card',
  transaction_details: { order_id: ORDER, gross_amount: 145000 },
  credit_card: { token_id: '481111-1114-a901971f-2f1b-4781-802a-df326fbf0e9c', authentication: true },
};
const chargeResponse = {
  status_code: '201',
  status_message: 'Success, Credit Card transaction is successful',
  transaction_id: TX,
  order_id: ORDER,
  gross_amount: '145000.00',
  currency: 'IDR',
  payment_type: 'credit_card',
  transaction_time: '2024-05-14 10:15:20',
  transaction_status: 'pending',
  fraud_status: 'accept',
  expiry_time: '2024-05-14 10:25:20',
};
const notification = (transaction_status, extra = {}) =>
  signNotification(
    {
      transaction_time: '2024-05-14 10:15:20',
      transaction_status,
      transaction_id: TX,
      status_message: 'midtrans payment notification',
      status_code: '200',
      payment_type: 'credit_card',
      order_id: ORDER,
      gross_amount: '145000.00',
      currency: 'IDR',
      fraud_status: 'accept',
      ...extra,
    },
    KEY,
  );

const waitFor = async (what, check, ms = 10_000) => {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

test('a paid order is answered paid and shipped exactly once', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'paystate-express-sqlite-'));
  const config = configFromEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    MIDTRANS_SERVER_KEY: KEY,
    PAYSTATE_DB: join(dir, 'payments.db'),
    SHIPMENTS_DB: join(dir, 'shipments.db'),
  });
  const log = [];
  const app = await startApp(config, { log: (entry) => log.push(entry), pollIntervalMs: 20 });
  try {
    const post = async (body) => {
      const res = await fetch(`${app.url}/midtrans/notifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    };
    const payment = async () => {
      const res = await fetch(`${app.url}/orders/${ORDER}/payment`);
      return { status: res.status, body: await res.json() };
    };

    assert.equal((await payment()).status, 404, 'unknown before the charge is recorded');
    const charged = await app.paystate.recordCharge(chargeRequest, chargeResponse);
    assert.equal(charged.outcome, 'applied');

    const capture = notification('capture');
    const first = await post(capture);
    const again = await post(capture);
    assert.deepEqual([first.status, first.body.outcome], [200, 'applied']);
    assert.deepEqual([again.status, again.body.outcome], [200, 'duplicate'], 'the same notification twice');

    const shipped = await waitFor('the shipment', async () => {
      const { body } = await payment();
      return body.shipments?.length > 0 ? body : undefined;
    });
    assert.equal(shipped.paid, true);
    assert.equal(shipped.canShip, true, shipped.reasons.canShip);
    assert.equal(shipped.transactionStatus, 'capture');

    const settled = await post(notification('settlement', { settlement_time: '2024-05-15 16:00:00' }));
    assert.deepEqual([settled.status, settled.body.outcome], [200, 'applied']);
    const after = (await payment()).body;
    assert.equal(after.transactionStatus, 'settlement');
    assert.equal(after.paid, true);
    assert.equal(after.refundable, '145000.00');
    assert.equal(after.refundableMinor, 14_500_000);

    const forged = await post({ ...notification('refund', { refund_amount: '145000.00' }), signature_key: '0'.repeat(128) });
    assert.equal(forged.status, 401, 'a wrong signature is refused');
    assert.equal((await payment()).body.transactionStatus, 'settlement', 'and changes nothing');

    // Settlement is no new "paid": give the subscriber time to see it, then count.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(log.filter((e) => e.event === 'shipped').length, 1, JSON.stringify(log));
    assert.deepEqual(
      (await payment()).body.shipments.map((s) => s.changeId),
      [log.find((e) => e.event === 'shipped').changeId],
    );
  } finally {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
