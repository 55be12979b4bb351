/**
 * The attention lists' fulfilment list and counts: paid orders the fulfilment subscriber's
 * checkpoint has not reached, and each list's count equal to the orders its pages list.
 */
import * as E from 'fp-ts/lib/Either.js';
import { createPaystate, getInMemoryEventStore } from '../../src/index';
import { createAttentionLists, ATTENTION_LISTS } from '../../src/read/index';
import { cardOrder, chargeRequest, chargeResponse, notificationBody } from '../../src/midtrans/fixtures';

const KEY = 'SB-Mid-server-fulfilment';

test('paid orders are listed until the fulfilment subscriber has handled them; counts match the pages', async () => {
  const store = getInMemoryEventStore();
  const paystate = createPaystate({ store, serverKey: KEY });
  const orders = [1, 2, 3].map((n) => cardOrder('fulfil', n, KEY));
  for (const o of orders) {
    for (const line of [chargeRequest(o), chargeResponse(o)]) expect(E.isRight(await paystate.ingest(line)())).toBe(true);
  }
  // Orders 1 and 2 are paid; 3 stays pending.
  for (const o of orders.slice(0, 2)) expect(E.isRight(await paystate.ingestNotification(notificationBody(o, 'capture'))())).toBe(true);
  const lists = createAttentionLists(store, () => new Date('2024-05-14T03:00:00Z'), { fulfilmentSubscriber: 'shipping' });
  const ids = async () => {
    const page = await lists.page('fulfilment', { limit: 100 });
    if (E.isLeft(page)) throw new Error('page failed');
    return page.right.items.map((i) => i.order_id);
  };
  expect(await ids()).toEqual(['fulfil-1', 'fulfil-2']);
  // The subscriber handled everything up to order 1's payment.
  const events = await store.readAll({})();
  if (E.isLeft(events)) throw new Error('read failed');
  const paidOne = events.right.find((e) => e.streamId === 'order:fulfil-1' && e.version === 3)!;
  expect(E.isRight(await store.putCheckpoint('shipping', paidOne.position)())).toBe(true);
  expect(await ids()).toEqual(['fulfil-2']);
  // Refunded in full: no longer paid, so no longer waiting for fulfilment.
  expect(E.isRight(await paystate.ingestNotification(notificationBody(orders[1]!, 'settlement'))())).toBe(true);
  expect(E.isRight(await paystate.ingestNotification(notificationBody(orders[1]!, 'refund'))())).toBe(true);
  expect(await ids()).toEqual([]);

  const counts = await lists.counts();
  if (E.isLeft(counts)) throw new Error('counts failed');
  for (const list of ATTENTION_LISTS) {
    const page = await lists.page(list, { limit: 100 });
    if (E.isLeft(page)) throw new Error('page failed');
    expect([list, counts.right[list]]).toEqual([list, page.right.items.length]);
  }
  await paystate.close();
});
