/**
 * The fleet workload: card orders paid, some of them then cancelled, more orders paid; and the
 * business changes the store's events call for, computed straight from the fold.
 */
import * as E from 'fp-ts/lib/Either.js';
import { businessChanges, type OrderState } from '@paystate/engine';
import { foldStream, signNotification, type EventStore, type Paystate, type RawObservation } from '../../src/index';
import { orderIdOfStream } from '../../src/ingest/ingest';

export const FLEET_KEY = 'SB-Mid-server-FLEET';

/** A card order's charge answered capture/accept (145,000.00). */
export const paidCharge = (orderId: string): RawObservation => ({
  kind: 'charge_response',
  payload: {
    status_code: '200',
    status_message: 'Success, Credit Card transaction is successful',
    transaction_id: `tx-${orderId}`,
    order_id: orderId,
    gross_amount: '145000.00',
    currency: 'IDR',
    payment_type: 'credit_card',
    transaction_time: '2024-05-14 10:15:20',
    transaction_status: 'capture',
    fraud_status: 'accept',
  },
});

const cancel = (orderId: string): string =>
  JSON.stringify(
    signNotification(
      {
        transaction_time: '2024-05-14 10:15:20',
        transaction_status: 'cancel',
        transaction_id: `tx-${orderId}`,
        status_message: 'midtrans payment notification',
        status_code: '202',
        payment_type: 'credit_card',
        order_id: orderId,
        gross_amount: '145000.00',
        fraud_status: 'accept',
        currency: 'IDR',
      },
      FLEET_KEY,
    ),
  );

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * `orders` paid, then every second one cancelled, then `orders / 2` more paid: 2 × orders business
 * changes. Sent `parallel` at a time with `paceMs` between groups.
 */
export const runWorkload = async (paystate: Paystate, options: { readonly prefix: string; readonly orders: number; readonly parallel: number; readonly paceMs: number; readonly progress?: (done: number) => void }): Promise<number> => {
  const { prefix, orders, parallel, paceMs } = options;
  const steps: (() => Promise<unknown>)[] = [];
  for (let i = 0; i < orders; i++) steps.push(() => paystate.ingest(paidCharge(`${prefix}-${i}`))());
  for (let i = 0; i < orders; i += 2) steps.push(() => paystate.ingestNotification(cancel(`${prefix}-${i}`))());
  for (let i = orders; i < orders + orders / 2; i++) steps.push(() => paystate.ingest(paidCharge(`${prefix}-${i}`))());
  let done = 0;
  for (let i = 0; i < steps.length; i += parallel) {
    const results = await Promise.all(steps.slice(i, i + parallel).map((s) => s()));
    for (const r of results) if (E.isLeft(r as E.Either<unknown, unknown>)) throw new Error(`ingest failed: ${JSON.stringify((r as E.Left<unknown>).left)}`);
    done += results.length;
    options.progress?.(done);
    if (paceMs > 0) await sleep(paceMs);
  }
  return steps.length;
};

/** The change ids the store's events call for, from the fold alone. */
export const expectedChangeIds = async (store: EventStore): Promise<string[]> => {
  const all = await store.readAll({})();
  if (E.isLeft(all)) throw new Error(all.left._tag);
  const states = new Map<string, OrderState | undefined>();
  const ids: string[] = [];
  for (const e of all.right) {
    const orderId = orderIdOfStream(e.streamId);
    if (orderId === undefined) continue;
    const before = states.get(orderId);
    const after = foldStream([e], before);
    states.set(orderId, after);
    for (const kind of businessChanges(before, after)) ids.push(`${orderId}@${e.version}:${kind}`);
  }
  return ids;
};
