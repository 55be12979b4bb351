/**
 * The order service on Hono: Midtrans notifications in, payment answers out, paid orders shipped.
 *
 *   POST /midtrans/notifications   paystate's Fetch API webhook (point Midtrans' notification URL here)
 *   GET  /orders/:id/payment       paid? can ship? what is refundable? (by order_id or transaction_id)
 *
 * `createApp` builds the Hono app and knows nothing of Node's HTTP server: the same app runs on
 * Bun, Deno or a Fetch API platform with its own `serve`. `startApp` serves it on Node.
 *
 * Checkout code records each charge with `paystate.recordCharge(request, response)` right after
 * Midtrans answers `POST /v2/charge`: that opens the order, so its notifications can be verified.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createPaystateAsync, getInMemoryEventStore } from '@paystate/adapters';
import { fetchWebhook } from '@paystate/adapters/fetch';
import { paymentView } from './paymentView.mjs';

const jsonLog = (entry) => console.log(JSON.stringify(entry));

/** A failure's name for logs and answers: a PaystateError's code, never its details (which could name a file or host). */
const codeOf = (e) => (e !== null && typeof e === 'object' && typeof e.code === 'string' ? e.code : 'internal');

/** The Hono app over a paystate instance; `shipments` maps an order id to the change id that shipped it. */
export const createApp = ({ paystate, shipments, log = jsonLog }) => {
  const app = new Hono();
  // The webhook reads the exact bytes Midtrans signed from the request: no body parsing before it.
  const webhook = fetchWebhook(paystate, { onRequest: (entry) => log({ event: 'notification', ...entry }) });
  app.all('/midtrans/notifications', (c) => webhook(c.req.raw));
  app.get('/orders/:id/payment', async (c) => {
    const id = c.req.param('id');
    try {
      const payment = await paystate.payment(id);
      if (payment === undefined) return c.json({ error: 'unknown_order', orderId: id }, 404);
      return c.json(paymentView(payment, shipments.get(payment.orderId) ?? null));
    } catch (e) {
      log({ event: 'payment_failed', orderId: id, error: codeOf(e) });
      return c.json({ error: codeOf(e) }, 503);
    }
  });
  return app;
};

/** Ships paid orders once each: the change id is the idempotency key a warehouse call would carry. */
const fulfilment = ({ shipments, log }) => async (change) => {
  if (change.kind !== 'paid') return;
  if (!change.answers.canShip.value) {
    log({ event: 'held', orderId: change.orderId, reason: change.answers.canShip.reason });
    return;
  }
  if (shipments.has(change.orderId)) return;
  shipments.set(change.orderId, change.id);
  log({ event: 'shipped', orderId: change.orderId, changeId: change.id });
};

/** Starts the service on Node; resolves once it listens. */
export const startApp = async (config, { log = jsonLog, pollIntervalMs, store = getInMemoryEventStore() } = {}) => {
  const paystate = createPaystateAsync({ store, serverKey: config.serverKey });
  const shipments = new Map();
  const app = createApp({ paystate, shipments, log });
  const subscription = paystate.subscribe(fulfilment({ shipments, log }), {
    subscriberId: 'fulfilment',
    ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
    onError: (e) => log({ event: 'fulfilment_retry', error: e?._tag ?? e?.code ?? 'error' }),
  });
  const { server, port } = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => resolve({ server: s, port: info.port }));
    s.once('error', reject);
  });
  return {
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    app,
    paystate,
    shipments,
    /** Stops taking requests and notifications, then closes the store. */
    stop: async () => {
      await new Promise((resolve) => server.close(resolve));
      await subscription.stop();
      await store.close();
    },
  };
};
