/**
 * Logging: one line per webhook call with its level and request id, the cause of a 5xx, never the
 * server key or a full card number (both planted in a payload); the reconciler's failed rounds are
 * logged and kept instead of swallowed.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { createPaystate, type Paystate } from '../../src/ingest/index';
import { cardOrder, chargeRequest, chargeResponse, notificationBody } from '../../src/midtrans/fixtures';
import { maskingLogger, maskPans } from '../../src/observe/index';
import { createReconciler, type ReconcileFailure } from '../../src/reconcile/index';
import { getInMemoryEventStore } from '../../src/store/index';
import { json, send, startInProcess, type InProcess } from '../http/support/http';
import { captureLogger } from './support';

const KEY = 'SB-Mid-server-LOGGING-TEST-5d1e';
const PAN = '4811111111111114';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('maskPans', () => {
  test('masks card numbers, grouped or not, to their last four digits; leaves other digit runs', () => {
    expect(maskPans(`card ${PAN} end`)).toBe('card ************1114 end');
    expect(maskPans('4811 1111 1111 1114 and 5211-1111-1111-1117')).toBe('************1114 and ************1117');
    // Not a card number: fails the Luhn check, too short, or part of a longer run.
    expect(maskPans('4811111111111115')).toBe('4811111111111115');
    expect(maskPans('order 481111111111 at 20240514101520')).toBe('order 481111111111 at 20240514101520');
    expect(maskPans('x12345678901234567890123y')).toBe('x12345678901234567890123y');
    // Ids: a UUID whose digit groups pass the Luhn check, and digits inside a hexadecimal id.
    expect(maskPans('5a75ed72-1280-4261-4811-111111111114')).toBe('5a75ed72-1280-4261-4811-111111111114');
    expect(maskPans('tx a3e4811111111111114 and 4811111111111114f0')).toBe('tx a3e4811111111111114 and 4811111111111114f0');
  });

  test('a masking logger masks messages, nested fields, errors and bindings, and the secrets it is given', () => {
    const { lines, logger } = captureLogger();
    const l = maskingLogger(logger, [KEY]).child({ card: PAN });
    l.info({ deep: { list: [`pan ${PAN}`, { key: KEY }] }, err: new Error(`bad ${PAN}`) }, `message ${KEY}`);
    l.warn(`only a message ${PAN}`);
    const text = JSON.stringify(lines);
    expect(text).not.toContain(PAN);
    expect(text).not.toContain(KEY);
    expect(lines[0]).toMatchObject({ level: 'info', card: '************1114', deep: { list: ['pan ************1114', { key: '[redacted]' }] }, msg: 'message [redacted]' });
    expect(lines[1]).toEqual({ level: 'warn', card: '************1114', msg: 'only a message ************1114' });
  });
});

describe('the webhook logs one line per call', () => {
  let paystate: Paystate;
  let server: InProcess;
  const captured = captureLogger();

  beforeAll(async () => {
    paystate = createPaystate({ store: getInMemoryEventStore(), serverKey: KEY, logger: captured.logger });
    server = await startInProcess(paystate);
  });
  afterAll(async () => {
    await server.close();
    await paystate.close();
  });

  test('level by status, a request id (the caller’s when sane, also in the answer), no key, no card number', async () => {
    const o = cardOrder('logging', 1, KEY);
    expect(E.isRight(await paystate.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)())).toBe(true);
    // The key and a card number planted in fields the signature does not cover.
    const planted = notificationBody(o, 'capture', { custom_field1: PAN, custom_field2: KEY, masked_card: PAN });
    const ok = await send(server.port, { body: planted, headers: { 'x-request-id': 'trace-42.a' } });
    expect([ok.status, ok.headers['x-request-id']]).toEqual([200, 'trace-42.a']);
    // An order named like a card number, unknown: 404 (its order_id is echoed, so it is logged masked).
    const notFound = await send(server.port, { body: notificationBody({ ...cardOrder('x', 2, KEY), orderId: PAN }, 'settlement'), headers: { 'x-request-id': 'has spaces, so not sane' } });
    expect(notFound.status).toBe(404);
    expect(String(notFound.headers['x-request-id'])).toMatch(UUID);
    const forged = await send(server.port, { body: notificationBody(o, 'settlement', { custom_field1: KEY }).replace(/"signature_key":"[0-9a-f]+"/, `"signature_key":"${'0'.repeat(128)}"`) });
    expect(forged.status).toBe(401);
    const health = await send(server.port, { method: 'GET', path: '/health' });
    expect(health.status).toBe(200);

    const requests = captured.lines.filter((l) => typeof l['request_id'] === 'string');
    expect(requests.map((l) => [l.level, l['method'], l['path'], l['status']])).toEqual([
      ['info', 'POST', '/notifications', 200],
      ['warn', 'POST', '/notifications', 404],
      ['warn', 'POST', '/notifications', 401],
      ['info', 'GET', '/health', 200],
    ]);
    expect(requests.map((l) => l['request_id'])).toEqual(['trace-42.a', notFound.headers['x-request-id'], forged.headers['x-request-id'], health.headers['x-request-id']]);
    expect(new Set(requests.map((l) => l['request_id'])).size).toBe(4);
    expect(requests[0]).toMatchObject({ outcome: 'applied', order_id: o.orderId, msg: 'POST /notifications 200' });
    expect(requests[1]).toMatchObject({ order_id: '************1114' });
    expect(json(notFound)['order_id']).toBe(PAN); // the answer is Midtrans', unchanged
    const text = JSON.stringify(captured.lines);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(PAN);
  });

  test('a 5xx is logged at error level with its cause; the answer still names no cause', async () => {
    const store = getInMemoryEventStore();
    const { lines, logger } = captureLogger();
    const down = createPaystate({ store, serverKey: KEY, logger });
    const o = cardOrder('down', 1, KEY);
    await down.recordCharge(chargeRequest(o).payload, chargeResponse(o).payload)();
    await store.close();
    const s = await startInProcess(down);
    try {
      const r = await send(s.port, { body: notificationBody(o, 'capture', { custom_field1: PAN }) });
      expect(r.status).toBe(503);
      expect(r.text).not.toMatch(/closed/i);
      const line = lines.find((l) => l['status'] === 503)!;
      expect(line).toMatchObject({ level: 'error', code: 'StoreUnavailable', request_id: r.headers['x-request-id'] });
      expect(String(line['cause'])).toMatch(/^store unavailable: .+/);
      expect(JSON.stringify(lines)).not.toContain(PAN);
    } finally {
      await s.close();
    }
  });

  test('a defect (the ingestion service throws) is a 500 logged with the thrown message', async () => {
    const { lines, logger } = captureLogger();
    const broken = { ingestNotification: () => TE.fromTask(() => Promise.reject(new Error(`defect near ${PAN}`))), store: getInMemoryEventStore() } as unknown as Paystate;
    const s = await startInProcess(broken, { logger });
    try {
      const r = await send(s.port, { body: '{}' });
      expect(r.status).toBe(500);
      expect(lines.find((l) => l['status'] === 500)).toMatchObject({ level: 'error', code: 'internal_error', cause: 'defect near ************1114' });
    } finally {
      await s.close();
    }
  });
});

describe('the reconciler', () => {
  test('start(): a failed round is logged with its cause, kept as lastError and handed to onError; the loop goes on', async () => {
    const store = getInMemoryEventStore();
    const paystate = createPaystate({ store, serverKey: KEY });
    const { lines, logger } = captureLogger();
    const failures: ReconcileFailure[] = [];
    let rounds = 0;
    const reconciler = createReconciler({
      client: { status: () => TE.left({ _tag: 'Network', call: 'status', message: 'unused', attempts: 1 }) },
      ingestor: paystate.ingestor,
      logger,
      onError: (f) => failures.push(f),
      onRound: () => {
        rounds += 1;
      },
    });
    await store.close();
    reconciler.start({ intervalMs: 10 });
    await new Promise((r) => setTimeout(r, 80));
    await reconciler.stop();
    expect(rounds).toBe(0);
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(reconciler.lastError()).toMatchObject({ _tag: 'Store', error: { _tag: 'StoreUnavailable' } });
    expect(lines[0]).toMatchObject({ level: 'error', component: 'reconciler', kind: 'Store', msg: 'reconciliation round failed', cause: expect.stringMatching(/^store unavailable: /) });
  });

  test('start(): a defect thrown by onRound is logged and kept too, not swallowed', async () => {
    const paystate = createPaystate({ store: getInMemoryEventStore(), serverKey: KEY });
    const { lines, logger } = captureLogger();
    const reconciler = createReconciler({
      client: { status: () => TE.left({ _tag: 'Network', call: 'status', message: 'unused', attempts: 1 }) },
      ingestor: paystate.ingestor,
      logger,
      onRound: () => {
        throw new Error('the host hook broke');
      },
    });
    reconciler.start({ intervalMs: 1_000 });
    await new Promise((r) => setTimeout(r, 50));
    await reconciler.stop();
    expect(reconciler.lastError()).toMatchObject({ _tag: 'Defect', error: { message: 'the host hook broke' } });
    expect(lines).toContainEqual(expect.objectContaining({ level: 'error', cause: 'the host hook broke' }));
  });
});
