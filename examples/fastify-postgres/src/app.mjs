/**
 * The order service: Midtrans notifications in, payment answers out, paid orders shipped.
 *
 *   POST /midtrans/notifications   paystate's Fastify plugin (point Midtrans' notification URL here)
 *   GET  /orders/:id/payment       paid? can ship? what is refundable? (by order_id or transaction_id)
 *
 * Checkout code records each charge with `paystate.recordCharge(request, response)` right after
 * Midtrans answers `POST /v2/charge`: that opens the order, so its notifications can be verified.
 * Several instances can run against one database: paystate's appends are checked against the
 * stream's version, and the shipments table is keyed by the change id.
 */
import Fastify from 'fastify';
import { createPaystateAsync } from '@paystate/adapters';
import { fastifyWebhook } from '@paystate/adapters/fastify';
import { openPostgresEventStore } from '@paystate/adapters/postgres';
import { createFulfilment } from './fulfilment.mjs';
import { paymentView } from './paymentView.mjs';
import { openShipments } from './shipments.mjs';

const jsonLog = (entry) => console.log(JSON.stringify(entry));

/** A failure's name for logs and answers: a PaystateError's code, never its details (which could name a host). */
const codeOf = (e) => (e !== null && typeof e === 'object' && typeof e.code === 'string' ? e.code : 'internal');

/** Starts the service; resolves once it listens. */
export const startApp = async (config, { log = jsonLog, pollIntervalMs } = {}) => {
  const store = await openPostgresEventStore({ connectionString: config.databaseUrl, schema: config.schema });
  const paystate = createPaystateAsync({ store, serverKey: config.serverKey });
  let shipments;
  try {
    shipments = await openShipments({ connectionString: config.databaseUrl, schema: config.schema });
  } catch (e) {
    await store.close();
    throw e;
  }

  const app = Fastify();
  // The plugin reads the raw body itself; it replaces the body parsers of its own context only.
  await app.register(fastifyWebhook, { paystate, path: '/midtrans/notifications' });
  app.get('/orders/:id/payment', async (request, reply) => {
    const { id } = request.params;
    try {
      const payment = await paystate.payment(id);
      if (payment === undefined) return reply.code(404).send({ error: 'unknown_order', orderId: id });
      return paymentView(payment, await shipments.forOrder(payment.orderId));
    } catch (e) {
      log({ event: 'payment_failed', orderId: id, error: codeOf(e) });
      return reply.code(503).send({ error: codeOf(e) });
    }
  });

  const subscription = paystate.subscribe(createFulfilment({ shipments, log }), {
    subscriberId: 'fulfilment',
    ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
    onError: (e) => log({ event: 'fulfilment_retry', error: e?._tag ?? e?.code ?? 'error' }),
  });

  await app.listen({ port: config.port, host: config.host });
  const { port } = app.server.address();
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;

  return {
    url: `http://${host}:${port}`,
    paystate,
    shipments,
    /** Stops taking requests and notifications, then closes the pools. */
    stop: async () => {
      await app.close();
      await subscription.stop();
      await store.close();
      await shipments.close();
    },
  };
};
