/**
 * Confirm mode asks GET status for every notification, so the simulator's status answer must never
 * be behind a notification it already sent for that order: whatever chaos does to the deliveries
 * (duplicates, delays, reorders, retries), GET status at the moment a notification arrives reports
 * the notified state or one after it on the transaction's history, with at least its refunds.
 */
import { createSimulation, type Simulation } from '../src/index';
import { CARDS, DAY, KEY, MINUTE, START, chargeOn } from './support';

const t0 = Date.parse(START);

const amountOf = (v: unknown): number => (typeof v === 'string' ? Number(v) : 0);

/** Charges a mix of orders and drives them through approvals, captures, settlement, refunds and cancels. */
const drive = (sim: Simulation, check: () => void) => {
  const ids: string[] = [];
  const tick = (ms: number) => {
    sim.setNow(sim.now() + ms);
    check();
  };
  for (let i = 0; i < 12; i++) {
    const card = [CARDS.accept3ds, CARDS.accept, CARDS.challenge, CARDS.bankDeny, CARDS.accept3ds, CARDS.fdsDeny][i % 6]!;
    const r = chargeOn(sim, `order-${i}`, card, 145000, i % 4 === 1 ? { type: 'authorize' } : {});
    ids.push(r.body['transaction_id'] as string);
    check();
  }
  for (const id of ids) if (sim.transaction(id)?.status === 'pending') sim.completeThreeDs(id, '112233');
  tick(MINUTE);
  for (const id of ids) {
    const tx = sim.transaction(id)!;
    if (tx.status === 'authorize') sim.capture({ transaction_id: id });
    if (tx.status === 'capture' && tx.fraud === 'challenge') sim.approve(id);
    check();
  }
  tick(5 * MINUTE);
  sim.cancel(ids[1]!);
  tick(2 * DAY);
  for (const id of ids) {
    if (sim.transaction(id)?.status !== 'settlement') continue;
    sim.refund(id, { amount: 1000, refund_key: `${id}-a` }, false);
    check();
    sim.refund(id, { refund_key: `${id}-b` }, false);
    check();
  }
  for (let i = 0; i < 40; i++) {
    sim.releaseHeld();
    tick(MINUTE * 30);
  }
};

test('GET status is never behind a notification the simulator has sent, under every kind of chaos', () => {
  const sim = createSimulation({ serverKey: KEY, startAt: START, seed: 7, publicUrl: 'http://sim.test', chaos: ['duplicate', 'delay', 'reorder', 'drop'], chaosRate: 0.5 });
  let checked = 0;
  const check = () => {
    for (const d of sim.takeDue()) {
      const sent = JSON.parse(d.body) as Record<string, unknown>;
      const status = sim.status(String(sent['transaction_id'])).body;
      const history = sim.transaction(String(sent['transaction_id']))!.history;
      const at = (tx: unknown, fraud: unknown) => history.map((h, i) => (h.transaction_status === tx && (fraud === undefined || h.fraud_status === fraud) ? i : -1));
      const notifiedAt = Math.min(...at(sent['transaction_status'], sent['fraud_status']).filter((i) => i >= 0));
      const statusAt = Math.max(...at(status['transaction_status'], status['fraud_status']));
      expect({ order: d.orderId, notified: sent['transaction_status'], behind: statusAt < notifiedAt }).toEqual({ order: d.orderId, notified: sent['transaction_status'], behind: false });
      expect(statusAt).toBe(history.length - 1);
      expect(amountOf(status['refund_amount'])).toBeGreaterThanOrEqual(amountOf(sent['refund_amount']));
      // Asked by order_id (what confirm mode asks), the answer is about the order's latest transaction.
      expect(sim.status(d.orderId).body['transaction_id']).toBe(sim.transaction(d.orderId)!.transactionId);
      // Half of the deliveries fail, so Midtrans' retries arrive later still.
      sim.reportDelivery(d, d.id % 2 === 0 ? { status: 200 } : { status: 503 });
      checked++;
    }
  };
  drive(sim, check);
  expect(checked).toBeGreaterThan(60);
  expect(sim.deliveryLog().some((r) => r.chaos.includes('reorder'))).toBe(true);
});
