/** `paystate replay` and `paystate diagram` as a user runs them: real processes, real files, exit codes. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toDot, toMermaid, fraudStatusMachine, transactionStatusMachine } from '@paystate/engine';
import { cleanEnv, runPaystate } from '../../adapters/test/http/support/http';

const SHARED = join(__dirname, '..', '..', '..', '..', 'shared', 'corpus');
const sample = (name: string) => join(SHARED, name);
let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'paystate-replay-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('paystate replay', () => {
  test('a scenario file, as a table: one line per observation, then the order summary', async () => {
    const r = await runPaystate(['replay', sample('25-out-of-order-settlement-before-capture.json')]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^#\s+order\s+kind\s+outcome\s+state after\s+reason$/);
    expect(lines[2]).toMatch(/^1 .* notification\s+applied\s+settlement\/accept .*capture\/accept inferred/);
    expect(lines[3]).toMatch(/^2 .* notification\s+stale\s+settlement\/accept /);
    expect(r.stdout).toContain('order corpus-25-settle-before-capture: settlement/accept');
    expect(r.stdout).toContain('allowed actions: direct_refund, refund');
  });

  test('--format json: events and orders in the documented shape', async () => {
    const r = await runPaystate(['replay', '--format', 'json', sample('39-forged-notification-bad-signature.json')]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { events: Record<string, unknown>[]; orders: Record<string, Record<string, unknown>> };
    expect(doc.events.map((e) => Object.keys(e).sort())).toEqual(
      doc.events.map(() => ['fraud_status', 'index', 'kind', 'order_id', 'outcome', 'reason', 'transaction_id', 'transaction_status']),
    );
    expect(doc.events.map((e) => e['outcome'])).toEqual(['applied', 'rejected']);
    expect(doc.events[1]).toMatchObject({ kind: 'notification', transaction_status: 'capture', fraud_status: 'accept' });
    expect(String(doc.events[1]!['reason'])).toMatch(/^line 2: signature_key: /);
    // a forged notification is not authenticated: it leaves the order untouched, without a flag
    expect(doc.orders['corpus-39-forged-sig']).toMatchObject({ transaction_status: 'capture', fraud_status: 'accept', flags: [] });
  });

  test('NDJSON on standard input: a malformed line is a rejected event with its line number, and the rest is replayed', async () => {
    const s = JSON.parse(readFileSync(sample('01-3ds-success-then-settlement.json'), 'utf8')) as { server_key: string; events: unknown[] };
    const ndjson = [JSON.stringify(s.events[0]), '{"kind": "notification", "payload": ', ...s.events.slice(1).map((e) => JSON.stringify(e))].join('\n');
    const r = await runPaystate(['replay', '--format', 'json', '-'], { input: ndjson, env: cleanEnv({ MIDTRANS_SERVER_KEY: s.server_key }) });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { events: { outcome: string; reason: string; transaction_status: string | null }[] };
    expect(doc.events.map((e) => e.outcome)).toEqual(['applied', 'rejected', 'ignored', 'applied', 'applied']);
    expect(doc.events[1]!.reason).toMatch(/^line 2: body: not valid JSON/);
    expect(doc.events[4]!.transaction_status).toBe('settlement');
  });

  test('--server-key overrides the scenario key: with the wrong one every notification is rejected', async () => {
    const r = await runPaystate(['replay', '--format', 'json', '--server-key', 'SB-Mid-server-OTHER', sample('24-duplicate-notifications.json')]);
    const doc = JSON.parse(r.stdout) as { events: { kind: string; outcome: string; reason: string }[] };
    for (const e of doc.events.filter((x) => x.kind === 'notification')) expect(e.outcome).toBe('rejected');
    expect(r.stdout).not.toContain('SB-Mid-server-OTHER');
  });

  test.each([
    [['replay', join('nowhere', 'missing.ndjson')], 'cannot read'],
    [['replay', '--format', 'yaml', 'x'], '--format must be one of table|json'],
    [['replay', '--verbose'], "Unknown option '--verbose'"],
    [['replay', 'a', 'b'], 'one FILE'],
    [['frobnicate'], 'unknown command'],
  ])('%j is one line on stderr and exit 2', async (args, message) => {
    const r = await runPaystate(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });

  test('a file that is not a replay log still gets an explanation, not a crash', async () => {
    const f = join(dir, 'garbage.ndjson');
    writeFileSync(f, '\u0000\u0001 not json\n[1,2,3]\n{"kind":"telepathy","payload":{}}\n');
    const r = await runPaystate(['replay', '--format', 'json', f]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { events: { outcome: string }[] };
    expect(doc.events.map((e) => e.outcome)).toEqual(['rejected', 'rejected', 'rejected']);
  });
});

describe('paystate diagram', () => {
  test.each([
    [[], toMermaid(transactionStatusMachine)],
    [['--machine', 'fraud'], toMermaid(fraudStatusMachine)],
    [['--machine', 'transaction', '--format', 'dot'], toDot(transactionStatusMachine)],
  ])('%j prints the machine rendered from its definition', async (args, expected) => {
    const r = await runPaystate(['diagram', ...args]);
    expect([r.code, r.stdout]).toEqual([0, expected]);
  });

  test('an unknown machine is one line and exit 2', async () => {
    const r = await runPaystate(['diagram', '--machine', 'refund']);
    expect([r.code, r.stderr.trim()]).toEqual([2, 'paystate diagram: --machine must be one of transaction|fraud, got "refund"']);
  });
});
