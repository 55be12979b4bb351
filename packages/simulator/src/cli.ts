/**
 * The `midtrans-simulator` command: runs the local Midtrans sandbox until SIGINT or SIGTERM and
 * prints where it listens.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSimulator } from './server';

const USAGE = 'usage: midtrans-simulator [--port N] [--host ADDR] [--notify-url URL] [--server-key KEY] [--version]\n';

/** Both src/ and dist/ sit beside the package's package.json. */
const version = (): string => (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

const untilSignal = (): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });

/** Runs the command; resolves once the simulator has stopped (or at once for --version and usage errors). */
export const main = async (argv: readonly string[] = process.argv.slice(2)): Promise<void> => {
  let values: { port?: string; host?: string; 'notify-url'?: string; 'server-key'?: string; version?: boolean; help?: boolean };
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'notify-url': { type: 'string' },
        'server-key': { type: 'string' },
        version: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`midtrans-simulator: ${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (values.version === true) {
    process.stdout.write(`${version()}\n`);
    return;
  }
  if (values.help === true) {
    process.stdout.write(USAGE);
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`midtrans-simulator: --port must be a whole number from 0 to 65535, got "${values.port}"\n`);
    process.exitCode = 2;
    return;
  }
  const serverKey = values['server-key'] ?? process.env['MIDTRANS_SERVER_KEY'] ?? 'SB-Mid-server-TEST';
  const running = await startSimulator({
    serverKey,
    port,
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values['notify-url'] !== undefined ? { notifyUrl: values['notify-url'] } : {}),
  });
  process.stdout.write(`listening on ${running.url}\n`);
  await untilSignal();
  await running.close();
};
