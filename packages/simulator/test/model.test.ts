import * as E from 'fp-ts/lib/Either.js';
import { notificationStatusCodes, type FraudStatus, type TransactionStatus } from '@paystate/engine';
import { verifySignature } from '@paystate/adapters';
import {
  createSimulation,
  retriesAfter,
  RETRY_SCHEDULE_MS,
  type ApiReply,
  type ChaosKind,
  type Simulation,
} from '../src/index';
import { CARDS, DAY, KEY, MINUTE, START, chargeBody, chargeOn, drainNotifications, tokenQuery } from './support';

const t0 = Date.parse(START);
const newSim = (extra: Partial<Parameters<typeof createSimulation>[0]> = {}): Simulation =>
  createSimulation({ serverKey: KEY, startAt: START, seed: 42, publicUrl: 'http://sim.test', ...extra });

const code = (r: ApiReply) => r.body['status_code'];
const state = (r: ApiReply) => [r.body['transaction_status'], r.body['fraud_status']];

describe('simulation model: the sandbox test cards', () => {
  it.each([
    ['accept (attempted 3DS, not enrolled)', CARDS.accept, '200', 'capture', 'accept'],
    ['challenge by FDS', CARDS.challenge, '201', 'capture', 'challenge'],
    ['denied by FDS', CARDS.fdsDeny, '202', 'deny', 'deny'],
    ['denied by bank', CARDS.bankDeny, '202', 'deny', 'accept'],
  ])('a non-3DS charge on the %s card answers %s %s/%s', (_name, card, expectedCode, status, fraud) => {
    const sim = newSim();
    const r = chargeOn(sim, 'order-1', card);
    expect(r.httpStatus).toBe(200);
    expect(code(r)).toBe(expectedCode);
    expect(state(r)).toEqual([status, fraud]);
    expect(r.body['gross_amount']).toBe('145000.00');
    expect(r.body['masked_card']).toBe(`${card.slice(0, 8)}-${card.slice(-4)}`);
    expect(r.body['redirect_url']).toBeUndefined();
  });

  it('a 3DS card with authentication:false is charged without 3DS', () => {
    const r = chargeOn(newSim(), 'order-1', CARDS.accept3ds, 145000, { authentication: false });
    expect([code(r), ...state(r)]).toEqual(['200', 'capture', 'accept']);
  });

  it('a 3DS card answers 201 pending with a redirect_url to the 3DS page and an expiry 10 minutes on', () => {
    const sim = newSim();
    const r = chargeOn(sim, 'order-3ds', CARDS.accept3ds);
    expect([code(r), ...state(r)]).toEqual(['201', 'pending', 'accept']);
    expect(r.body['redirect_url']).toBe(`http://sim.test/v2/token/rba/redirect/${r.body['transaction_id']}`);
    expect(r.body['transaction_time']).toBe('2024-05-14 10:00:00');
    expect(r.body['expiry_time']).toBe('2024-05-14 10:10:00');
  });

  it.each([
    ['accept', CARDS.accept3ds, {}, '112233', 'capture', 'accept'],
    ['denied by bank', CARDS.bankDeny3ds, {}, '112233', 'deny', 'accept'],
    ['a wrong OTP', CARDS.accept3ds, {}, '000000', 'deny', 'accept'],
    ['challenge (3DS asked for explicitly)', CARDS.challenge, { authentication: true }, '112233', 'capture', 'challenge'],
    ['denied by FDS (3DS asked for explicitly)', CARDS.fdsDeny, { authentication: true }, '112233', 'deny', 'deny'],
  ])('3DS then %s', (_name, card, cc, otp, status, fraud) => {
    const sim = newSim();
    const tid = chargeOn(sim, 'order-3ds', card, 145000, cc).body['transaction_id'] as string;
    expect(sim.threeDs(tid).kind).toBe('open');
    const done = sim.completeThreeDs(tid, otp);
    expect(done.kind).toBe('closed');
    expect([done.transaction?.status, done.transaction?.fraud]).toEqual([status, fraud]);
    expect(sim.threeDs(tid).kind).toBe('closed');
    expect(sim.completeThreeDs(tid, '112233').transaction?.status).toBe(status);
  });

  it('tokenization checks the card, the expiry, the CVV and the client key; a token is single-use', () => {
    const sim = newSim();
    expect(sim.token({ ...tokenQuery('4811111111111115') }).httpStatus).toBe(400);
    expect(sim.token({ ...tokenQuery(CARDS.accept), card_exp_year: '2020' }).body['validation_messages']).toEqual(['card is expired']);
    expect(sim.token({ ...tokenQuery(CARDS.accept), card_cvv: '1' }).httpStatus).toBe(400);
    const { client_key: _c, ...noKey } = tokenQuery(CARDS.accept);
    expect(sim.token(noKey).httpStatus).toBe(401);
    const ok = sim.token(tokenQuery('4811 1111 1111 1114'));
    expect(ok.body['status_code']).toBe('200');
    const token = ok.body['token_id'] as string;
    expect(token).toMatch(/^481111-1114-/);
    expect(code(sim.charge(chargeBody('o-1', token)))).toBe('201');
    expect(sim.charge(chargeBody('o-2', token)).body).toEqual({ status_code: '411', status_message: 'Token id is missing, invalid, or timed out' });
  });

  it('charge validation: 400 with validation_messages; 402 for other payment types', () => {
    const sim = newSim();
    const token = sim.token(tokenQuery(CARDS.accept)).body['token_id'] as string;
    const zero = sim.charge(chargeBody('o-1', token, 0));
    expect(zero.httpStatus).toBe(400);
    expect(zero.body['validation_messages']).toEqual(['transaction_details.gross_amount must be a positive whole number']);
    expect(sim.charge({ ...chargeBody('o 1', token) }).httpStatus).toBe(400);
    expect(sim.charge(null).httpStatus).toBe(400);
    expect(code(sim.charge({ ...chargeBody('o-1', token), payment_type: 'bank_transfer' }))).toBe('402');
  });

  it('an order_id in use answers 406; after a deny the order may be charged again as a new transaction', () => {
    const sim = newSim();
    const first = chargeOn(sim, 'order-r', CARDS.accept);
    expect(code(chargeOn(sim, 'order-r', CARDS.accept))).toBe('406');
    const denied = chargeOn(sim, 'order-d', CARDS.bankDeny);
    const retry = chargeOn(sim, 'order-d', CARDS.accept);
    expect(code(retry)).toBe('200');
    expect(retry.body['transaction_id']).not.toBe(denied.body['transaction_id']);
    expect(sim.truth('order-d')?.attempts).toBe(2);
    expect(sim.truth('order-d')?.transaction_status).toBe('capture');
    expect(sim.truth('order-r')?.transaction_id).toBe(first.body['transaction_id']);
  });
});

