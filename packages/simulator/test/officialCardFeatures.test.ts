/**
 * The card features a client library calls, driven with Midtrans' own Node client
 * (midtrans-client 1.4.3, unchanged) against the simulator: card token, card register, one-click
 * and two-clicks charges, point inquiry, the 412/404/401/400/406 answers. Each test cites the
 * public page whose documented answer it checks; the client's own test suite against the real
 * sandbox (https://github.com/Midtrans/midtrans-nodejs-client/blob/master/test/coreApi.test.js)
 * is the source for the sandbox's error codes on these calls.
 */
import { completeThreeDs, startSimulator, type RunningSimulator } from '../src/index';

// The official client is CommonJS without types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const midtransClient = require('midtrans-client') as {
  CoreApi: new (o: { isProduction: boolean; serverKey: string | null; clientKey: string }) => OfficialCore;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ApiConfig = require('midtrans-client/lib/apiConfig') as { CORE_SANDBOX_BASE_URL: string };

type Body = Record<string, unknown>;
interface OfficialCore {
  apiConfig: { serverKey: string | null };
  cardToken(p: Body): Promise<Body>;
  cardRegister(p: Body): Promise<Body>;
  cardPointInquiry(tokenId: string): Promise<Body>;
  charge(p?: Body): Promise<Body>;
  transaction: {
    status(id: string): Promise<Body>;
    approve(id: string): Promise<Body>;
    deny(id: string): Promise<Body>;
    cancel(id: string): Promise<Body>;
    refund(id: string, p: Body): Promise<Body>;
    refundDirect(id: string, p: Body): Promise<Body>;
  };
}

const KEY = 'SB-Mid-server-CARDS';
const CLIENT_KEY = 'SB-Mid-client-CARDS';
let sim: RunningSimulator;
let core: OfficialCore;

beforeAll(async () => {
  sim = await startSimulator({ serverKey: KEY, clientKey: CLIENT_KEY, startAt: '2024-05-14T03:00:00.000Z', seed: 5, chaos: [] });
  ApiConfig.CORE_SANDBOX_BASE_URL = sim.url;
  core = new midtransClient.CoreApi({ isProduction: false, serverKey: KEY, clientKey: CLIENT_KEY });
});
afterAll(() => sim.close());

const CARD = { card_exp_month: '12', card_exp_year: '2030', card_cvv: '123', client_key: CLIENT_KEY };

const tokenOf = async (card: string): Promise<string> => (await core.cardToken({ card_number: card, ...CARD }))['token_id'] as string;

const ccCharge = (orderId: string, tokenId: string, gross = 12145, creditCard: Body = {}) =>
  core.charge({ payment_type: 'credit_card', transaction_details: { order_id: orderId, gross_amount: gross }, credit_card: { token_id: tokenId, ...creditCard } });

/** The official client rejects with MidtransError carrying httpStatusCode and ApiResponse. */
const rejection = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e as { httpStatusCode: string | number; ApiResponse: Body; message: string };
  }
  throw new Error('expected the official client to reject');
};

const keys = (b: Body): string[] => Object.keys(b).sort();

// The one-click recurring charge answer, field for field (no 3DS, so no eci / redirect_url):
// https://github.com/Midtrans/technical-documentation-site/blob/master/en/core-api/advanced-features.md ("Sample Charge API Response for recurring transactions")
const RECURRING_CHARGE_FIELDS = [
  'status_code', 'status_message', 'transaction_id', 'order_id', 'merchant_id', 'gross_amount', 'currency', 'payment_type', 'transaction_time',
  'transaction_status', 'fraud_status', 'approval_code', 'masked_card', 'bank', 'card_type', 'channel_response_code', 'channel_response_message',
];

