import { createServer } from 'node:http';
import * as E from 'fp-ts/lib/Either.js';
import { verifySignature } from '@paystate/adapters';
import { cardToken, completeThreeDs, startSimulator, type RunningSimulator, type StartSimulatorOptions } from '../src/index';
import { basicAuth, call, CARDS, chargeBody, KEY, MINUTE, START, startReceiver, tokenQuery, type Receiver } from './support';

const running: (RunningSimulator | Receiver)[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

const sim = async (options: Partial<StartSimulatorOptions> = {}): Promise<RunningSimulator> => {
  const s = await startSimulator({ serverKey: KEY, startAt: START, seed: 11, deliveryTimeoutMs: 2_000, ...options });
  running.push(s);
  return s;
};
const receiver = async (answer?: Parameters<typeof startReceiver>[0]): Promise<Receiver> => {
  const r = await startReceiver(answer);
  running.push(r);
  return r;
};

const token = async (base: string, card: string): Promise<string> => {
  const q = new URLSearchParams(tokenQuery(card)).toString();
  const res = await fetch(`${base}/v2/token?${q}`, { headers: { accept: 'application/json', authorization: 'Basic Og==' } });
  const body = (await res.json()) as Record<string, unknown>;
  expect(body['status_code']).toBe('200');
  return body['token_id'] as string;
};

const charge = async (s: RunningSimulator, orderId: string, card: string, cc: Record<string, unknown> = {}, gross = 145000) =>
  call(s.url, 'POST', '/v2/charge', chargeBody(orderId, await token(s.url, card), gross, cc));

describe('simulator over HTTP: the Core API', () => {
  it('listens on 127.0.0.1, tokenizes without the server key, and charges with Basic auth', async () => {
    const s = await sim();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await charge(s, 'h-1', CARDS.accept);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status_code: '200', transaction_status: 'capture', fraud_status: 'accept', order_id: 'h-1' });
    const status = await call(s.url, 'GET', '/v2/h-1/status');
    expect(status.body).toMatchObject({ status_code: '200', transaction_status: 'capture' });
    expect(E.isRight(verifySignature(status.body, KEY))).toBe(true);
  });

  it('a missing or wrong server key answers HTTP 401 with a Midtrans body', async () => {
    const s = await sim();
    for (const auth of [undefined, basicAuth('SB-Mid-server-WRONG'), 'Bearer x']) {
      const res = await fetch(`${s.url}/v2/x/status`, { headers: auth === undefined ? {} : { authorization: auth } });
      expect(res.status).toBe(401);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body['status_code']).toBe('401');
      expect(typeof body['status_message']).toBe('string');
      expect(JSON.stringify(body)).not.toContain(KEY);
    }
  });

  it('business errors come in an HTTP 200 body (404 unknown transaction, 412 not allowed); validation errors as HTTP 400', async () => {
    const s = await sim();
    expect(await call(s.url, 'GET', '/v2/nope/status')).toEqual({ status: 200, body: { status_code: '404', status_message: "Transaction doesn't exist." } });
    await charge(s, 'h-2', CARDS.accept);
    expect((await call(s.url, 'POST', '/v2/h-2/approve')).body['status_code']).toBe('412');
    expect((await call(s.url, 'POST', '/v2/h-2/refund', { amount: 1000 })).body['status_code']).toBe('412');
    const zero = await call(s.url, 'POST', '/v2/charge', chargeBody('h-3', await token(s.url, CARDS.accept), 0));
    expect(zero.status).toBe(400);
    expect(zero.body['status_code']).toBe('400');
  });

  it('expire answers 407 (success) and GET status of the expired transaction 407 too', async () => {
    const s = await sim();
    await charge(s, 'h-e', CARDS.accept3ds);
    expect((await call(s.url, 'POST', '/v2/h-e/expire')).body).toMatchObject({ status_code: '407', transaction_status: 'expire' });
    expect((await call(s.url, 'GET', '/v2/h-e/status')).body).toMatchObject({ status_code: '407', transaction_status: 'expire' });
  });

  it('capture and direct refund use Midtrans’ paths', async () => {
    const s = await sim();
    const tid = (await charge(s, 'h-c', CARDS.accept, { type: 'authorize' })).body['transaction_id'];
    expect((await call(s.url, 'POST', '/v2/capture', { transaction_id: tid, gross_amount: 100000 })).body).toMatchObject({
      status_code: '200',
      transaction_status: 'capture',
      gross_amount: '100000.00',
    });
    await s.advanceClock({ to: '2024-05-15T09:00:00Z' });
    expect((await call(s.url, 'POST', '/v2/h-c/refund/online/direct', { refund_key: 'r1', amount: 100000 })).body).toMatchObject({
      status_code: '200',
      transaction_status: 'refund',
      refund_amount: '100000.00',
    });
  });

  it('the same Idempotency-Key replays the first answer instead of charging twice', async () => {
    const s = await sim();
    const body = chargeBody('h-i', await token(s.url, CARDS.accept));
    const a = await call(s.url, 'POST', '/v2/charge', body, { 'idempotency-key': 'same-key' });
    const b = await call(s.url, 'POST', '/v2/charge', body, { 'idempotency-key': 'same-key' });
    expect(b).toEqual(a);
    const c = await call(s.url, 'POST', '/v2/charge', body, { 'idempotency-key': 'other-key' });
    expect(c.body['status_code']).toBe('411');
  });
});

