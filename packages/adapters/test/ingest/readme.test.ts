/** The README's Express example, run as written against a temporary SQLite file. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createPaystate, signNotification, type BusinessChange } from '../../src/index';
import { getSqliteEventStore } from '../../src/sqlite';

const KEY = 'SB-Mid-server-TEST';
const README = readFileSync(join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');

test('the README shows this example', () => {
  expect(README).toContain("app.post('/midtrans/notifications', express.text({ type: '*/*', limit: '64kb' }), async (req, res) => {");
  expect(README).toContain('const r = await paystate.ingestNotification(req.body)();');
});

test('the README Express app records a signed notification and answers payment questions', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'paystate-readme-'));
  process.env['MIDTRANS_SERVER_KEY'] = KEY;
  const shipped: string[] = [];
  const shipOrNotify = async (change: BusinessChange) => void shipped.push(change.id);
  // --- as in the README ---
  const store = getSqliteEventStore({ filename: join(dir, 'payments.db') });
  if (store._tag === 'Left') throw new Error(store.left._tag);
  const paystate = createPaystate({ store: store.right, serverKey: process.env.MIDTRANS_SERVER_KEY! });
  const app = express();
  app.post('/midtrans/notifications', express.text({ type: '*/*', limit: '64kb' }), async (req, res) => {
    const r = await paystate.ingestNotification(req.body)();
    if (r._tag === 'Left') return res.status(503).end();
    res.status(r.right.outcome === 'rejected' ? 400 : 200).json({ outcome: r.right.outcome });
  });
  app.get('/orders/:id/payment', async (req, res) => {
    const p = await paystate.payment(req.params.id)();
    res.json(p._tag === 'Right' ? (p.right?.answers ?? null) : null);
  });
  const sub = paystate.subscribe(async (change) => shipOrNotify(change), { subscriberId: 'fulfilment', pollIntervalMs: 5 });
  // --- end ---
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await paystate.recordCharge(
      { payment_type: 'credit_card', transaction_details: { order_id: 'readme-1', gross_amount: 145000 } },
      {
        status_code: '201',
        status_message: 'Success, Credit Card transaction is successful',
        transaction_id: 'tx-readme-1',
        order_id: 'readme-1',
        gross_amount: '145000.00',
        transaction_time: '2024-05-14 10:15:20',
        transaction_status: 'pending',
        fraud_status: 'accept',
        payment_type: 'credit_card',
      },
    )();
    const body = signNotification(
      {
        transaction_status: 'capture',
        transaction_id: 'tx-readme-1',
        status_code: '200',
        order_id: 'readme-1',
        gross_amount: '145000.00',
        fraud_status: 'accept',
        transaction_time: '2024-05-14 10:15:20',
        payment_type: 'credit_card',
      },
      KEY,
    );
    const post = await fetch(`${base}/midtrans/notifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect([post.status, await post.json()]).toEqual([200, { outcome: 'applied' }]);
    const forged = await fetch(`${base}/midtrans/notifications`, { method: 'POST', body: JSON.stringify({ ...body, signature_key: '0'.repeat(128) }) });
    expect(forged.status).toBe(400);
    const answers = (await (await fetch(`${base}/orders/readme-1/payment`)).json()) as { paid: { value: boolean }; canShip: { value: boolean } };
    expect(answers.paid.value).toBe(true);
    expect(answers.canShip.value).toBe(true); // the forged notification leaves the order untouched
    await sub.caughtUp();
    await sub.caughtUp();
    expect(shipped).toEqual(['readme-1@3:paid']);
  } finally {
    await sub.stop();
    await new Promise((r) => server.close(r));
    await paystate.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