describe('card token and card register', () => {
  test('cardToken answers 200 with a token_id (https://docs.midtrans.com/reference/get-token)', async () => {
    const t = await core.cardToken({ card_number: '4811 1111 1111 1114', ...CARD });
    expect(t).toMatchObject({ status_code: '200', redirect_url: null });
    expect(String(t['token_id'])).toMatch(/^481111-1114-/);
  });

  test('cardRegister answers 200 with saved_token_id, transaction_id, masked_card (https://docs.midtrans.com/reference/register-card)', async () => {
    const r = await core.cardRegister({ card_number: '4811 1111 1111 1114', ...CARD });
    // The page's field set, plus saved_token_id_expired_at (the card's expiry, as charges state it).
    expect(keys(r)).toEqual(['masked_card', 'saved_token_id', 'saved_token_id_expired_at', 'status_code', 'transaction_id']);
    expect(r).toMatchObject({ status_code: '200', masked_card: '48111111-1114', saved_token_id_expired_at: '2030-12-31 07:00:00' });
    expect(String(r['saved_token_id'])).toMatch(/^481111[A-Za-z0-9]{22}1114$/);
  });

  test('cardRegister checks the client key (401) and names each bad card field (400)', async () => {
    const wrongKey = await rejection(core.cardRegister({ card_number: '4811111111111114', ...CARD, client_key: 'SB-Mid-client-OTHER' }));
    expect(String(wrongKey.httpStatusCode)).toBe('401');
    const bad = await rejection(core.cardRegister({ card_number: '4811111111111115', card_exp_month: '13', card_exp_year: '2030', client_key: CLIENT_KEY }));
    expect(String(bad.httpStatusCode)).toBe('400');
    expect(bad.ApiResponse['validation_messages']).toEqual(['card_number is invalid', 'card_exp_month must be between 01 and 12']);
  });
});

describe('one-click: charge with the saved token, no 3DS', () => {
  test('a registered 3DS card charged one-click captures at once; the token stays usable (the client test "able to charge cc one click")', async () => {
    // https://docs.midtrans.com/reference/card-feature-one-click
    const saved = (await core.cardRegister({ card_number: '4811111111111114', ...CARD }))['saved_token_id'] as string;
    const first = await ccCharge('one-click-1', saved);
    expect(first).toMatchObject({ status_code: '200', transaction_status: 'capture', fraud_status: 'accept', masked_card: '48111111-1114' });
    expect(keys(first)).toEqual([...RECURRING_CHARGE_FIELDS].sort());
    expect(await ccCharge('one-click-2', saved, 5000)).toMatchObject({ status_code: '200', transaction_status: 'capture' });
  });

  test('the test cards decide a one-click charge as they decide a fresh one', async () => {
    const saved = (await core.cardRegister({ card_number: '4911111111111113', ...CARD }))['saved_token_id'] as string;
    expect(await ccCharge('one-click-deny', saved)).toMatchObject({ status_code: '202', transaction_status: 'deny' });
    const challenge = (await core.cardRegister({ card_number: '4511111111111117', ...CARD }))['saved_token_id'] as string;
    expect(await ccCharge('one-click-challenge', challenge)).toMatchObject({ status_code: '201', transaction_status: 'capture', fraud_status: 'challenge' });
  });

  test('save_token_id on a first charge returns saved_token_id and saved_token_id_expired_at, and the saved token charges again', async () => {
    // https://docs.midtrans.com/reference/card-feature-one-click ("One Click Initial Charge Response")
    const first = await ccCharge('save-1', await tokenOf('4411111111111118'), 145000, { save_token_id: true });
    expect(first).toMatchObject({ status_code: '200', transaction_status: 'capture', saved_token_id_expired_at: '2030-12-31 07:00:00' });
    expect(keys(first)).toEqual([...RECURRING_CHARGE_FIELDS, 'saved_token_id', 'saved_token_id_expired_at'].sort());
    const again = await ccCharge('save-2', first['saved_token_id'] as string);
    expect(again).toMatchObject({ status_code: '200', transaction_status: 'capture', masked_card: '44111111-1118' });
    expect(again['saved_token_id']).toBeUndefined();
  });

  test('a denied first charge saves nothing', async () => {
    const denied = await ccCharge('save-denied', await tokenOf('4711111111111115'), 145000, { save_token_id: true });
    expect(denied).toMatchObject({ status_code: '202', transaction_status: 'deny' });
    expect(denied['saved_token_id']).toBeUndefined();
  });

  test('an unknown or expired saved token answers 411; a single-use token used twice too', async () => {
    expect((await rejection(ccCharge('unknown-saved', '481111AAAAAAAAAAAAAAAAAAAAAA1114'))).ApiResponse).toEqual({
      status_code: '411',
      status_message: 'Token id is missing, invalid, or timed out',
    });
    const soon = (await core.cardRegister({ card_number: '4811111111111114', ...CARD, card_exp_month: '06', card_exp_year: '2024' }))['saved_token_id'] as string;
    expect(await ccCharge('before-expiry', soon)).toMatchObject({ status_code: '200' });
    await sim.advanceClock({ to: '2024-07-01T00:00:00.000Z' });
    expect(String((await rejection(ccCharge('after-expiry', soon))).httpStatusCode)).toBe('411');
    const once = await tokenOf('4411111111111118');
    await ccCharge('single-use-1', once);
    expect(String((await rejection(ccCharge('single-use-2', once))).httpStatusCode)).toBe('411');
  });
});

