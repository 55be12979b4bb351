/**
 * End to end over loopback: 200 random card orders against the simulator with every chaos kind on
 * (seeded), notifications into paystate through a plain receiver, actions through the Core API
 * client, the clock advanced through 3DS expiry, settlement and authorization expiry, and the
 * reconciler run until nothing is due. Every order's engine state must equal the simulator's truth.
 */
import * as E from 'fp-ts/lib/Either.js';
import { latestAttempt, formatAmount } from '@paystate/engine';
import { renderCoreApiError, type CoreApiResult } from '../../src/coreApi/index';
import { createRng } from '@paystate/midtrans-simulator';
import { chargeRequest, completeThreeDs, DAY, MINUTE, startStack, tokenFor, type Stack } from './support';

const ORDERS = 200;
/** Override with PAYSTATE_E2E_SEED to explore other histories. */
const SEED = Number(process.env['PAYSTATE_E2E_SEED'] ?? 20240514);

const CARDS = [
  '4811111111111114', // 3DS, accept
  '4911111111111113', // 3DS, denied by bank
  '4411111111111118', // accept
  '4511111111111117', // challenge by FDS
  '4611111111111116', // denied by FDS
  '4711111111111115', // denied by bank
  '5211111111111117', // 3DS, accept (Mastercard)
  '5510111111111115', // challenge (Mastercard)
];

let s: Stack;
afterAll(() => s?.close());

