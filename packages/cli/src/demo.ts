/**
 * `paystate demo`: the whole loop on this machine. A local Midtrans sandbox (the simulator), the
 * `paystate serve` webhook on the embedded SQLite store (confirm mode: each notification checked
 * with the simulator's GET status), checkouts across the sandbox test cards
 * with chaos on the notifications, the clock moved through 3DS expiry and settlement, refunds,
 * then reconciliation. Ends with the engine's state against the simulator's truth per order and
 * exits non-zero if any order disagrees.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import * as E from 'fp-ts/lib/Either.js';
import { formatAmount, latestAttempt } from '@paystate/engine';
import { createCoreApiClient, renderCoreApiError, type CoreApiClient, type CoreApiResult } from '@paystate/adapters';
import { createPaystate, type Paystate, type StoredObservation } from '@paystate/adapters';
import { createReconciler } from '@paystate/adapters';
import { cardToken, completeThreeDs, parseChaos, savedCardToken, startSimulator, type RunningSimulator } from '@paystate/midtrans-simulator';
import { formatStoreError } from '@paystate/adapters';
import { getSqliteEventStore } from '@paystate/adapters/sqlite';
import { parse, UsageError } from './args';
import { DEMO_CHAOS, DEMO_DIR } from './defaults';
import { paystateArgv } from './processes';
import type { Io } from './io';

const KEY = 'SB-Mid-server-DEMO';
const START = '2024-05-14T03:00:00.000Z'; // 10:00 GMT+7
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface Checkout {
  readonly name: string;
  readonly card: string;
  readonly gross: number;
  readonly creditCard?: Record<string, unknown>;
  /** What the customer does on the 3DS page: the OTP, or nothing (abandoned). */
  readonly otp?: string;
  /** What the merchant does after the charge. */
  readonly then?: 'approve' | 'deny' | 'cancel' | 'capture' | 'partial_capture';
  /** Refunds after settlement: amounts in rupiah, or 'full'. */
  readonly refunds?: readonly (number | 'full')[];
  /** A saved card (registered first): charged with the saved token (one-click, no 3DS) or with the saved token plus CVV (two-clicks, 3DS). */
  readonly saved?: 'one_click' | 'two_clicks';
}

const CLIENT_KEY = 'SB-Mid-client-DEMO';

const CHECKOUTS: readonly Checkout[] = [
  { name: '3DS success (4811 1111 1111 1114, OTP 112233)', card: '4811111111111114', gross: 145_000, otp: '112233' },
  { name: 'non-3DS capture (4411 1111 1111 1118)', card: '4411111111111118', gross: 99_000, creditCard: { authentication: false } },
  { name: 'denied by bank (4711 1111 1111 1115)', card: '4711111111111115', gross: 50_000, creditCard: { authentication: false } },
  { name: '3DS denied by bank (4911 1111 1111 1113)', card: '4911111111111113', gross: 75_000, otp: '112233' },
  { name: 'denied by FDS (4611 1111 1111 1116)', card: '4611111111111116', gross: 60_000, creditCard: { authentication: false } },
  { name: 'challenge, then approve (4511 1111 1111 1117)', card: '4511111111111117', gross: 200_000, creditCard: { authentication: false }, then: 'approve' },
  { name: 'challenge, then deny (4511 1111 1111 1117)', card: '4511111111111117', gross: 210_000, creditCard: { authentication: false }, then: 'deny' },
  { name: 'partial refund of 50,000', card: '4411111111111118', gross: 145_000, creditCard: { authentication: false }, refunds: [50_000] },
  { name: 'two partial refunds', card: '5211111111111117', gross: 300_000, otp: '112233', refunds: [100_000, 50_000] },
  { name: 'full refund', card: '4411111111111118', gross: 80_000, creditCard: { authentication: false }, refunds: ['full'] },
  { name: '3DS abandoned: expires after 10 minutes', card: '4811111111111114', gross: 45_000 },
  { name: 'pre-authorization, partial capture', card: '4411111111111118', gross: 500_000, creditCard: { authentication: false, type: 'authorize' }, then: 'partial_capture' },
  { name: 'pre-authorization, cancelled', card: '4411111111111118', gross: 120_000, creditCard: { authentication: false, type: 'authorize' }, then: 'cancel' },
  { name: 'captured, then cancelled before settlement', card: '4411111111111118', gross: 65_000, creditCard: { authentication: false }, then: 'cancel' },
  { name: 'saved card, one-click (4811 1111 1111 1114)', card: '4811111111111114', gross: 35_000, saved: 'one_click', refunds: [10_000] },
  { name: 'saved card, two-clicks: CVV + 3DS (5211 1111 1111 1117)', card: '5211111111111117', gross: 55_000, saved: 'two_clicks', otp: '112233' },
];

