import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { CoreApiClient, CoreApiError, CoreApiAnswer } from '../../src/coreApi/index';
import { createPaystate } from '../../src/ingest/index';
import { createReconciler, type ReconcileReport, type Reconciler } from '../../src/reconcile/index';
import { getInMemoryEventStore } from '../../src/store/index';
import { chargeRequest, completeThreeDs, DAY, engineView, KEY, MINUTE, ok, startStack, tokenFor, truthView, type Stack } from './support';

const stacks: Stack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});
const stack = async (...args: Parameters<typeof startStack>) => {
  const s = await startStack(...args);
  stacks.push(s);
  return s;
};

const once = async (r: Reconciler, now: Date): Promise<ReconcileReport> => {
  const report = await r.reconcileOnce(now)();
  if (E.isLeft(report)) throw new Error(JSON.stringify(report.left));
  return report.right;
};

describe('reconciler: orders whose notifications were all dropped still reach the true state', () => {
  it('3DS completed, then settled, then refunded: GET status at each planned deadline catches up', async () => {
    const s = await stack({ chaos: ['drop'], chaosRate: 1 });
    const charged = await ok(s.client.charge(chargeRequest('drop-1', await tokenFor(s.sim, '4811111111111114'), 145000)));
    await completeThreeDs(charged.body['redirect_url'] as string, '112233');
    await s.sim.idle();
    expect(s.received).toHaveLength(0);
    expect(await engineView(s.paystate, 'drop-1')).toBe('pending/accept');
    expect((await once(s.reconciler, s.sim.now())).checked).toHaveLength(0); // nothing due yet

    await s.sim.advanceClock(10 * MINUTE);
    const first = await once(s.reconciler, s.sim.now());
    expect(first.checked).toMatchObject([{ order_id: 'drop-1', why: 'deadline passed: 3ds_expiry', outcome: 'applied', status: 'capture' }]);
    expect(await engineView(s.paystate, 'drop-1')).toBe('capture/accept');

    await s.sim.advanceClock({ to: '2024-05-15T09:00:00Z' });
    const second = await once(s.reconciler, s.sim.now());
    expect(second.checked).toMatchObject([{ order_id: 'drop-1', why: 'deadline passed: settlement', status: 'settlement' }]);
    expect(await engineView(s.paystate, 'drop-1')).toBe(truthView(s.sim, 'drop-1'));

    await ok(s.client.refund('drop-1', { refund_key: 'r1', amount: 5000 }));
    expect(await engineView(s.paystate, 'drop-1')).toBe('partial_refund/accept');
    const third = await once(s.reconciler, new Date(s.sim.now().getTime() + DAY));
    expect(third).toMatchObject({ due: 0, checked: [] }); // settled and unflagged: no longer its concern
    expect(s.reconciler.backoff().size).toBe(0);
  });

  it('an unapproved challenge is seen cancelled, an abandoned 3DS expired, an authorization expired', async () => {
    const s = await stack({ chaos: ['drop'], chaosRate: 1 });
    await ok(s.client.charge(chargeRequest('ch', await tokenFor(s.sim, '4511111111111117'), 50000)));
    await ok(s.client.charge(chargeRequest('3ds', await tokenFor(s.sim, '4811111111111114'), 50000)));
    await ok(s.client.charge(chargeRequest('pa', await tokenFor(s.sim, '4411111111111118'), 50000, { type: 'authorize' })));
    await s.sim.advanceClock(8 * DAY);
    for (let i = 0; i < 3; i++) await once(s.reconciler, s.sim.now());
    for (const id of ['ch', '3ds', 'pa']) expect(await engineView(s.paystate, id)).toBe(truthView(s.sim, id));
    expect(truthView(s.sim, 'ch')).toBe('cancel/challenge');
    expect(truthView(s.sim, '3ds')).toBe('expire/accept');
    expect(truthView(s.sim, 'pa')).toBe('expire/accept');
  });

  it('a flagged order is reconciled even before its deadline', async () => {
    const s = await stack();
    await ok(s.client.charge(chargeRequest('fl', await tokenFor(s.sim, '4411111111111118'), 50000)));
    await s.sim.idle();
    // A forged settlement (valid signature, impossible before settlement time) is applied; a late "pending" is illegal and flags the order.
    const illegal = await s.paystate.ingest({
      kind: 'status_response',
      payload: { ...(s.sim.simulation.status('fl').body as Record<string, unknown>), transaction_status: 'pending', status_code: '201' },
      request: { method: 'GET', path: '/v2/fl/status' },
    })();
    expect(E.isRight(illegal) && illegal.right.outcome).toBe('illegal');
    const report = await once(s.reconciler, s.sim.now());
    expect(report.checked).toMatchObject([{ order_id: 'fl', why: 'flagged: illegal_observation', outcome: 'duplicate' }]);
    expect((await once(s.reconciler, s.sim.now())).due).toBe(0);
  });
});