describe('two-clicks: the saved token plus CVV, then 3DS', () => {
  test('cardToken with token_id + card_cvv issues a single-use token whose charge opens 3DS, then captures', async () => {
    // https://docs.midtrans.com/reference/card-feature-two-clicks
    const first = await ccCharge('two-clicks-1', await tokenOf('4811111111111114'), 10000, { authentication: true, save_token_id: true });
    // https://github.com/Midtrans/technical-documentation-site/blob/master/en/core-api/advanced-features.md ("Sample Charge API Response for the First Transaction")
    expect(first).toMatchObject({ status_code: '201', transaction_status: 'pending' });
    expect(first['saved_token_id']).toBeUndefined();
    expect(await completeThreeDs(String(first['redirect_url']))()).toEqual({ _tag: 'Right', right: 'capture' });
    const status = await core.transaction.status('two-clicks-1');
    expect(status).toMatchObject({ transaction_status: 'capture', saved_token_id_expired_at: '2030-12-31 07:00:00' });
    const saved = status['saved_token_id'] as string;

    const t = await core.cardToken({ token_id: saved, two_click: true, card_cvv: '123', client_key: CLIENT_KEY });
    expect(t['status_code']).toBe('200');
    const second = await ccCharge('two-clicks-2', t['token_id'] as string);
    expect(second).toMatchObject({ status_code: '201', transaction_status: 'pending' });
    expect(await completeThreeDs(String(second['redirect_url']))()).toEqual({ _tag: 'Right', right: 'capture' });
    expect(String((await rejection(ccCharge('two-clicks-3', t['token_id'] as string))).httpStatusCode)).toBe('411');
  });

  test('a two-clicks token needs the CVV, and an unknown saved token is refused', async () => {
    const saved = (await core.cardRegister({ card_number: '5211111111111117', ...CARD }))['saved_token_id'] as string;
    expect(String((await rejection(core.cardToken({ token_id: saved, client_key: CLIENT_KEY }))).httpStatusCode)).toBe('400');
    expect(String((await rejection(core.cardToken({ token_id: 'nope', card_cvv: '123', client_key: CLIENT_KEY }))).httpStatusCode)).toBe('411');
  });
});

describe('point inquiry', () => {
  test('a test card has no points: 402, as the client test "fail to card point inquiry 402" expects (https://docs.midtrans.com/reference/point-inquiry)', async () => {
    const noPoints = await rejection(core.cardPointInquiry(await tokenOf('4811111111111114')));
    expect(noPoints.message).toContain('402');
    expect(keys(noPoints.ApiResponse)).toEqual(['status_code', 'status_message']);
    expect(noPoints.ApiResponse['status_code']).toBe('402');
    expect(String((await rejection(core.cardPointInquiry('unknown-token'))).httpStatusCode)).toBe('411');
  });
});