describe('simulator over HTTP: the 3DS page', () => {
  it.each([
    [CARDS.accept3ds, '112233', 'capture'],
    [CARDS.bankDeny3ds, '112233', 'deny'],
    [CARDS.accept3ds, '999999', 'deny'],
  ])('card %s with OTP %s ends %s', async (card, otp, expected) => {
    const s = await sim();
    const r = await charge(s, 'h-3ds', card);
    expect(r.body['status_code']).toBe('201');
    const redirect = r.body['redirect_url'] as string;
    expect(redirect.startsWith(`${s.url}/v2/token/rba/redirect/`)).toBe(true);
    const page = await fetch(redirect);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<form method="post"');
    expect(html).toContain('name="otp"');
    const done = await fetch(redirect, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `otp=${otp}` });
    expect(await done.text()).toContain(`data-transaction-status="${expected}"`);
    expect(s.truth('h-3ds')?.transaction_status).toBe(expected);
  });

  it('the customer helpers tokenize a card and complete the 3DS page', async () => {
    const s = await sim();
    const token = await cardToken(s.url, '4811 1111 1111 1114')();
    expect(E.isRight(token)).toBe(true);
    const r = await call(s.url, 'POST', '/v2/charge', chargeBody('h-cust', E.isRight(token) ? token.right : ''));
    expect(await completeThreeDs(r.body['redirect_url'] as string)()).toEqual(E.right('capture'));
    expect(E.isLeft(await cardToken(s.url, '1234')())).toBe(true);
    expect(E.isLeft(await completeThreeDs(`${s.url}/v2/token/rba/redirect/none`)())).toBe(true);
  });

  it('a JSON POST gets a JSON answer; an unknown 3DS transaction is 404', async () => {
    const s = await sim();
    const r = await charge(s, 'h-j', CARDS.accept3ds);
    const res = await fetch(r.body['redirect_url'] as string, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"otp":"112233"}' });
    expect(await res.json()).toMatchObject({ order_id: 'h-j', transaction_status: 'capture', fraud_status: 'accept' });
    expect((await fetch(`${s.url}/v2/token/rba/redirect/nope`)).status).toBe(404);
  });
});

describe('simulator over HTTP: notifications', () => {
  it('POSTs signed JSON with User-Agent Veritrans for every status change', async () => {
    const rec = await receiver();
    const s = await sim({ notifyUrl: rec.url });
    await charge(s, 'n-1', CARDS.challenge);
    await call(s.url, 'POST', '/v2/n-1/approve');
    await s.advanceClock({ to: '2024-05-15T09:00:00Z' });
    expect(rec.received.map((r) => JSON.parse(r.body)['transaction_status'])).toEqual(['capture', 'capture', 'settlement']);
    for (const r of rec.received) {
      expect(r.headers['user-agent']).toBe('Veritrans');
      expect(r.headers['content-type']).toBe('application/json');
      expect(E.isRight(verifySignature(JSON.parse(r.body) as Record<string, unknown>, KEY))).toBe(true);
    }
    expect(s.deliveries().map((d) => d.result)).toEqual([200, 200, 200]);
  });

  it.each([
    [200, 1],
    [500, 2],
    [503, 5],
    [404, 3],
    [400, 3],
    [302, 1],
    [401, 6],
  ])('a merchant answering %i gets %i deliveries in total, as the clock advances', async (status, attempts) => {
    const rec = await receiver(() => status);
    const s = await sim({ notifyUrl: rec.url });
    await charge(s, 'n-r', CARDS.accept);
    await s.advanceClock(2 * MINUTE - 1);
    expect(rec.received.length).toBe(1);
    await s.advanceClock(6 * 60 * MINUTE);
    expect(rec.received.length).toBe(attempts);
    expect(new Set(rec.received.map((r) => r.body)).size).toBe(1);
  });

  it('a merchant that cannot be reached gets five retries', async () => {
    const rec = await receiver();
    await rec.close();
    running.splice(running.indexOf(rec), 1);
    const s = await sim({ notifyUrl: rec.url });
    await charge(s, 'n-x', CARDS.accept);
    await s.advanceClock(6 * 60 * MINUTE);
    const log = s.deliveries();
    expect(log).toHaveLength(6);
    expect(log.every((d) => typeof d.result === 'string' && d.result.startsWith('network:'))).toBe(true);
  });

  it('follows a 307 redirect with the same body', async () => {
    const target = await receiver();
    const hop = await startReceiver();
    running.push(hop);
    const redirector = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(307, { location: target.url });
        res.end();
      });
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    running.push({ url: '', received: [], close: () => new Promise<void>((resolve) => redirector.close(() => resolve())) });
    const port = (redirector.address() as { port: number }).port;
    const s = await sim({ notifyUrl: `http://127.0.0.1:${port}/` });
    await charge(s, 'n-307', CARDS.accept);
    await s.idle();
    expect(target.received).toHaveLength(1);
    expect(JSON.parse(target.received[0]!.body)['order_id']).toBe('n-307');
  });

  it('chaos is deterministic for a seed over HTTP too', async () => {
    const history = async (seed: number) => {
      const rec = await receiver();
      const s = await sim({ notifyUrl: rec.url, seed, chaos: ['duplicate', 'delay', 'reorder', 'drop'], chaosRate: 0.5 });
      for (let i = 0; i < 12; i++) {
        await charge(s, `d-${i}`, i % 2 === 0 ? CARDS.challenge : CARDS.accept);
        if (i % 4 === 0) await call(s.url, 'POST', `/v2/d-${i}/approve`);
        await s.idle();
      }
      await s.advanceClock(2 * 24 * 60 * MINUTE);
      return rec.received.map((r) => {
        const b = JSON.parse(r.body) as Record<string, unknown>;
        return `${b['order_id']}:${b['transaction_status']}/${b['fraud_status']}:${b['transaction_id']}`;
      });
    };
    const a = await history(5);
    expect(await history(5)).toEqual(a);
    expect(await history(6)).not.toEqual(a);
  });
});

