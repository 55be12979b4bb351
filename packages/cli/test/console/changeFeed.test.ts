/**
 * The console's change feed: where the logs end found in a few reads, and a new observation
 * reported to the watchers of its order, whoever recorded it: the same store, or another
 * connection pool on the same PostgreSQL schema (as another `paystate serve` replica would).
 */
import * as E from 'fp-ts/lib/Either.js';
import { createPaystate, getInMemoryEventStore, type EventStore } from '@paystate/adapters';
import { cardOrder, chargeRequest, chargeResponse, notificationBody } from '@paystate/adapters/testing';
import { createChangeFeed, lastPosition } from '../../src/console/changeFeed';
import { dropSchema, freshSchema, openPostgres, postgresSkipReason } from '../../../adapters/test/store/support/postgres';

const KEY = 'SB-Mid-server-feed-test';

test('lastPosition finds the end of a log of any length with O(log n) one-row reads', async () => {
  for (const n of [0, 1, 2, 3, 7, 8, 9, 100, 1000, 12345]) {
    let reads = 0;
    const found = await lastPosition(async (p) => {
      reads += 1;
      return E.right(p < n);
    });
    expect([n, found]).toEqual([n, E.right(n)]);
    expect(reads).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n + 2)) + 2);
  }
});

const seen = (store: EventStore, recorder: EventStore) => async () => {
  const writer = createPaystate({ store: recorder, serverKey: KEY });
  const o = cardOrder('feed', Math.floor(Math.random() * 1e9), KEY);
  const other = cardOrder('feed-other', Math.floor(Math.random() * 1e9), KEY);
  for (const x of [o, other]) {
    for (const line of [chargeRequest(x), chargeResponse(x)]) if (E.isLeft(await writer.ingest(line)())) throw new Error('ingest failed');
  }
  const feed = createChangeFeed(store, { pollMs: 30 });
  const told: string[] = [];
  const w = feed.watch(o.orderId, () => told.push(o.orderId));
  const w2 = feed.watch(other.orderId, () => told.push(other.orderId));
  await Promise.all([w.ready, w2.ready]);
  // What was recorded before the feed knew where the logs end is not reported again.
  await new Promise((r) => setTimeout(r, 100));
  expect(told).toEqual([]);
  const until = async (n: number) => {
    for (let i = 0; i < 100 && told.length < n; i++) await new Promise((r) => setTimeout(r, 20));
  };
  if (E.isLeft(await writer.ingestNotification(notificationBody(o, 'capture'))())) throw new Error('ingest failed');
  await until(1);
  expect(told).toEqual([o.orderId]);
  // Rejected input filed under the order (a malformed status answer, which the order system's own client received) is an observation of it too.
  const rejected = await writer.ingest({ kind: 'status_response', payload: { order_id: o.orderId, transaction_id: o.transactionId, status_code: '200' } })();
  expect(E.isRight(rejected) && rejected.right.outcome).toBe('rejected');
  await until(2);
  expect(told).toEqual([o.orderId, o.orderId]);
  w.stop();
  w2.stop();
  expect(feed.watchers()).toBe(0);
  feed.close();
};

test('an observation recorded in the same store reaches the watchers of its order only', async () => {
  const store = getInMemoryEventStore();
  await seen(store, store)();
});

if (postgresSkipReason !== undefined) console.warn(`PostgreSQL change feed test skipped: ${postgresSkipReason}`);
// Skipped only when the server is unreachable and PAYSTATE_REQUIRE_POSTGRES is not 1 (see the adapters' test/store/support/postgres.ts).
(postgresSkipReason === undefined ? test : test.skip)('an observation recorded through another connection pool on the same PostgreSQL schema reaches the watchers', async () => {
  const schema = freshSchema();
  const reader = await openPostgres(schema);
  const writer = await openPostgres(schema);
  try {
    await seen(reader, writer)();
  } finally {
    await reader.close();
    await writer.close();
    await dropSchema(schema);
  }
}, 20_000);
