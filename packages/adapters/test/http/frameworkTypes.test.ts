/**
 * The Express handler and the Fastify plugin are typed structurally (paystate imports neither
 * framework); this file is compiled by `tsc` against the real Express 5 and Fastify 5 types, so it
 * proves they accept them where they accept their own handlers and plugins. The `@ts-expect-error`
 * lines prove the structural types still refuse what would not work. The tests then mount them.
 */
import express, { type RequestHandler } from 'express';
import Fastify, { type FastifyInstance, type FastifyPluginCallback } from 'fastify';
import { createPaystate, createPaystateAsync, type Paystate, type PaystateAsync } from '../../src/index';
import { expressWebhook, type ExpressWebhookHandler } from '../../src/express';
import { fastifyWebhook, type FastifyWebhookInstance, type FastifyWebhookOptions } from '../../src/fastify';
import { getInMemoryEventStore } from '../../src/store/index';

const KEY = 'SB-Mid-server-FRAMEWORK-TYPES';

// -------------------------------------------------------------------------------------------------
// type level (checked by tsc)
// -------------------------------------------------------------------------------------------------

/** Mounts the handler the ways the docs show; type errors here are what the file exists for. */
const mountExpress = (fp: Paystate, plain: PaystateAsync): express.Express => {
  const app = express();
  app.all('/notifications', expressWebhook(fp));
  app.all('/plain', expressWebhook(plain, { maxBodyBytes: 1024 }));
  app.post('/raw', express.raw({ type: '*/*' }), expressWebhook(plain));
  app.use('/mounted', expressWebhook(fp));
  const asExpressHandler: RequestHandler = expressWebhook(fp);
  app.all('/again', asExpressHandler);
  return app;
};

const mountFastify = async (fp: Paystate, plain: PaystateAsync): Promise<FastifyInstance> => {
  const app = Fastify();
  await app.register(fastifyWebhook, { paystate: fp });
  await app.register(fastifyWebhook, { paystate: plain, path: '/plain', maxBodyBytes: 1024, prefix: '/v1' });
  const asPlugin: FastifyPluginCallback<FastifyWebhookOptions> = fastifyWebhook;
  await app.register(asPlugin, { paystate: fp, path: '/again' });
  // A real instance is what the plugin's parameter describes.
  const instance: FastifyWebhookInstance = app;
  void instance;
  return app;
};

/** What the structural types refuse (compiled, never run). */
export const refused = async (fp: Paystate): Promise<void> => {
  // @ts-expect-error the handler needs a paystate
  express().all('/nothing', expressWebhook({}));
  // @ts-expect-error an Express handler is not a Fastify plugin
  await Fastify().register(expressWebhook(fp));
  // @ts-expect-error the plugin's options need a paystate
  await Fastify().register(fastifyWebhook, { path: '/nothing' });
  // @ts-expect-error a Fastify plugin is not an Express handler
  express().all('/fastify', fastifyWebhook);
};

/** What a handler is, spelled without Express. */
const handlerShape: ExpressWebhookHandler = expressWebhook(createPaystate({ store: getInMemoryEventStore(), serverKey: KEY }));

// -------------------------------------------------------------------------------------------------
// run time
// -------------------------------------------------------------------------------------------------

describe('mounted in the real frameworks', () => {
  const fp = createPaystate({ store: getInMemoryEventStore(), serverKey: KEY });
  const plain = createPaystateAsync({ store: getInMemoryEventStore(), serverKey: KEY });

  test('Express routes each path to the handler', () => {
    const app = mountExpress(fp, plain);
    const router = (app as unknown as { router: { stack: { route?: { path: string } }[] } }).router;
    const paths = router.stack.flatMap((layer) => (layer.route !== undefined ? [layer.route.path] : []));
    expect(paths).toEqual(expect.arrayContaining(['/notifications', '/plain', '/raw', '/again']));
    expect(handlerShape).toHaveLength(3);
  });

  test('Fastify registers the routes, each in its own context', async () => {
    const app = await mountFastify(fp, plain);
    await app.ready();
    try {
      expect(app.hasRoute({ method: 'POST', url: '/notifications' })).toBe(true);
      expect(app.hasRoute({ method: 'POST', url: '/v1/plain' })).toBe(true);
      expect(app.hasRoute({ method: 'GET', url: '/v1/plain' })).toBe(true);
      expect(app.hasRoute({ method: 'POST', url: '/again' })).toBe(true);
    } finally {
      await app.close();
    }
  });
});