describe('simulator over HTTP: anything unsupported is a Midtrans-shaped error, never a crash', () => {
  it.each([
    ['GET', '/v2/unknown/thing', undefined, 404, '404'],
    ['GET', '/', undefined, 404, '404'],
    ['POST', '/v2/x/status', undefined, 405, '405'],
    ['GET', '/v2/charge', undefined, 405, '405'],
    ['DELETE', '/v2/x/cancel', undefined, 405, '405'],
    ['POST', '/v2/card/register', undefined, 501, '501'],
    ['GET', '/v2/x/status/b2b', undefined, 501, '501'],
    ['POST', '/v2/charge', '{not json', 400, '413'],
    ['POST', '/_sim/clock', '{"advance_ms": -1}', 400, '400'],
    ['GET', '/_sim/transactions/none', undefined, 404, '404'],
  ])('%s %s (body %j) answers HTTP %i with status_code %s', async (method, path, body, httpStatus, code) => {
    const s = await sim();
    const res = await fetch(`${s.url}${path}`, {
      method,
      headers: { authorization: basicAuth(KEY), 'content-type': 'application/json' },
      ...(body !== undefined ? { body } : {}),
    });
    expect(res.status).toBe(httpStatus);
    const json = (await res.json()) as Record<string, unknown>;
    expect(json['status_code']).toBe(code);
    expect(typeof json['status_message']).toBe('string');
  });

  it('bounds request bodies (413) and keeps serving', async () => {
    const s = await sim({ maxBodyBytes: 1024 });
    const res = await fetch(`${s.url}/v2/charge`, {
      method: 'POST',
      headers: { authorization: basicAuth(KEY), 'content-type': 'application/json' },
      body: JSON.stringify({ filler: 'x'.repeat(5000) }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as Record<string, unknown>)['status_code']).toBe('413');
    expect((await call(s.url, 'GET', '/v2/x/status')).body['status_code']).toBe('404');
  });

  it('odd inputs (arrays, null, strings as bodies; encoded ids) get answers', async () => {
    const s = await sim();
    for (const body of ['[]', 'null', '"text"', '42', '']) {
      const r = await call(s.url, 'POST', '/v2/charge', body);
      expect(r.status).toBe(400);
    }
    expect((await call(s.url, 'GET', '/v2/%E0%A4%A/status')).body['status_code']).toBe('404');
    expect((await call(s.url, 'POST', '/v2/capture', '{"transaction_id": 5}')).status).toBe(400);
  });
});

describe('simulator over HTTP: control endpoints', () => {
  it('advances the clock, shows the truth, and resets', async () => {
    const s = await sim();
    await charge(s, 'c-1', CARDS.accept3ds);
    expect((await call(s.url, 'GET', '/_sim/clock')).body).toEqual({ now: START });
    expect((await call(s.url, 'POST', '/_sim/clock', { advance_ms: 10 * MINUTE })).body).toEqual({ now: '2024-05-14T03:10:00.000Z' });
    const truth = await call(s.url, 'GET', '/_sim/transactions/c-1');
    expect(truth.body).toMatchObject({ order_id: 'c-1', transaction_status: 'expire', attempts: 1 });
    expect((await call(s.url, 'POST', '/_sim/clock', { to: '2024-05-20T00:00:00Z' })).body).toEqual({ now: '2024-05-20T00:00:00.000Z' });
    expect((await call(s.url, 'POST', '/_sim/reset')).status).toBe(200);
    expect((await call(s.url, 'GET', '/_sim/transactions/c-1')).status).toBe(404);
    expect((await call(s.url, 'GET', '/_sim/notifications')).body).toEqual({ deliveries: [] });
  });
});
