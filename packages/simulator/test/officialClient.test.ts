/**
 * Wire compatibility: Midtrans' own Node client (midtrans-client 1.4.3), unchanged, pointed at the
 * simulator's base URL, gets the answers and errors it gets from Midtrans.
 */
import { startSimulator, type RunningSimulator } from '../src/index';
import { verifySignature } from '@paystate/adapters';

// The official client is CommonJS without types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const midtransClient = require('midtrans-client') as {
  CoreApi: new (o: { isProduction: boolean; serverKey: string; clientKey: string }) => OfficialCore;
  MidtransError: new () => Error;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ApiConfig = require('midtrans-client/lib/apiConfig') as { CORE_SANDBOX_BASE_URL: string };

type Body = Record<string, unknown>;
interface OfficialCore {
  cardToken(p: Body): Promise<Body>;
  charge(p: Body): Promise<Body>;
  capture(p: Body): Promise<Body>;
  transaction: {
    status(id: string): Promise<Body>;
    approve(id: string): Promise<Body>;
    deny(id: string): Promise<Body>;
    cancel(id: string): Promise<Body>;
    expire(id: string): Promise<Body>;
    refund(id: string, p: Body): Promise<Body>;
    refundDirect(id: string, p: Body): Promise<Body>;
    notification(n: Body | string): Promise<Body>;
  };
}

const KEY = 'SB-Mid-server-OFFICIAL';
const CLIENT_KEY = 'SB-Mid-client-OFFICIAL';
let sim: RunningSimulator;
let core: OfficialCore;

beforeAll(async () => {
  sim = await startSimulator({ serverKey: KEY, startAt: '2024-05-14T03:00:00.000Z', seed: 1, chaos: [] });
  ApiConfig.CORE_SANDBOX_BASE_URL = sim.url;
  core = new midtransClient.CoreApi({ isProduction: false, serverKey: KEY, clientKey: CLIENT_KEY });
});
afterAll(() => sim.close());

const token = async (card: string) =>
  (await core.cardToken({ card_number: card, card_exp_month: '12', card_exp_year: '2030', card_cvv: '123', client_key: CLIENT_KEY }))['token_id'] as string;

const charge = async (orderId: string, card: string, gross: number, creditCard: Body = {}) =>
  core.charge({
    payment_type: 'credit_card',
    transaction_details: { order_id: orderId, gross_amount: gross },
    credit_card: { token_id: await token(card), ...creditCard },
  });

/** The official client rejects with MidtransError carrying httpStatusCode and ApiResponse. */
const rejection = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e as { httpStatusCode: string | number; ApiResponse: Body; name: string };
  }
  throw new Error('expected the official client to reject');
};

test('non-3DS charge, status, and cancel, as the client library sees them', async () => {
  const charged = await charge('wire-1', '4411111111111118', 145000, { authentication: false });
  expect(charged).toMatchObject({ status_code: '200', transaction_status: 'capture', fraud_status: 'accept', gross_amount: '145000.00', order_id: 'wire-1' });
  const status = await core.transaction.status('wire-1');
  expect(status).toMatchObject({ status_code: '200', transaction_status: 'capture' });
  expect(verifySignature(status as never, KEY)._tag).toBe('Right');
  expect(await core.transaction.cancel('wire-1')).toMatchObject({ status_code: '200', transaction_status: 'cancel' });
});

test('errors come back where the client looks for them: 412 in the body, 404 unknown, 401 wrong key', async () => {
  await charge('wire-2', '4411111111111118', 50000, { authentication: false });
  const approve = await rejection(core.transaction.approve('wire-2'));
  expect([approve.name, String(approve.httpStatusCode), approve.ApiResponse['status_code']]).toEqual(['MidtransError', '412', '412']);
  const unknown = await rejection(core.transaction.status('no-such-order'));
  expect(String(unknown.httpStatusCode)).toBe('404');
  const wrongKey = new midtransClient.CoreApi({ isProduction: false, serverKey: 'SB-Mid-server-WRONG', clientKey: CLIENT_KEY });
  const denied = await rejection(wrongKey.transaction.status('wire-2'));
  expect(String(denied.httpStatusCode)).toBe('401');
  expect(JSON.stringify(denied.ApiResponse)).not.toContain('SB-Mid-server');
});

test('3DS charge answers 201 pending with a redirect_url; expire answers 407, which the client treats as success', async () => {
  const charged = await charge('wire-3', '4811111111111114', 75000);
  expect(charged).toMatchObject({ status_code: '201', transaction_status: 'pending' });
  expect(String(charged['redirect_url'])).toContain(sim.url);
  expect(await core.transaction.expire('wire-3')).toMatchObject({ status_code: '407', transaction_status: 'expire' });
});

test('challenge by FDS, then approve; pre-authorization, then capture', async () => {
  expect(await charge('wire-4', '4511111111111117', 200000, { authentication: false })).toMatchObject({
    status_code: '201',
    transaction_status: 'capture',
    fraud_status: 'challenge',
  });
  expect(await core.transaction.approve('wire-4')).toMatchObject({ status_code: '200', transaction_status: 'capture', fraud_status: 'accept' });
  const auth = await charge('wire-5', '4411111111111118', 300000, { authentication: false, type: 'authorize' });
  expect(auth).toMatchObject({ status_code: '200', transaction_status: 'authorize' });
  expect(await core.capture({ transaction_id: auth['transaction_id'], gross_amount: 250000 })).toMatchObject({
    status_code: '200',
    transaction_status: 'capture',
  });
});

test('after settlement: refunds with refund_key, 406 on a reused key, and the notification helper', async () => {
  await charge('wire-6', '4411111111111118', 100000, { authentication: false });
  await sim.advanceClock({ to: '2024-05-15T10:00:00.000Z' });
  expect((await core.transaction.status('wire-6'))['transaction_status']).toBe('settlement');
  expect(await core.transaction.refund('wire-6', { refund_key: 'wire-6-r1', amount: 30000, reason: 'test' })).toMatchObject({
    status_code: '200',
    transaction_status: 'partial_refund',
    refund_amount: '30000.00',
  });
  const reused = await rejection(core.transaction.refund('wire-6', { refund_key: 'wire-6-r1', amount: 10000 }));
  expect(String(reused.httpStatusCode)).toBe('406');
  const viaNotification = await core.transaction.notification({ transaction_id: (await core.transaction.status('wire-6'))['transaction_id'] as string });
  expect(viaNotification).toMatchObject({ transaction_status: 'partial_refund', refund_amount: '30000.00' });
});
