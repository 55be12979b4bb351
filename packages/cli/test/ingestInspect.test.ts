/**
 * `paystate ingest` and `paystate inspect` as a user runs them: spawned processes, real files,
 * exit codes, one-line errors.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { cardOrder, chargeRequest, chargeResponse, notificationPayload } from '@paystate/adapters/testing';
import { getSqliteEventStore } from '@paystate/adapters/sqlite';
import { cleanEnv, runPaystate } from '../../adapters/test/http/support/http';

const KEY = 'SB-Mid-server-CLI-INGEST';
const order = cardOrder('cli', 1, KEY);
const other = cardOrder('cli', 2, KEY);

const at = (i: number) => `2024-05-14T03:${String(15 + i).padStart(2, '0')}:20.000Z`;

/** A scenario file: one order's charge, a callback, capture and settlement, a forgery, a duplicate; and a second order. */
const scenario = {
  server_key: KEY,
  events: [
    chargeRequest(order),
    chargeResponse(order),
    { kind: 'callback_3ds', payload: { order_id: order.orderId, transaction_id: order.transactionId, status_code: '200', transaction_status: 'capture' } },
    { kind: 'notification', payload: notificationPayload(order, 'capture') },
    { kind: 'notification', payload: notificationPayload({ ...order, serverKey: 'forged' }, 'refund') },
    { kind: 'notification', payload: notificationPayload(order, 'settlement') },
    { kind: 'notification', payload: notificationPayload(order, 'settlement') },
    chargeResponse(other),
  ].map((e, i) => ({ ...e, received_at: at(i) })),
};

let dir: string;
let scenarioFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'paystate-cli-'));
  scenarioFile = join(dir, 'scenario.json');
  writeFileSync(scenarioFile, JSON.stringify(scenario, null, 2));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const oneLine = (s: string) => {
  expect(s.endsWith('\n')).toBe(true);
  expect(s.trim().split('\n')).toHaveLength(1);
  expect(s).not.toMatch(/\n\s+at /);
};

describe('paystate ingest', () => {
  test('a scenario file into the default store (sqlite:paystate.db in the working directory), then again: nothing applied twice', async () => {
    const cwd = mkdtempSync(join(dir, 'default-'));
    const first = await runPaystate(['ingest', scenarioFile], { cwd });
    expect(first).toEqual({ code: 0, stdout: 'applied 5, duplicate 1, ignored 1, stale 0, illegal 0, rejected 1\n', stderr: '' });
    expect(existsSync(join(cwd, 'paystate.db'))).toBe(true);
    const again = await runPaystate(['ingest', scenarioFile], { cwd });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^applied 0, /);
  });

  test('NDJSON from standard input into PAYSTATE_STORE: a malformed line is recorded as rejected with its line number', async () => {
    const file = join(dir, 'ndjson.db');
    const lines = [JSON.stringify(chargeResponse(order)), '', '{"kind": "notification", "payload": ', JSON.stringify({ kind: 'notification', payload: notificationPayload(order, 'capture') }), '42'];
    const r = await runPaystate(['ingest', '-'], { cwd: dir, env: cleanEnv({ PAYSTATE_STORE: `sqlite:${file}`, MIDTRANS_SERVER_KEY: KEY }), input: lines.join('\n') + '\n' });
    expect(r).toEqual({ code: 0, stdout: 'applied 2, duplicate 0, ignored 0, stale 0, illegal 0, rejected 2\n', stderr: '' });
    const store = getSqliteEventStore({ filename: file });
    if (E.isLeft(store)) throw new Error(store.left._tag);
    try {
      const rejections = await store.right.readRejections({})();
      expect(E.isRight(rejections) && rejections.right.map((x) => [x.reason.slice(0, 26), x.rawBody])).toEqual([
        ['line 3: body: not valid JS', '{"kind": "notification", "payload": '],
        ['line 5: line: expected an ', '42'],
      ]);
    } finally {
      await store.right.close();
    }
  });

  test('one-line errors: no key for notifications (exit 2), no such file (exit 2), a store it cannot open (exit 1)', async () => {
    const ndjson = join(dir, 'unsigned.ndjson');
    writeFileSync(ndjson, JSON.stringify({ kind: 'notification', payload: notificationPayload(order, 'capture') }) + '\n');
    const [noKey, noFile, badStore, badUrl] = await Promise.all([
      runPaystate(['ingest', '--store', `sqlite:${join(dir, 'nokey.db')}`, ndjson], { cwd: dir }),
      runPaystate(['ingest', '--store', `sqlite:${join(dir, 'x.db')}`, join(dir, 'missing.ndjson')], { cwd: dir }),
      runPaystate(['ingest', '--store', `sqlite:${join(dir, 'no', 'such', 'dir', 'x.db')}`, scenarioFile], { cwd: dir }),
      runPaystate(['ingest', '--store', 'ftp://example.com/x', scenarioFile], { cwd: dir }),
    ]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/^paystate ingest: .*no server key.*set MIDTRANS_SERVER_KEY, or pass --server-key-file PATH/);
    expect(existsSync(join(dir, 'nokey.db'))).toBe(false);
    expect([noFile.code, noFile.stderr]).toEqual([2, `paystate ingest: cannot read ${join(dir, 'missing.ndjson')}: no such file\n`]);
    expect(badStore.code).toBe(1);
    expect(badStore.stderr).toMatch(/^paystate ingest: cannot open store sqlite:.*: store unavailable: /);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/^paystate ingest: --store: invalid argument: unsupported scheme/);
    for (const r of [noKey, noFile, badStore, badUrl]) oneLine(r.stderr);
  });
});