/** Starts `paystate serve` on the store, confirming notifications with the simulator's GET status, and resolves its URL once it listens. */
const startServe = (store: string, coreApi: string): Promise<{ url: string; child: ChildProcess; trust: string | undefined }> =>
  new Promise((resolveUrl, reject) => {
    const child = spawn(process.execPath, [...paystateArgv(['serve', '--store', store, '--port', '0', '--core-api', coreApi, '--log-format', 'json'])], {
      env: { ...process.env, MIDTRANS_SERVER_KEY: KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error('paystate serve did not start within 20 s')), 20_000);
    let url: string | undefined;
    lines.on('line', (line) => {
      const m = /^listening on (http:\/\/\S+)/.exec(line);
      if (m !== null) url = m[1]!;
      // The log line after it says how notifications are trusted.
      const trust = /"msg":"listening"/.test(line) ? /"trust":"(\w+)"/.exec(line)?.[1] : undefined;
      if (url !== undefined && trust !== undefined) {
        clearTimeout(timer);
        resolveUrl({ url, child, trust });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`paystate serve exited with ${code}`));
    });
  });

export const demo = async (argv: readonly string[], io: Io): Promise<E.Either<UsageError, number>> => {
  const args = parse(argv, { seed: { type: 'string' }, copies: { type: 'string' }, chaos: { type: 'string' }, dir: { type: 'string' } });
  if (E.isLeft(args)) return args;
  if (args.right.positionals.length > 0) return E.left(new UsageError(`demo takes no arguments, got "${args.right.positionals[0]}"`));
  const values = args.right.values as { seed?: string; copies?: string; chaos?: string; dir?: string };
  const seed = Number(values.seed ?? 7);
  const copies = Number(values.copies ?? 3);
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(copies) || copies < 1 || copies > 50)
    return E.left(new UsageError('--seed must be an integer and --copies a whole number from 1 to 50'));
  const chaosE = parseChaos(values.chaos ?? DEMO_CHAOS);
  if (E.isLeft(chaosE)) return E.left(new UsageError(chaosE.left));
  const chaos = chaosE.right;
  if (values.dir === '') return E.left(new UsageError('--dir must not be empty'));

  const dir = resolve(values.dir ?? DEMO_DIR);
  const made = E.tryCatch(() => mkdirSync(dir, { recursive: true }), (e) => (e instanceof Error ? e.message : String(e)));
  if (E.isLeft(made)) {
    io.stderr(`paystate demo: cannot create ${dir}: ${made.left}\n`);
    return E.right(1);
  }
  const dbFile = join(dir, 'demo.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(dbFile + suffix, { force: true });
  const say = (s: string) => io.stdout(s + '\n');

  say(`paystate demo: a local Midtrans sandbox, paystate serve on ${dbFile} (SQLite, WAL, synchronous=FULL)`);
  // The simulator first: serve confirms every notification with its GET status (confirm mode).
  const sim: RunningSimulator = await startSimulator({ serverKey: KEY, startAt: START, seed, chaos, chaosRate: 0.3 });
  const served = await startServe(`sqlite:${dbFile}`, sim.url).catch(async (e: unknown) => {
    await sim.close();
    throw e;
  });
  sim.setNotifyUrl(`${served.url}/notifications`);
  const storeE = getSqliteEventStore({ filename: dbFile });
  if (E.isLeft(storeE)) {
    served.child.kill();
    await sim.close();
    io.stderr(`paystate demo: ${formatStoreError(storeE.left)}\n`);
    return E.right(1);
  }
  const paystate: Paystate = createPaystate({ store: storeE.right, serverKey: KEY });
  try {
    say(`simulator on ${sim.url} (chaos: ${chaos.join(', ') || 'none'}, seed ${seed}); webhook on ${served.url}/notifications, ${served.trust} mode (each notification checked with GET status)`);
    const client: CoreApiClient = createCoreApiClient({ serverKey: KEY, baseUrl: sim.url, ingestor: paystate.ingestor, retries: 2, retryDelayMs: 10 });
    const reconciler = createReconciler({ client, ingestor: paystate.ingestor, clock: () => sim.now(), concurrency: 8 });
    const problems: string[] = [];
    const call = async (what: string, t: CoreApiResult) => {
      const r = await t();
      if (E.isLeft(r)) problems.push(`${what}: ${renderCoreApiError(r.left)}`);
      return E.isRight(r) ? r.right : undefined;
    };
    /** Registers the checkout's card, then: the saved token itself (one-click), or a token for the saved card plus CVV (two-clicks). */
    const savedToken = async (c: Checkout): Promise<E.Either<string, string>> => {
      const card = { card_number: c.card, card_exp_month: '12', card_exp_year: '2030', client_key: CLIENT_KEY };
      const registered = await client.registerCard(card)();
      if (E.isLeft(registered)) return E.left(renderCoreApiError(registered.left));
      return c.saved === 'one_click' ? E.right(registered.right.savedTokenId) : savedCardToken(sim.url, registered.right.savedTokenId, '123', CLIENT_KEY)();
    };
    const orders = CHECKOUTS.flatMap((c, i) => Array.from({ length: copies }, (_, k) => ({ id: `demo-${String(i + 1).padStart(2, '0')}-${k + 1}`, checkout: c })));

    say(`\n[1/5] ${orders.length} checkouts across ${CHECKOUTS.length} kinds (charge, 3DS, the merchant's decision)`);
    let done = 0;
    for (const { id, checkout: c } of orders) {
      const token = c.saved === undefined ? await cardToken(sim.url, c.card, CLIENT_KEY)() : await savedToken(c);
      if (E.isLeft(token)) {
        problems.push(`${id} card token: ${token.left}`);
        continue;
      }
      const request = { payment_type: 'credit_card', transaction_details: { order_id: id, gross_amount: c.gross }, credit_card: { token_id: token.right, ...c.creditCard } };
      const charged = await call(`${id} charge`, client.charge(request));
      if (charged?.transactionStatus === 'pending' && c.otp !== undefined) {
        const page = await completeThreeDs(charged.body['redirect_url'] as string, c.otp)();
        if (E.isLeft(page)) problems.push(`${id} 3DS page: ${page.left}`);
        await call(`${id} status`, client.status(id)); // after the redirect, ask Midtrans rather than the browser
      }
      const tid = sim.truth(id)?.transaction_id;
      if (c.then === 'approve') await call(`${id} approve`, client.approve(id));
      if (c.then === 'deny') await call(`${id} deny`, client.deny(id));
      if (c.then === 'cancel') await call(`${id} cancel`, client.cancel(id));
      if (c.then === 'partial_capture' && tid !== undefined) await call(`${id} capture`, client.capture({ transaction_id: tid, gross_amount: c.gross - 100_000 }));
      done++;
      if (done % 10 === 0 || done === orders.length) say(`  ${done}/${orders.length} checked out`);
    }
    await sim.idle();

    say('[2/5] clock +15 minutes: abandoned 3DS charges expire');
    await sim.advanceClock(15 * MINUTE);
    say('[3/5] clock to the next day 17:00 GMT+7: captures settle');
    await sim.advanceClock({ to: '2024-05-15T10:00:00.000Z' });

    const reconcile = async (label: string) => {
      for (let round = 0; round < 10; round++) {
        const r = await reconciler.reconcileOnce(sim.now())();
        if (E.isLeft(r)) throw new Error(formatStoreError(r.left));
        say(`  ${label} round ${round + 1}: ${r.right.due} due, ${r.right.checked.length} checked`);
        if (r.right.due === 0) break;
        await sim.advanceClock(2 * 60 * MINUTE);
      }
    };
    await reconcile('reconciliation');

    say('[4/5] refunds on settled orders');
    for (const { id, checkout: c } of orders) {
      let n = 0;
      for (const r of c.refunds ?? []) {
        n++;
        await call(`${id} refund ${n}`, client.refund(id, { refund_key: `${id}-r${n}`, ...(r === 'full' ? {} : { amount: r }), reason: 'demo' }));
      }
    }
    await sim.idle();

    say('[5/5] reconciliation: GET status for orders past a deadline or flagged, until nothing is due');
    await sim.advanceClock(2 * 60 * MINUTE);
    await reconcile('reconciliation');
    await sim.advanceClock(8 * DAY);
    await sim.idle();

    // --- the verdict -------------------------------------------------------------------------------
    say('');
    const head = ['order', 'checkout', 'engine', 'simulator', '', 'observations'];
    const rows: string[][] = [];
    let disagreements = 0;
    const totals = new Map<string, number>();
    for (const { id, checkout } of orders) {
      const p = await paystate.payment(id)();
      const a = E.isRight(p) ? latestAttempt(p.right?.state) : undefined;
      const t = sim.truth(id);
      const engine = a === undefined ? 'none' : `${a.status}/${a.fraud ?? '-'} ${formatAmount(a.grossAmount)} refunded ${formatAmount(a.refunded)}`;
      const truth = t === undefined ? 'none' : `${t.transaction_status}/${t.fraud_status ?? '-'} ${t.gross_amount} refunded ${t.refund_amount}`;
      const agree = engine === truth;
      if (!agree) disagreements++;
      const stream = await storeE.right.readStream(`order:${id}`)();
      const outcomes = new Map<string, number>();
      for (const e of E.isRight(stream) ? stream.right.events : []) {
        const o = (e.data as StoredObservation).decision.outcome;
        outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
        totals.set(o, (totals.get(o) ?? 0) + 1);
      }
      rows.push([id, checkout.name.slice(0, 44), engine, truth, agree ? 'ok' : 'DIFFERS', [...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')]);
    }
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
    say(line(head));
    for (const r of rows) say(line(r));
    const rejected = await storeE.right.readRejections({})();
    const deliveries = sim.deliveries();
    say('');
    say(`notifications: ${deliveries.length} delivery attempts (${deliveries.filter((d) => d.result === 'dropped').length} dropped by chaos, ${deliveries.filter((d) => d.chaos.length > 0).length} with chaos)`);
    say(`observations recorded: ${[...totals].map(([k, v]) => `${k} ${v}`).join(', ')}; rejected inputs: ${E.isRight(rejected) ? rejected.right.length : '?'}`);
    if (problems.length > 0) say(`client errors: ${problems.length}\n  ${problems.slice(0, 10).join('\n  ')}`);
    say(`state diagrams: paystate diagram [--machine fraud] [--format dot]`);
    say(`inspect an order: paystate inspect ${orders[0]!.id} --store sqlite:${dbFile}`);
    say(disagreements === 0 ? `\nall ${orders.length} orders agree with the simulator` : `\n${disagreements} of ${orders.length} orders DISAGREE with the simulator`);
    return E.right(disagreements === 0 && problems.length === 0 ? 0 : 1);
  } finally {
    await sim.close();
    served.child.kill('SIGTERM');
    await new Promise((r) => served.child.once('exit', r));
    await paystate.close();
  }
};