describe('reconciler: backoff', () => {
  /** A client whose status calls never get an answer. */
  const unreachable = () => {
    const calls: string[] = [];
    const client: Pick<CoreApiClient, 'status'> = {
      status: (id) => {
        calls.push(id);
        return TE.left<CoreApiError, CoreApiAnswer>({ _tag: 'Network', call: 'status', message: 'ECONNREFUSED', attempts: 1 });
      },
    };
    return { client, calls };
  };

  it('backs off per order, exponentially and bounded, and records the passed deadline once', async () => {
    const paystate = createPaystate({ store: getInMemoryEventStore(), serverKey: KEY });
    const body = { transaction_details: { order_id: 'b-1', gross_amount: 1000 } };
    await paystate.recordCharge(body, {
      status_code: '201',
      transaction_id: 'tid-b-1',
      order_id: 'b-1',
      gross_amount: '1000.00',
      transaction_status: 'pending',
      fraud_status: 'accept',
      transaction_time: '2024-05-14 10:00:00',
      expiry_time: '2024-05-14 10:10:00',
    })();
    const { client, calls } = unreachable();
    const r = createReconciler({ client, ingestor: paystate.ingestor, baseBackoffMs: MINUTE, maxBackoffMs: 4 * MINUTE });
    const t = Date.parse('2024-05-14T03:10:00Z');
    expect((await once(r, new Date(t - 1))).due).toBe(0);
    const at = async (ms: number) => (await once(r, new Date(t + ms))).checked.length;
    expect([await at(0), await at(MINUTE - 1), await at(MINUTE), await at(2 * MINUTE), await at(3 * MINUTE)]).toEqual([1, 0, 1, 0, 1]);
    expect([await at(6 * MINUTE), await at(7 * MINUTE), await at(11 * MINUTE), await at(15 * MINUTE)]).toEqual([0, 1, 1, 1]);
    expect(calls).toHaveLength(6);
    expect(r.backoff().get('b-1')?.failures).toBe(6);
    const state = await paystate.payment('b-1')();
    expect(E.isRight(state) && state.right?.state.flags.map((f) => f.flag)).toEqual(['deadline_passed']);
  });

  it('start/stop runs rounds on an interval and stops cleanly', async () => {
    const s = await stack({ chaos: ['drop'], chaosRate: 1 });
    await ok(s.client.charge(chargeRequest('loop', await tokenFor(s.sim, '4411111111111118'), 20000)));
    await s.sim.advanceClock(2 * DAY);
    const rounds: ReconcileReport[] = [];
    const r = createReconciler({ client: s.client, ingestor: s.paystate.ingestor, clock: () => s.sim.now(), onRound: (x) => rounds.push(x) });
    r.start({ intervalMs: 20 });
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && (await engineView(s.paystate, 'loop')) !== 'settlement/accept') await new Promise((res) => setTimeout(res, 10));
    await r.stop();
    const n = rounds.length;
    expect(await engineView(s.paystate, 'loop')).toBe('settlement/accept');
    await new Promise((res) => setTimeout(res, 60));
    expect(rounds.length).toBe(n);
  });
});