it(`${ORDERS} random orders with chaos end in the simulator's true state`, async () => {
  s = await startStack({ seed: SEED, chaos: ['duplicate', 'delay', 'reorder', 'drop'], chaosRate: 0.25, reconciler: { concurrency: 16 } });
  const rng = createRng(SEED);
  const pick = <A>(xs: readonly A[]): A => xs[rng.int(0, xs.length - 1)]!;
  const chance = (p: number) => rng.next() < p;
  const problems: string[] = [];
  /** Runs a client call; an error is a finding unless the scenario expected one. */
  const attempt = async (what: string, t: CoreApiResult) => {
    const r = await t();
    if (E.isLeft(r)) problems.push(`${what}: ${renderCoreApiError(r.left)}`);
    return E.isRight(r) ? r.right : undefined;
  };
  const ids = Array.from({ length: ORDERS }, (_, i) => `e2e-${String(i).padStart(3, '0')}`);

  // --- t0: charge, 3DS, and the merchant's first decisions -----------------------------------------
  for (const id of ids) {
    const card = pick(CARDS);
    const cc: Record<string, unknown> = {};
    if (chance(0.25)) cc['type'] = 'authorize';
    if (chance(0.2)) cc['authentication'] = !['4811111111111114', '4911111111111113', '5211111111111117'].includes(card);
    const gross = rng.int(10, 500) * 1000;
    const charged = await attempt(`${id} charge`, s.client.charge(chargeRequest(id, await tokenFor(s.sim, card), gross, cc)));
    if (charged === undefined) continue;
    let status = `${charged.transactionStatus}/${charged.fraudStatus}`;
    if (charged.transactionStatus === 'pending') {
      const r = rng.next();
      if (r < 0.6) await completeThreeDs(charged.body['redirect_url'] as string, '112233');
      else if (r < 0.75) await completeThreeDs(charged.body['redirect_url'] as string, '000000');
      else if (r < 0.85) await attempt(`${id} cancel`, s.client.cancel(id));
      else if (r < 0.9) await attempt(`${id} expire`, s.client.expire(id));
      // else: abandoned; it expires after 10 minutes
      // After the 3DS redirect the merchant asks GET status rather than trusting the browser.
      const st = await attempt(`${id} status`, s.client.status(id));
      status = `${st?.transactionStatus}/${st?.fraudStatus}`;
    }
    const r = rng.next();
    if (status === 'capture/challenge') {
      if (r < 0.4) await attempt(`${id} approve`, s.client.approve(id));
      else if (r < 0.7) await attempt(`${id} deny`, s.client.deny(id));
    } else if (status.startsWith('authorize/')) {
      const tid = s.sim.truth(id)!.transaction_id;
      if (r < 0.5) await attempt(`${id} capture`, s.client.capture({ transaction_id: tid }));
      else if (r < 0.8) await attempt(`${id} partial capture`, s.client.capture({ transaction_id: tid, gross_amount: rng.int(1, gross / 1000) * 1000 }));
      else if (r < 0.9) await attempt(`${id} cancel`, s.client.cancel(id));
    } else if (status === 'capture/accept' && r < 0.15) await attempt(`${id} cancel`, s.client.cancel(id));
    if (status.startsWith('authorize/challenge') && rng.next() < 0.5) {
      // A challenged pre-authorization, once captured, waits for approve or deny.
      const after = await attempt(`${id} status`, s.client.status(id));
      if (after?.transactionStatus === 'capture' && after.fraudStatus === 'challenge') await attempt(`${id} approve`, s.client.approve(id));
    }
  }
  await s.sim.idle();

  // --- the clock: 3DS expiry, settlement and auto-cancel, with reconciliation after each ------------
  const reconcile = async () => {
    const r = await s.reconciler.reconcileOnce(s.sim.now())();
    if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
    return r.right;
  };
  await s.sim.advanceClock(15 * MINUTE);
  await reconcile();
  await s.sim.advanceClock({ to: '2024-05-15T10:00:00Z' }); // 17:00 GMT+7, an hour after settlement
  await reconcile();

  // --- refunds on settled orders ----------------------------------------------------------------------
  for (const id of ids) {
    const t = s.sim.truth(id);
    if (t?.transaction_status !== 'settlement') continue;
    const gross = Math.round(Number(t.gross_amount));
    const r = rng.next();
    if (r < 0.3) await attempt(`${id} refund`, s.client.refund(id, { refund_key: `${id}-r1`, amount: rng.int(1, gross / 1000) * 1000 }));
    else if (r < 0.45) await attempt(`${id} full refund`, s.client.refund(id, { refund_key: `${id}-r1` }));
    else if (r < 0.55) {
      const half = Math.floor(gross / 2000) * 1000;
      await attempt(`${id} refund 1`, s.client.refund(id, { refund_key: `${id}-r1`, amount: half }));
      await attempt(`${id} direct refund 2`, s.client.directRefund(id, { refund_key: `${id}-r2`, amount: half }));
    }
  }

  // --- authorization expiry, every notification retry, then reconcile until nothing is due -------------
  await s.sim.advanceClock(8 * DAY);
  for (let round = 0; round < 12; round++) {
    const report = await reconcile();
    if (report.due === 0) break;
    await s.sim.advanceClock(2 * 60 * MINUTE);
  }

  // --- every order's engine state is the simulator's truth ---------------------------------------------
  const mismatches: string[] = [];
  for (const id of ids) {
    const truth = s.sim.truth(id)!;
    const p = await s.paystate.payment(id)();
    const a = E.isRight(p) ? latestAttempt(p.right?.state) : undefined;
    const engine = a === undefined ? 'none' : `${a.status}/${a.fraud ?? '-'} gross ${formatAmount(a.grossAmount)} refunded ${formatAmount(a.refunded)}`;
    const expected = `${truth.transaction_status}/${truth.fraud_status ?? '-'} gross ${truth.gross_amount} refunded ${truth.refund_amount}`;
    if (engine !== expected) mismatches.push(`${id}: engine ${engine}, simulator ${expected}`);
  }
  expect(mismatches).toEqual([]);
  expect(problems).toEqual([]);

  // The run exercised what it claims to.
  const finals = new Set(ids.map((id) => s.sim.truth(id)!.transaction_status));
  for (const status of ['settlement', 'partial_refund', 'refund', 'deny', 'cancel', 'expire']) expect(finals).toContain(status);
  const log = s.sim.deliveries();
  expect(log.some((d) => d.result === 'dropped')).toBe(true);
  for (const kind of ['duplicate', 'delay', 'reorder'] as const) expect(log.some((d) => d.chaos.includes(kind))).toBe(true);
  expect(s.received.some((r) => r.outcome === 'stale' || r.outcome === 'duplicate')).toBe(true);
}, 60_000);
