/**
 * Saved cards through paystate's Core API client against the simulator: registerCard returns a
 * typed answer and records nothing (it opens no order); a one-click charge (the saved token as
 * `credit_card.token_id`) and a first charge with `save_token_id` are recorded like any charge and
 * fold into an attempt; pointInquiry answers 402 for the sandbox test cards.
 */
import * as E from 'fp-ts/lib/Either.js';
import { cardToken, startSimulator, type RunningSimulator } from '@paystate/midtrans-simulator';
import { createCoreApiClient, renderCoreApiError, type CoreApiClient } from '../../src/coreApi/index';
import type { Ingestor, StoredObservation } from '../../src/ingest/index';
import { newIngestor, SERVER_KEY } from './support';

const CLIENT_KEY = 'SB-Mid-client-CLIENTTEST';
let sim: RunningSimulator;
let ingestor: Ingestor;
let client: CoreApiClient;

beforeEach(async () => {
  sim = await startSimulator({ serverKey: SERVER_KEY, clientKey: CLIENT_KEY, startAt: '2024-05-14T03:00:00.000Z', seed: 3 });
  ingestor = newIngestor();
  client = createCoreApiClient({ serverKey: SERVER_KEY, baseUrl: sim.url, ingestor, retries: 0 });
});
afterEach(() => sim.close());

const ok = async <A>(t: () => Promise<E.Either<Parameters<typeof renderCoreApiError>[0], A>>): Promise<A> => {
  const r = await t();
  if (E.isLeft(r)) throw new Error(renderCoreApiError(r.left));
  return r.right;
};

const chargeBody = (orderId: string, tokenId: string, cc: Record<string, unknown> = {}) => ({
  payment_type: 'credit_card',
  transaction_details: { order_id: orderId, gross_amount: 145000 },
  credit_card: { token_id: tokenId, ...cc },
});

const streamKinds = async (orderId: string): Promise<string[]> => {
  const r = await ingestor.store.readStream(`order:${orderId}`)();
  if (E.isLeft(r)) throw new Error('store');
  return r.right.events.map((e) => (e.data as StoredObservation).line.kind);
};

test('registerCard returns the saved token, typed, and opens no order', async () => {
  const saved = await ok(client.registerCard({ card_number: '4811111111111114', card_exp_month: '12', card_exp_year: '2030', card_cvv: '123', client_key: CLIENT_KEY }));
  expect(saved.savedTokenId).toMatch(/^481111[A-Za-z0-9]{22}1114$/);
  expect([saved.maskedCard, saved.savedTokenIdExpiredAt]).toEqual(['48111111-1114', '2030-12-31 07:00:00']);
  expect(typeof saved.transactionId).toBe('string');
  const refused = await client.registerCard({ card_number: '4811111111111114', card_exp_month: '12', card_exp_year: '2030', client_key: 'SB-Mid-client-WRONG' })();
  expect(E.isLeft(refused) && refused.left).toMatchObject({ _tag: 'MidtransError', call: 'register_card', statusCode: '401' });
});

test('a one-click charge with the saved token is recorded and folds into a captured attempt; refund before settlement is refused locally', async () => {
  const saved = await ok(client.registerCard({ card_number: '4811111111111114', card_exp_month: '12', card_exp_year: '2030', client_key: CLIENT_KEY }));
  const answer = await ok(client.charge(chargeBody('oc-1', saved.savedTokenId)));
  expect([answer.statusCode, answer.transactionStatus, answer.ingested.outcome]).toEqual(['200', 'capture', 'applied']);
  expect(await streamKinds('oc-1')).toEqual(['charge_request', 'charge_response']);
  const order = answer.ingested.state;
  expect(order?.attempts.map((a) => [a.transactionId, a.status, a.fraud])).toEqual([[answer.body['transaction_id'], 'capture', 'accept']]);
  const refund = await client.refund('oc-1', { amount: 5000 })();
  expect(E.isLeft(refund) && refund.left._tag).toBe('RefusedLocally');
});

test('save_token_id: the answer’s saved_token_id fields are kept in the recorded observation, and the token charges again', async () => {
  const token = await cardToken(sim.url, '4411111111111118', CLIENT_KEY)();
  if (E.isLeft(token)) throw new Error(token.left);
  const first = await ok(client.charge(chargeBody('save-1', token.right, { save_token_id: true })));
  const savedId = first.body['saved_token_id'];
  expect(typeof savedId).toBe('string');
  const r = await ingestor.store.readStream('order:save-1')();
  if (E.isLeft(r)) throw new Error('store');
  const response = r.right.events.map((e) => (e.data as StoredObservation).line).find((l) => l.kind === 'charge_response');
  expect(response?.payload).toMatchObject({ saved_token_id: savedId, saved_token_id_expired_at: '2030-12-31 07:00:00' });
  const again = await ok(client.charge(chargeBody('save-2', String(savedId))));
  expect([again.transactionStatus, again.ingested.outcome]).toEqual(['capture', 'applied']);
});

test('pointInquiry: a sandbox test card has no points (402), recorded nowhere', async () => {
  const token = await cardToken(sim.url, '4811111111111114', CLIENT_KEY)();
  if (E.isLeft(token)) throw new Error(token.left);
  const r = await client.pointInquiry(token.right, 145000)();
  expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'MidtransError', call: 'point_inquiry', statusCode: '402' });
});
