/**
 * The order service: Midtrans notifications in, payment answers out, paid orders shipped.
 *
 *   POST /midtrans/notifications   paystate's Express handler (point Midtrans' notification URL here)
 *   GET  /orders/:id/payment       paid? can ship? what is refundable? (by order_id or transaction_id)
 *
 * Checkout code records each charge with `paystate.recordCharge(request, response)` right after
 * Midtrans answers `POST /v2/charge`: that opens the order, so its notifications can be verified.
 */
import { createServer } from 'node:http';
import express from 'express';
import { createPaystateAsync } from '@paystate/adapters';
import { expressWebhook } from '@paystate/adapters/express';
import { openSqliteEventStore } from '@paystate/adapters/sqlite';
import { createFulfilment } from './fulfilment.mjs';
import { paymentView } from './paymentView.mjs';
import { openShipments } from './shipments.mjs';

const jsonLog = (entry) => console.log(JSON.stringify(entry));

/** A failure's name for logs and answers: a PaystateError's code, never its details (which could name a file or host). */
const codeOf = (e) => (e !== null && typeof e === 'object' && typeof e.code === 'string' ? e.code : 'internal');

/** Starts the service; resolves once it listens. */
export const startApp = async (config, { log = jsonLog, pollIntervalMs } = {}) => {
  const store = openSqliteEventStore({ filename: config.paystateDb });
  const paystate = createPaystateAsync({ store, serverKey: config.serverKey });
  const shipments = openShipments(config.shipmentsDb);

  const app = express();
  // The webhook reads the exact bytes Midtrans signed: mount it before any body parser.
  app.post('/midtrans/notifications', expressWebhook(paystate));
  app.get('/orders/:id/payment', async (req, res) => {
    try {
      const payment = await paystate.payment(req.params.id);
      if (payment === undefined) return res.status(404).json({ error: 'unknown_order', orderId: req.params.id });
      res.json(paymentView(payment, await shipments.forOrder(payment.orderId)));
    } catch (e) {
      log({ event: 'payment_failed', orderId: req.params.id, error: codeOf(e) });
      res.status(503).json({ error: codeOf(e) });
    }
  });

  const subscription = paystate.subscribe(createFulfilment({ shipments, log }), {
    subscriberId: 'fulfilment',
    ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
    onError: (e) => log({ event: 'fulfilment_retry', error: e?._tag ?? e?.code ?? 'error' }),
  });

  const server = createServer(app);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address();
  const host = config.host === undefined || config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;

  return {
    url: `http://${host}:${port}`,
    paystate,
    shipments,
    /** Stops taking requests and notifications, then closes the stores. */
    stop: async () => {
      await new Promise((resolve) => server.close(resolve));
      await subscription.stop();
      await store.close();
      await shipments.close();
    },
  };
};