// -------------------------------------------------------------------------------------------------

type Setup = (sim: Simulation) => string;
const at = (card: string, cc: Record<string, unknown> = {}): Setup => (sim) => chargeOn(sim, 'o', card, 145000, cc).body['order_id'] as string;
const SETUPS: Record<string, Setup> = {
  pending: at(CARDS.accept3ds),
  authorize: at(CARDS.accept, { type: 'authorize' }),
  'capture/accept': at(CARDS.accept),
  'capture/challenge': at(CARDS.challenge),
  settlement: (sim) => {
    const id = at(CARDS.accept)(sim);
    sim.setNow(t0 + 2 * DAY);
    return id;
  },
  deny: at(CARDS.bankDeny),
  cancel: (sim) => {
    const id = at(CARDS.accept)(sim);
    sim.cancel(id);
    return id;
  },
  expire: (sim) => {
    const id = at(CARDS.accept3ds)(sim);
    sim.expire(id);
    return id;
  },
};

const ACTIONS: Record<string, (sim: Simulation, id: string) => ApiReply> = {
  approve: (sim, id) => sim.approve(id),
  deny: (sim, id) => sim.deny(id),
  cancel: (sim, id) => sim.cancel(id),
  expire: (sim, id) => sim.expire(id),
  refund: (sim, id) => sim.refund(id, { amount: 1000 }, false),
  direct_refund: (sim, id) => sim.refund(id, { amount: 1000 }, true),
  capture: (sim, id) => sim.capture({ transaction_id: sim.transaction(id)!.transactionId }),
};

