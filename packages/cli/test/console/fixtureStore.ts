/**
 * A fixed store for the console's screenshots and their drift test: scenarios from the corpus
 * recorded with a clock that steps one minute per observation, read by a console whose clock is
 * fixed, so the same code always draws the same pages.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { createPaystate, getInMemoryEventStore, type EventStore, type RawObservation } from '@paystate/adapters';
import { createPaymentConsole } from '../../src/console/paymentConsole';

const CORPUS = join(__dirname, '..', '..', '..', '..', 'corpus');

/** Scenario files, and how many of their events to record (a challenge left open needs review). */
const SCENARIOS: readonly (readonly [string, number?])[] = [
  ['60-charge-request-3ds-capture-settlement.json'],
  ['61-charge-request-amount-mismatch.json'],
  ['62-pending-provisional-challenge-approve.json', 2],
  ['70-pending-expire-deadline-status.json', 1],
  ['75-authorize-expire-after-deadline.json', 1],
  ['86-capture-accept-deny-inferred-reversal.json'],
  ['89-partial-then-full-refund.json'],
  ['96-status-code-mismatch.json'],
  ['98-forged-and-unsigned.json'],
  ['107-partial-refunds-reach-amount.json'],
];

/** The order the order page screenshot shows. */
export const FIXTURE_ORDER = 'own-60-charge-request-3ds';
/** The console's clock: after every deadline the scenarios plan. */
export const FIXTURE_NOW = new Date('2024-07-20T00:00:00.000Z');
export const FIXTURE_TOKEN = 'fixture-read-token-0123456789';

export const buildFixtureStore = async (): Promise<EventStore> => {
  let t = Date.parse('2024-06-01T00:00:00.000Z');
  const clock = () => new Date((t += 60_000));
  const store = getInMemoryEventStore({ clock: () => new Date(t) });
  for (const [file, take] of SCENARIOS) {
    const scenario = JSON.parse(readFileSync(join(CORPUS, file), 'utf8')) as { server_key: string; events: RawObservation[] };
    const paystate = createPaystate({ store, serverKey: scenario.server_key, clock });
    for (const line of scenario.events.slice(0, take)) {
      const r = await paystate.ingest(line)();
      if (E.isLeft(r)) throw new Error(`${file}: ${JSON.stringify(r.left)}`);
    }
  }
  return store;
};

/** The pages the screenshots show: their console paths and the files they are written to under docs/. */
export const FIXTURE_PAGES = [
  { path: '/console/?list=reconciliation', name: 'console-attention' },
  { path: `/console/orders/${FIXTURE_ORDER}`, name: 'console-order' },
] as const;

/** The fixture served by a console on a free port of 127.0.0.1. */
export const serveFixture = async (): Promise<{ readonly url: string; readonly close: () => Promise<void> }> => {
  const store = await buildFixtureStore();
  const app = createPaymentConsole({ store, token: FIXTURE_TOKEN, clock: () => FIXTURE_NOW });
  const server: Server = createServer(app.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      app.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await store.close();
    },
  };
};

/** A page's HTML as the docs keep it: line ends trimmed. */
export const normaliseHtml = (html: string): string => html.replace(/[ \t]+$/gm, '').replace(/\n+$/, '\n');

/** The fixture page's HTML, as the console serves it now. */
export const fetchFixturePage = async (url: string, path: string): Promise<string> => {
  const r = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${FIXTURE_TOKEN}` } });
  if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
  return normaliseHtml(await r.text());
};
