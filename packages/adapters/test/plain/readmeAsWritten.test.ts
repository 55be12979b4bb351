/**
 * The README's Promise-style embedding example, run exactly as the README prints it: the first
 * ```js block of "Embed it in an order system" is copied into an ES module, preceded by the
 * names it leaves to the reader (`ship`, `chargeRequest`, `chargeResponse`) and followed by a
 * signed notification posted to the app it started. The module runs in a process of its own
 * (the sources through tsx, so `@paystate/adapters` resolves to them).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The first ```js block after a heading. */
const firstJsBlockAfter = (heading: string): string => {
  const from = README.indexOf(heading);
  if (from < 0) throw new Error(`README has no heading ${JSON.stringify(heading)}`);
  const m = /```js\n([\s\S]*?)```/.exec(README.slice(from));
  if (m === null) throw new Error(`no js block after ${JSON.stringify(heading)}`);
  return m[1]!;
};

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

test('the README Promise example records a charge, takes a signed notification over HTTP and ships once', async () => {
  const snippet = firstJsBlockAfter('## Embed it in an order system');
  expect(snippet).toContain('createPaystateAsync');
  const dir = mkdtempSync(join(__dirname, '.readme-'));
  try {
    const port = await freePort();
    const prelude = `
import { signNotification as __sign } from '@paystate/adapters';
globalThis.__shipped = [];
globalThis.ship = async (orderId, changeId) => { globalThis.__shipped.push([orderId, changeId]); };
globalThis.chargeRequest = { payment_type: 'credit_card', transaction_details: { order_id: 'readme-1', gross_amount: 145000 } };
globalThis.chargeResponse = {
  status_code: '201', status_message: 'Success, Credit Card transaction is successful', transaction_id: 'tx-readme-1',
  order_id: 'readme-1', gross_amount: '145000.00', transaction_time: '2024-05-14 10:15:20',
  transaction_status: 'pending', fraud_status: 'accept', payment_type: 'credit_card',
};
`;
    const postlude = `
const base = 'http://127.0.0.1:${port}';
const notification = __sign({
  transaction_status: 'capture', transaction_id: 'tx-readme-1', status_code: '200', order_id: 'readme-1',
  gross_amount: '145000.00', fraud_status: 'accept', transaction_time: '2024-05-14 10:16:00', payment_type: 'credit_card',
}, process.env.MIDTRANS_SERVER_KEY);
const posted = await fetch(base + '/midtrans/notifications', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(notification) });
const again = await fetch(base + '/midtrans/notifications', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(notification) });
const answer = await (await fetch(base + '/orders/readme-1/payment')).json();
const unknown = await fetch(base + '/orders/nobody/payment');
for (let i = 0; i < 200 && globalThis.__shipped.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
await new Promise((r) => setTimeout(r, 100));
console.log(JSON.stringify({ posted: posted.status, again: again.status, answer, unknown: unknown.status, shipped: globalThis.__shipped }));
process.exit(0);
`;
    const file = join(dir, 'app.mjs');
    writeFileSync(file, prelude + snippet + postlude);
    const run = spawnSync(process.execPath, ['--import', 'tsx', file], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'), PORT: String(port), MIDTRANS_SERVER_KEY: 'SB-Mid-server-README' },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
      posted: number;
      again: number;
      answer: { paid: boolean; canShip: boolean; refundable: number };
      unknown: number;
      shipped: [string, string][];
    };
    expect(out.posted).toBe(200);
    expect(out.again).toBe(200);
    expect(out.answer.paid).toBe(true);
    expect(out.answer.canShip).toBe(true);
    expect(out.answer.refundable).toBe(0);
    expect(out.unknown).toBe(404);
    expect(out.shipped).toHaveLength(1);
    expect(out.shipped[0]![0]).toBe('readme-1');
    expect(out.shipped[0]![1]).toMatch(/^readme-1@\d+:paid$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