/** The expected answer of each action in each state: its status_code, and the state after a success. */
const EXPECTED: Record<string, Record<string, string>> = {
  pending: { approve: '412', deny: '412', cancel: '200 cancel', expire: '407 expire', refund: '412', direct_refund: '412', capture: '412' },
  authorize: { approve: '412', deny: '412', cancel: '200 cancel', expire: '412', refund: '412', direct_refund: '412', capture: '200 capture' },
  'capture/accept': { approve: '412', deny: '412', cancel: '200 cancel', expire: '412', refund: '412', direct_refund: '412', capture: '412' },
  'capture/challenge': { approve: '200 capture', deny: '200 deny', cancel: '200 cancel', expire: '412', refund: '412', direct_refund: '412', capture: '412' },
  settlement: {
    approve: '412',
    deny: '412',
    cancel: '412',
    expire: '412',
    refund: '200 partial_refund',
    direct_refund: '200 partial_refund',
    capture: '412',
  },
  deny: { approve: '412', deny: '412', cancel: '412', expire: '412', refund: '412', direct_refund: '412', capture: '412' },
  cancel: { approve: '412', deny: '412', cancel: '412', expire: '412', refund: '412', direct_refund: '412', capture: '412' },
  expire: { approve: '412', deny: '412', cancel: '412', expire: '412', refund: '412', direct_refund: '412', capture: '412' },
};

describe('simulation model: every action’s precondition', () => {
  const cases = Object.entries(EXPECTED).flatMap(([s, byAction]) => Object.entries(byAction).map(([a, e]) => [s, a, e] as const));
  it.each(cases)('in %s, %s answers %s', (s, a, expected) => {
    const sim = newSim();
    const id = SETUPS[s]!(sim);
    const before = sim.truth(id)!;
    const r = ACTIONS[a]!(sim, id);
    expect(r.httpStatus).toBe(200);
    const [expectedCode, expectedStatus] = expected.split(' ');
    expect(r.body['status_code']).toBe(expectedCode);
    if (expectedStatus === undefined) {
      expect(r.body['status_message']).toBe('Merchant cannot modify the status of the transaction');
      expect(sim.truth(id)!.transaction_status).toBe(before.transaction_status);
    } else {
      expect(r.body['transaction_status']).toBe(expectedStatus);
      expect(sim.truth(id)!.transaction_status).toBe(expectedStatus);
    }
  });

  it('approve gives capture/accept, deny gives deny/deny', () => {
    const sim = newSim();
    const a = SETUPS['capture/challenge']!(sim);
    expect(state(sim.approve(a))).toEqual(['capture', 'accept']);
    const sim2 = newSim();
    const d = SETUPS['capture/challenge']!(sim2);
    expect(state(sim2.deny(d))).toEqual(['deny', 'deny']);
  });

  it('unknown ids answer 404 for status and every action', () => {
    const sim = newSim();
    const notFound = { status_code: '404', status_message: "Transaction doesn't exist." };
    expect(sim.status('nope').body).toEqual(notFound);
    for (const [name, act] of Object.entries(ACTIONS)) {
      if (name === 'capture') expect(sim.capture({ transaction_id: 'nope' }).body).toEqual(notFound);
      else expect(act(sim, 'nope').body).toEqual(notFound);
    }
  });

  it('actions and status accept the transaction_id as well as the order_id', () => {
    const sim = newSim();
    const tid = chargeOn(sim, 'o', CARDS.challenge).body['transaction_id'] as string;
    expect(sim.status(tid).body['order_id']).toBe('o');
    expect(code(sim.approve(tid))).toBe('200');
  });
});

// -------------------------------------------------------------------------------------------------

