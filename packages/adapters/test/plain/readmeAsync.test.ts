/**
 * The README-style Express app on the Promise API, against a temporary SQLite file: a signed
 * notification goes in over HTTP and the order comes out paid; a forged one is refused; a store
 * that fails answers 503. The framework handlers and the server take the Promise API as well.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { isPaid } from '@paystate/engine';
import { createPaystateAsync, createPaystateServer, listen, PaystateError, signNotification, stopServer, type BusinessChange } from '../../src/index';
import { expressWebhook } from '../../src/express';
import { fastifyWebhook } from '../../src/fastify';
import { openSqliteEventStore } from '../../src/sqlite';
import { cardOrder, chargeRequest, chargeResponse, notificationBody } from '../../src/midtrans/fixtures';

const KEY = 'SB-Mid-server-README-ASYNC';

const charge = {
  request: { payment_type: 'credit_card', transaction_details: { order_id: 'readme-async-1', gross_amount: 145000 } },
  response: {
    status_code: '201',
    status_message: 'Success, Credit Card transaction is successful',
    transaction_id: 'tx-readme-async-1',
    order_id: 'readme-async-1',
    gross_amount: '145000.00',
    transaction_time: '2024-05-14 10:15:20',
    transaction_status: 'pending',
    fraud_status: 'accept',
    payment_type: 'credit_card',
  },
};

const capture = signNotification(
  {
    transaction_status: 'capture',
    transaction_id: 'tx-readme-async-1',
    status_code: '200',
    order_id: 'readme-async-1',
    gross_amount: '145000.00',
    fraud_status: 'accept',
    transaction_time: '2024-05-14 10:15:20',
    payment_type: 'credit_card',
  },
  KEY,
);

const listening = (app: express.Express): Promise<Server> =>
  new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
const baseOf = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
const close = (s: Server) => new Promise((r) => s.close(r));

test('the README Express app on the Promise API takes a signed notification to isPaid', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'paystate-readme-async-'));
  process.env['MIDTRANS_SERVER_KEY'] = KEY;
  const shipped: string[] = [];
  const shipOrNotify = async (change: BusinessChange) => void shipped.push(change.id);
  // --- as a README would show it ---
  const paystate = createPaystateAsync({
    store: openSqliteEventStore({ filename: join(dir, 'payments.db') }),
    serverKey: process.env.MIDTRANS_SERVER_KEY!,
  });
  const app = express();
  app.post('/midtrans/notifications', express.text({ type: '*/*', limit: '64kb' }), async (req, res) => {
    try {
      const r = await paystate.ingestNotification(req.body as string);
      res.status(r.outcome === 'rejected' ? 400 : 200).json({ outcome: r.outcome });
    } catch (e) {
      if (e instanceof PaystateError) return res.status(503).json({ error: e.code });
      throw e;
    }
  });
  app.get('/orders/:id/paid', async (req, res) => {
    const payment = await paystate.payment(req.params.id);
    res.json({ paid: isPaid(payment?.state).value, canShip: payment?.answers.canShip.value ?? false });
  });
  const sub = paystate.subscribe(async (change) => shipOrNotify(change), { subscriberId: 'fulfilment', pollIntervalMs: 5 });
  // --- end ---
  const server = await listening(app);
  const base = baseOf(server);
  try {
    await paystate.recordCharge(charge.request, charge.response);
    expect(await (await fetch(`${base}/orders/readme-async-1/paid`)).json()).toEqual({ paid: false, canShip: false });
    const post = await fetch(`${base}/midtrans/notifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(capture) });
    expect([post.status, await post.json()]).toEqual([200, { outcome: 'applied' }]);
    expect(await (await fetch(`${base}/orders/readme-async-1/paid`)).json()).toEqual({ paid: true, canShip: true });
    const forged = await fetch(`${base}/midtrans/notifications`, { method: 'POST', body: JSON.stringify({ ...capture, signature_key: '0'.repeat(128) }) });
    expect([forged.status, await forged.json()]).toEqual([400, { outcome: 'rejected' }]);
    // the forged notification leaves the order untouched
    expect(await (await fetch(`${base}/orders/readme-async-1/paid`)).json()).toEqual({ paid: true, canShip: true });
    await sub.caughtUp();
    await sub.caughtUp();
    expect(shipped).toEqual(['readme-async-1@3:paid']);
    // A store that fails: the route's catch answers 503 with the error's code.
    await paystate.fp.store.close();
    const down = await fetch(`${base}/midtrans/notifications`, { method: 'POST', body: JSON.stringify(capture) });
    expect([down.status, await down.json()]).toEqual([503, { error: 'StoreUnavailable' }]);
  } finally {
    await sub.stop();
    await close(server);
    await paystate.fp.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('the webhook handlers take the Promise API', () => {
  const post = (base: string, path: string, body: string) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  test('expressWebhook, fastifyWebhook and createPaystateServer answer from the one table', async () => {
    const paystate = createPaystateAsync({ store: openSqliteEventStore({ filename: ':memory:' }), serverKey: KEY });
    const orders = [1, 2, 3].map((i) => cardOrder('async-webhook', i, KEY));
    for (const o of orders) await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload);
    const app = express();
    app.all('/notifications', expressWebhook(paystate));
    const viaExpress = await listening(app);
    const fastify = Fastify();
    await fastify.register(fastifyWebhook, { paystate });
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    const node = createPaystateServer(paystate);
    const nodePort = await listen(node, 0, '127.0.0.1');
    if (nodePort._tag === 'Left') throw nodePort.left;
    try {
      const bases = [baseOf(viaExpress), baseOf(fastify.server as Server), `http://127.0.0.1:${nodePort.right}`];
      for (const [i, base] of bases.entries()) {
        const o = orders[i]!;
        const ok = await post(base, '/notifications', notificationBody(o, 'capture'));
        expect([ok.status, ((await ok.json()) as { outcome: string }).outcome]).toEqual([200, 'applied']);
        const forged = await post(base, '/notifications', notificationBody({ ...o, serverKey: 'SB-Mid-server-OTHER' }, 'settlement'));
        expect(forged.status).toBe(401);
        expect((await paystate.payment(o.orderId))?.answers.paid.value).toBe(true);
      }
      expect((await fetch(`${bases[2]}/health`)).status).toBe(200);
    } finally {
      await close(viaExpress);
      await fastify.close();
      await stopServer(node, 1_000);
      await paystate.fp.close();
    }
  });
});