describe('actions on the wrong state, unknown orders, keys and validation', () => {
  test('approve / deny on a capture that is not challenged, cancel of a denied charge: 412 (https://docs.midtrans.com/reference/status-codes)', async () => {
    await ccCharge('wrong-state', await tokenOf('4411111111111118'));
    for (const p of [core.transaction.approve('wrong-state'), core.transaction.deny('wrong-state')]) {
      const e = await rejection(p);
      expect([String(e.httpStatusCode), keys(e.ApiResponse), e.ApiResponse['status_code']]).toEqual(['412', ['status_code', 'status_message'], '412']);
    }
    const denied = await rejection(core.transaction.cancel('one-click-deny'));
    expect(String(denied.httpStatusCode)).toBe('412');
  });

  test('refund and direct refund of a one-click capture before settlement: 412 (client tests "fail to (direct) refund non settlement transaction")', async () => {
    const saved = (await core.cardRegister({ card_number: '4811111111111114', ...CARD }))['saved_token_id'] as string;
    await ccCharge('refund-early', saved);
    const refund = await rejection(core.transaction.refund('refund-early', { amount: 5000, reason: 'for some reason' }));
    const direct = await rejection(core.transaction.refundDirect('refund-early', { amount: 5000, reason: 'for some reason' }));
    expect([refund.ApiResponse['status_code'], direct.ApiResponse['status_code']]).toEqual(['412', '412']);
  });

  test('an unknown order answers 404 (https://docs.midtrans.com/reference/get-transaction-status)', async () => {
    const e = await rejection(core.transaction.status('non-exists-transaction'));
    expect(e.ApiResponse).toEqual({ status_code: '404', status_message: "Transaction doesn't exist." });
  });

  test('no server key answers HTTP 401 (client test "fail to charge 401 with no serverKey")', async () => {
    const noKey = new midtransClient.CoreApi({ isProduction: false, serverKey: KEY, clientKey: CLIENT_KEY });
    noKey.apiConfig.serverKey = null;
    const e = await rejection(noKey.charge({ payment_type: 'credit_card', transaction_details: { order_id: 'no-key', gross_amount: 1000 } }));
    expect([e.httpStatusCode, e.ApiResponse['status_code']]).toEqual([401, '401']);
  });

  test('a zero amount answers HTTP 400 with validation_messages before the payment type is looked at (client test "able to throw custom MidtransError")', async () => {
    const bankTransfer = { payment_type: 'bank_transfer', transaction_details: { order_id: 'zero-bt', gross_amount: 0 }, bank_transfer: { bank: 'bca' } };
    const e = await rejection(core.charge(bankTransfer));
    expect(e.httpStatusCode).toBe(400);
    expect(keys(e.ApiResponse)).toEqual(['id', 'status_code', 'status_message', 'validation_messages']);
    expect(e.ApiResponse['validation_messages']).toEqual(['transaction_details.gross_amount must be a positive whole number']);
    const empty = await rejection(core.charge());
    expect(empty.httpStatusCode).toBe(400);
  });

  test('each bad field is named: missing order_id, over-long fields, items that do not add up', async () => {
    const e = await rejection(
      core.charge({
        payment_type: 'credit_card',
        transaction_details: { gross_amount: 10000 },
        item_details: [{ id: 'a1', price: 10000, quantity: 1, name: 'x'.repeat(51) }],
        customer_details: { first_name: 'y'.repeat(256) },
        credit_card: { token_id: 'any' },
      }),
    );
    expect(e.httpStatusCode).toBe(400);
    expect(e.ApiResponse['validation_messages']).toEqual([
      'transaction_details.order_id is required',
      'item_details[0].name must be at most 50 characters',
      'customer_details.first_name must be at most 255 characters',
    ]);
    const sum = await rejection(
      core.charge({
        payment_type: 'credit_card',
        transaction_details: { order_id: 'o'.repeat(51), gross_amount: 10000 },
        item_details: [{ id: 'a1', price: 7000, quantity: 1, name: 'Apple' }],
        credit_card: { token_id: 'any' },
      }),
    );
    expect(sum.ApiResponse['validation_messages']).toEqual([
      'transaction_details.order_id must be at most 50 characters',
      'transaction_details.gross_amount is not equal to the sum of item_details',
    ]);
  });

  test('an order_id already used answers 406 with the duplicate-order message (https://docs.midtrans.com/reference/status-codes)', async () => {
    const e = await rejection(ccCharge('wrong-state', await tokenOf('4411111111111118')));
    expect(e.ApiResponse).toMatchObject({ status_code: '406', validation_messages: ['transaction_details.order_id has already been utilized'] });
    expect(keys(e.ApiResponse)).toEqual(['id', 'status_code', 'status_message', 'validation_messages']);
  });

  test('bank, installment, bins and channel options: accepted when valid, refused with a named field otherwise (https://docs.midtrans.com/reference/credit-card-object)', async () => {
    expect(
      await ccCharge('opts-ok', await tokenOf('4411111111111118'), 12000, { bank: 'bni', installment_term: 3, bins: ['441111'], channel: 'migs' }),
    ).toMatchObject({ status_code: '200', transaction_status: 'capture' });
    const bad = await rejection(ccCharge('opts-bad', await tokenOf('4411111111111118'), 12000, { bank: 'nope', installment_term: 0, channel: 'x' }));
    expect(bad.ApiResponse['validation_messages']).toEqual([
      'credit_card.bank must be one of mandiri, bni, cimb, bca, maybank, bri',
      'credit_card.channel must be one of dragon, mti, migs, cybersource, braintree, mpgs',
      'credit_card.installment_term must be a whole number of months from 1 to 36',
    ]);
    const notListed = await rejection(ccCharge('opts-bins', await tokenOf('4411111111111118'), 12000, { whitelist_bins: ['521111', 'mandiri'] }));
    expect(notListed.ApiResponse['validation_messages']).toEqual(['credit_card.whitelist_bins does not allow this card']);
  });
});