describe('simulation model: refunds', () => {
  const settled = () => {
    const sim = newSim();
    chargeOn(sim, 'r', CARDS.accept, 30000);
    sim.setNow(t0 + 2 * DAY);
    return sim;
  };

  it('partial refunds accumulate (refund_amount in status, refunds[] with keys) and the last one makes it refund', () => {
    const sim = settled();
    const first = sim.refund('r', { refund_key: 'reference1', amount: 5000, reason: 'some reason' }, false);
    expect(first.body).toMatchObject({
      status_code: '200',
      transaction_status: 'partial_refund',
      refund_chargeback_id: 1,
      refund_amount: '5000.00',
      refund_key: 'reference1',
      gross_amount: '30000.00',
    });
    sim.refund('r', { refund_key: 'reference2', amount: 7000 }, false);
    const status = sim.status('r').body;
    expect(status['transaction_status']).toBe('partial_refund');
    expect(status['refund_amount']).toBe('12000.00');
    expect((status['refunds'] as unknown[]).map((r) => (r as Record<string, unknown>)['refund_key'])).toEqual(['reference1', 'reference2']);
    const last = sim.refund('r', { refund_key: 'reference3' }, false);
    expect(last.body).toMatchObject({ transaction_status: 'refund', refund_amount: '18000.00' });
    expect(sim.truth('r')?.refund_amount).toBe('30000.00');
    expect(code(sim.refund('r', { amount: 1 }, false))).toBe('412');
  });

  it('a full refund without an amount refunds everything', () => {
    const sim = settled();
    expect(sim.refund('r', {}, false).body).toMatchObject({ transaction_status: 'refund', refund_amount: '30000.00' });
  });

  it('a reused refund_key answers 406 and an amount above the remaining 414, changing nothing', () => {
    const sim = settled();
    sim.refund('r', { refund_key: 'k1', amount: 10000 }, false);
    expect(sim.refund('r', { refund_key: 'k1', amount: 1000 }, false).body).toEqual({ status_code: '406', status_message: 'Duplicate refund ID' });
    expect(code(sim.refund('r', { refund_key: 'k2', amount: 20001 }, false))).toBe('414');
    expect(code(sim.refund('r', { refund_key: 'k2', amount: 20000 }, true))).toBe('200');
    expect(sim.truth('r')?.transaction_status).toBe('refund');
  });

  it('malformed refund bodies answer 400', () => {
    const sim = settled();
    expect(sim.refund('r', { amount: -5 }, false).httpStatus).toBe(400);
    expect(sim.refund('r', { amount: 10.5 }, false).httpStatus).toBe(400);
    expect(sim.refund('r', { refund_key: 'bad key!' }, false).httpStatus).toBe(400);
    expect(sim.refund('r', [1], false).httpStatus).toBe(400);
  });
});

describe('simulation model: pre-authorization and partial capture', () => {
  it('an authorize charge answers 200 authorize; capturing part of it makes the captured amount count', () => {
    const sim = newSim();
    const r = chargeOn(sim, 'pa', CARDS.accept, 145000, { type: 'authorize' });
    expect([code(r), ...state(r)]).toEqual(['200', 'authorize', 'accept']);
    const tid = r.body['transaction_id'] as string;
    expect(code(sim.capture({ transaction_id: tid, gross_amount: 145001 }))).toBe('412');
    expect(sim.capture({ transaction_id: tid, gross_amount: 100000 }).body).toMatchObject({
      status_code: '200',
      transaction_status: 'capture',
      gross_amount: '100000.00',
    });
    expect(sim.truth('pa')).toMatchObject({ gross_amount: '100000.00', authorized_amount: '145000.00' });
    expect(code(sim.capture({ transaction_id: tid }))).toBe('412');
    expect(sim.capture({ transaction_id: '' }).httpStatus).toBe(400);
    expect(sim.capture({ transaction_id: tid, gross_amount: '5' }).httpStatus).toBe(400);
  });

  it('a challenged authorization captures as capture/challenge (201)', () => {
    const sim = newSim();
    const tid = chargeOn(sim, 'pc', CARDS.challenge, 145000, { type: 'authorize' }).body['transaction_id'] as string;
    expect(state(sim.status(tid))).toEqual(['authorize', 'challenge']);
    expect(sim.capture({ transaction_id: tid }).body).toMatchObject({ status_code: '201', transaction_status: 'capture', fraud_status: 'challenge' });
  });
});

// -------------------------------------------------------------------------------------------------

