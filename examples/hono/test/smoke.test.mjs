/**
 * Smoke test: the service on port 0 with an in-memory store. A charge is recorded, Midtrans'
 * notifications are posted signed with the server key, and the order must end paid, shipped once;
 * the webhook's other answers are checked through Hono's `app.request`, without a socket.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signNotification } from '@paystate/adapters';
import { configFromEnv } from '../src/config.mjs';
import { startApp } from '../src/app.mjs';

const KEY = 'SB-Mid-server-HONO-SMOKE';
const ORDER = 'hono-order-1';
const TX = '0e4c2a51-7d1b-4f3a-9c6e-000000000002';

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
const notification = (transaction_status, extra = {}, key = KEY) =>
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
    key,
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

test('a paid order is answered paid and shipped exactly once; the webhook answers as Midtrans expects', { timeout: 60_000 }, async () => {
  const config = configFromEnv({ PORT: '0', HOST: '127.0.0.1', MIDTRANS_SERVER_KEY: KEY });
  const log = [];
  const app = await startApp(config, { log: (entry) => log.push(entry), pollIntervalMs: 20 });
  try {
    const post = async (body) => {
      const res = await fetch(`${app.url}/midtrans/notifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    };
    const payment = async () => {
      const res = await fetch(`${app.url}/orders/${ORDER}/payment`);
      return { status: res.status, body: await res.json() };
    };

    assert.equal((await payment()).status, 404, 'unknown before the charge is recorded');
    const early = await post(notification('capture', { order_id: 'hono-never-opened', transaction_id: '0e4c2a51-7d1b-4f3a-9c6e-0000000000ff' }));
    assert.deepEqual([early.status, early.body.error], [404, 'unknown_order'], 'Midtrans retries a notification whose charge is not recorded yet');

    const charged = await app.paystate.recordCharge(chargeRequest, chargeResponse);
    assert.equal(charged.outcome, 'applied');

    const capture = notification('capture');
    const first = await post(capture);
    const again = await post(capture);
    assert.deepEqual([first.status, first.body.outcome], [200, 'applied']);
    assert.deepEqual([again.status, again.body.outcome], [200, 'duplicate'], 'the same notification twice');

    const shipped = await waitFor('the shipment', async () => {
      const { body } = await payment();
      return body.shipped !== null ? body : undefined;
    });
    assert.equal(shipped.paid, true);
    assert.equal(shipped.canShip, true, shipped.reasons.canShip);
    assert.equal(shipped.transactionStatus, 'capture');

    const settled = await post(notification('settlement', { settlement_time: '2024-05-15 16:00:00' }));
    assert.deepEqual([settled.status, settled.body.outcome], [200, 'applied']);
    const after = (await payment()).body;
    assert.equal(after.transactionStatus, 'settlement');
    assert.equal(after.refundable, '145000.00');
    assert.equal(after.refundableMinor, 14_500_000);

    const forged = await post(notification('refund', { refund_amount: '145000.00' }, 'SB-Mid-server-SOMEONE-ELSE'));
    assert.deepEqual([forged.status, forged.body.field], [401, 'signature_key'], 'a wrong signature is refused');
    const notJson = await post('{"order_id": ');
    assert.deepEqual([notJson.status, notJson.body.field], [400, 'body']);
    assert.equal((await payment()).body.transactionStatus, 'settlement', 'and changes nothing');

    // Without a socket: Hono's app.request reaches the same handler.
    const big = await app.app.request('/midtrans/notifications', { method: 'POST', body: 'x'.repeat(65 * 1024) });
    assert.equal(big.status, 413);
    const get = await app.app.request('/midtrans/notifications');
    assert.deepEqual([get.status, get.headers.get('allow')], [405, 'POST']);

    await new Promise((r) => setTimeout(r, 300));
    assert.equal(log.filter((e) => e.event === 'shipped').length, 1, JSON.stringify(log));
    assert.ok(log.some((e) => e.event === 'notification' && e.status === 200 && e.outcome === 'applied'));
    assert.ok(!JSON.stringify(log).includes(KEY), 'the server key is never logged');
  } finally {
    await app.stop();
  }
});