describe('paystate inspect', () => {
  let store: string;
  beforeAll(async () => {
    store = `sqlite:${join(dir, 'inspect.db')}`;
    expect((await runPaystate(['ingest', '--store', store, scenarioFile], { cwd: dir })).code).toBe(0);
  });

  test('--format json is the order entry of `paystate replay --format json` plus its events, in replay shape', async () => {
    const [inspected, replayed] = await Promise.all([
      runPaystate(['inspect', order.orderId, '--store', store, '--format', 'json'], { cwd: dir }),
      runPaystate(['replay', '--format', 'json', scenarioFile], { cwd: dir }),
    ]);
    expect([inspected.code, inspected.stderr]).toEqual([0, '']);
    const { events, ...summary } = JSON.parse(inspected.stdout) as { events: Record<string, unknown>[] };
    const report = JSON.parse(replayed.stdout) as { events: Record<string, unknown>[]; orders: Record<string, unknown> };
    expect(summary).toEqual(report.orders[order.orderId]);
    const strip = ({ index: _index, ...rest }: Record<string, unknown>) => rest;
    // the forged notification (line 5) is kept in the rejection log under no order: inspect does not list it
    const forged = (e: Record<string, unknown>) => e['outcome'] === 'rejected' && /signature_key/.test(String(e['reason']));
    expect(report.events.filter(forged)).toHaveLength(1);
    expect(events.map(strip)).toEqual(report.events.filter((e) => e['order_id'] === order.orderId && !forged(e)).map(strip));
    expect(events.map((e) => e['index'])).toEqual(events.map((_, i) => i));
    expect(events.map((e) => e['outcome'])).toEqual(['applied', 'applied', 'ignored', 'applied', 'applied', 'duplicate']);
  });

  test('the table: the timeline with outcomes and reasons, the state, answers and deadlines; a transaction_id finds its order', async () => {
    const r = await runPaystate(['inspect', order.transactionId, '--store', store], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain(`order ${order.orderId}: settlement/accept (6 observations in the stream, 0 rejected)`);
    expect(r.stdout).not.toMatch(/signature_key: does not match/);
    for (const line of ['paid: yes', 'can ship: yes', 'needs review: no', 'refundable remaining: 145000.00', 'needs reconciliation: no', 'flags: none', 'allowed actions: direct_refund, refund', 'deadlines: none'])
      expect(r.stdout).toContain(line);
  });

  test('one-line errors: an unknown order (exit 1), no store file (exit 1, none created), no ORDER_ID (exit 2)', async () => {
    const missing = join(dir, 'absent.db');
    const [unknown, noStore, noId, badFormat] = await Promise.all([
      runPaystate(['inspect', 'no-such-order', '--store', store], { cwd: dir }),
      runPaystate(['inspect', order.orderId, '--store', `sqlite:${missing}`], { cwd: dir }),
      runPaystate(['inspect', '--store', store], { cwd: dir }),
      runPaystate(['inspect', order.orderId, '--store', store, '--format', 'yaml'], { cwd: dir }),
    ]);
    expect([unknown.code, unknown.stdout, unknown.stderr]).toEqual([1, '', 'paystate inspect: order "no-such-order" is unknown\n']);
    expect([noStore.code, noStore.stderr]).toEqual([1, `paystate inspect: no store at ${missing} (pass --store or set PAYSTATE_STORE)\n`]);
    expect(existsSync(missing)).toBe(false);
    expect([noId.code, noId.stderr]).toEqual([2, 'paystate inspect: inspect takes one ORDER_ID, got 0\n']);
    expect([badFormat.code, badFormat.stderr]).toEqual([2, 'paystate inspect: --format must be one of table|json|svg, got "yaml"\n']);
  });
});
