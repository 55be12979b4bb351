/** `npm start`: the order service, configured from the environment (see README.md). */
import { configFromEnv } from './config.mjs';
import { startApp } from './app.mjs';

let config;
try {
  config = configFromEnv(process.env);
} catch (e) {
  console.error(`order service: ${e.message}`);
  process.exit(2);
}

const app = await startApp(config);
console.log(JSON.stringify({ event: 'listening', url: app.url, notifications: `${app.url}/midtrans/notifications` }));

const shutdown = () => {
  app.stop().then(
    () => process.exit(0),
    (e) => {
      console.error(`order service: ${e.message}`);
      process.exit(1);
    },
  );
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