describe('simulation model: the clock', () => {
  it('a 3DS charge left pending expires 10 minutes after the charge, not before', () => {
    const sim = newSim();
    chargeOn(sim, 'x', CARDS.accept3ds);
    sim.setNow(t0 + 10 * MINUTE - 1);
    expect(sim.truth('x')?.transaction_status).toBe('pending');
    sim.setNow(t0 + 10 * MINUTE);
    expect(sim.truth('x')?.transaction_status).toBe('expire');
    expect(sim.status('x').body['status_code']).toBe('407');
  });

  it('a capture settles the next day at 16:00 GMT+7; an unapproved challenge is cancelled then', () => {
    const sim = newSim();
    chargeOn(sim, 'ok', CARDS.accept);
    chargeOn(sim, 'ch', CARDS.challenge);
    const settlement = Date.parse('2024-05-15T09:00:00Z'); // 16:00 GMT+7
    expect(sim.nextEventAt()).toBe(t0); // the charge notifications are due now
    drainNotifications(sim);
    expect(sim.nextEventAt()).toBe(settlement);
    sim.setNow(settlement - 1);
    expect(sim.truth('ok')?.transaction_status).toBe('capture');
    sim.setNow(settlement);
    expect(sim.truth('ok')).toMatchObject({ transaction_status: 'settlement', settlement_time: '2024-05-15 16:00:00' });
    expect(sim.truth('ch')).toMatchObject({ transaction_status: 'cancel', fraud_status: 'challenge' });
  });

  it('an authorization expires after 7 days without a capture', () => {
    const sim = newSim();
    chargeOn(sim, 'pa', CARDS.accept, 145000, { type: 'authorize' });
    sim.setNow(t0 + 7 * DAY - 1);
    expect(sim.truth('pa')?.transaction_status).toBe('authorize');
    sim.setNow(t0 + 7 * DAY);
    expect(sim.truth('pa')?.transaction_status).toBe('expire');
  });

  it('the clock never goes back', () => {
    const sim = newSim();
    sim.setNow(t0 + 1000);
    sim.setNow(t0);
    expect(sim.now()).toBe(t0 + 1000);
  });
});

// -------------------------------------------------------------------------------------------------

describe('simulation model: notifications', () => {
  it('every status change is notified, signed, with the status_code the engine expects for its state', () => {
    const sim = newSim();
    chargeOn(sim, 'n1', CARDS.accept3ds);
    const tid = sim.transaction('n1')!.transactionId;
    sim.completeThreeDs(tid, '112233');
    chargeOn(sim, 'n2', CARDS.challenge);
    chargeOn(sim, 'n3', CARDS.bankDeny);
    chargeOn(sim, 'n4', CARDS.accept3ds);
    chargeOn(sim, 'n5', CARDS.accept, 145000, { type: 'authorize' });
    const early = drainNotifications(sim);
    sim.setNow(t0 + 2 * DAY);
    sim.refund('n1', { amount: 1000 }, false);
    const late = drainNotifications(sim);
    const all = [...early, ...late];
    expect(all.map((n) => `${n['order_id']}:${n['transaction_status']}`)).toEqual([
      'n1:pending',
      'n1:capture',
      'n2:capture',
      'n3:deny',
      'n4:pending',
      'n5:authorize',
      'n4:expire',
      'n1:settlement',
      'n2:cancel',
      'n1:partial_refund',
    ]);
    for (const n of all) {
      expect(E.isRight(verifySignature(n, KEY))).toBe(true);
      expect(E.isLeft(verifySignature(n, 'another-key'))).toBe(true);
      expect(n['status_message']).toBe('midtrans payment notification');
      const expected = notificationStatusCodes(n['transaction_status'] as TransactionStatus, (n['fraud_status'] as FraudStatus | undefined) ?? null);
      expect(expected).toContain(n['status_code']);
    }
  });

  it('status answers carry a signature_key too', () => {
    const sim = newSim();
    chargeOn(sim, 's', CARDS.accept);
    const body = sim.status('s').body;
    expect(E.isRight(verifySignature(body, KEY))).toBe(true);
  });

  it('retries follow the HTTP answer: 2xx none; 500 once; 503 four times; 400/404 twice; 301-303 none; others five', () => {
    expect([200, 204, 500, 503, 400, 404, 301, 302, 303, 307, 401, 502].map((status) => retriesAfter({ status }))).toEqual([
      0, 0, 1, 4, 2, 2, 0, 0, 0, 5, 5, 5,
    ]);
    expect(retriesAfter({ failure: 'ECONNREFUSED' })).toBe(5);
  });

  it('retries are scheduled ~2, 10, 30, 90 and 210 minutes after each failed attempt, on the simulated clock', () => {
    const sim = newSim();
    chargeOn(sim, 'r', CARDS.accept);
    const times: number[] = [];
    for (;;) {
      const next = sim.nextEventAt();
      if (next === undefined || next > t0 + DAY) break;
      sim.setNow(next);
      for (const d of sim.takeDue()) {
        times.push(sim.now() - t0);
        sim.reportDelivery(d, { status: 502 });
      }
    }
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(times).toHaveLength(6);
    expect(gaps).toEqual(RETRY_SCHEDULE_MS);
    expect(sim.deliveryLog().map((r) => r.attempt)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(sim.deliveryLog()[5]!.retryAt).toBeUndefined();
  });
});

// -------------------------------------------------------------------------------------------------

describe('simulation model: chaos', () => {
  /** A fixed history; returns the delivered sequence (order:status) and the log. */
  const run = (seed: number, chaos: readonly ChaosKind[], chaosRate = 0.5) => {
    const sim = newSim({ seed, chaos, chaosRate });
    const delivered: string[] = [];
    const pump = () => {
      for (const d of sim.takeDue()) {
        delivered.push(`${d.orderId}:${d.transactionStatus}/${(JSON.parse(d.body) as Record<string, unknown>)['fraud_status']}`);
        sim.reportDelivery(d, { status: 200 });
      }
    };
    for (let i = 0; i < 30; i++) {
      chargeOn(sim, `c-${i}`, i % 3 === 0 ? CARDS.challenge : CARDS.accept);
      if (i % 3 === 0) sim.approve(`c-${i}`);
      pump();
    }
    for (;;) {
      const next = sim.nextEventAt();
      if (next === undefined || next > t0 + 3 * DAY) break;
      sim.setNow(next);
      pump();
    }
    sim.setNow(t0 + 3 * DAY);
    sim.releaseHeld();
    pump();
    return { delivered, log: sim.deliveryLog(), ids: sim.orders().map((o) => sim.truth(o)!.transaction_id) };
  };

  it('is deterministic for a seed (same deliveries, same order, same transaction ids)', () => {
    const a = run(7, ['duplicate', 'delay', 'reorder', 'drop']);
    const b = run(7, ['duplicate', 'delay', 'reorder', 'drop']);
    expect(b).toEqual(a);
    const c = run(8, ['duplicate', 'delay', 'reorder', 'drop']);
    expect(c.delivered).not.toEqual(a.delivered);
  });

  it('without chaos every notification is delivered once, in order', () => {
    const { delivered } = run(7, []);
    expect(delivered).toHaveLength(30 + 10 + 30);
    expect(new Set(delivered).size).toBe(delivered.length);
  });

  it('drop loses notifications, duplicate repeats them, delay and reorder change their order', () => {
    const base = run(7, []).delivered;
    const dropped = run(7, ['drop']);
    expect(dropped.delivered.length).toBeLessThan(base.length);
    expect(dropped.log.filter((r) => r.result === 'dropped').length).toBe(base.length - dropped.delivered.length);
    const duplicated = run(7, ['duplicate']).delivered;
    expect(duplicated.length).toBeGreaterThan(base.length);
    expect(new Set(duplicated)).toEqual(new Set(base));
    for (const kind of ['delay', 'reorder'] as const) {
      const moved = run(7, [kind]).delivered;
      expect([...moved].sort()).toEqual([...base].sort());
      expect(moved).not.toEqual(base);
    }
  });

  it('reorder delivers a held notification after the order’s next one', () => {
    const sim = newSim({ seed: 3, chaos: ['reorder'], chaosRate: 1 });
    chargeOn(sim, 'o', CARDS.challenge);
    expect(sim.takeDue()).toEqual([]); // held
    sim.approve('o');
    expect(sim.takeDue().map((d) => JSON.parse(d.body)['fraud_status'])).toEqual(['accept', 'challenge']);
  });
});

describe('simulation model: Idempotency-Key', () => {
  it('replays a successful answer for the same key within 5 minutes instead of acting twice', () => {
    const sim = newSim();
    const token = sim.token(tokenQuery(CARDS.accept)).body['token_id'] as string;
    const first = sim.idempotent('key-1', () => sim.charge(chargeBody('idem', token)));
    const again = sim.idempotent('key-1', () => sim.charge(chargeBody('idem', token)));
    expect(again).toBe(first);
    expect(sim.truth('idem')?.attempts).toBe(1);
    sim.setNow(t0 + 6 * MINUTE);
    expect(code(sim.idempotent('key-1', () => sim.charge(chargeBody('idem', token))))).toBe('411');
  });

  it('does not store error answers', () => {
    const sim = newSim();
    expect(code(sim.idempotent('k', () => sim.approve('missing')))).toBe('404');
    chargeOn(sim, 'missing', CARDS.challenge);
    expect(code(sim.idempotent('k', () => sim.approve('missing')))).toBe('200');
  });
});
