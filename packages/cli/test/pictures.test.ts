/** `paystate diagram --format svg` and `paystate inspect ORDER --format svg`: well-formed SVG, drawn without a system Graphviz. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { cardOrder, chargeResponse, notificationPayload } from '@paystate/adapters/testing';
import { run } from '../src/main';
import type { Io } from '../src/io';
import { runPaystate } from '../../adapters/test/http/support/http';

const KEY = 'SB-Mid-server-CLI-PICTURES';
const order = cardOrder('pic', 1, KEY);

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'paystate-pictures-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runIn = async (argv: readonly string[], env: Record<string, string> = {}) => {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), readStdin: () => '', env };
  const code = await run(argv, io);
  return { code, stdout, stderr };
};

interface Node {
  readonly [k: string]: unknown;
}
/** Every `<g>` with a class, anywhere in the document: [class, title]. */
const groups = (svg: string): [string, string][] => {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg) as Node;
  const out: [string, string][] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (typeof n !== 'object' || n === null) return;
    const o = n as Node;
    if (typeof o['class'] === 'string' && 'title' in o) out.push([o['class'], String(o['title'])]);
    Object.values(o).forEach(walk);
  };
  walk(doc);
  return out;
};

describe('SVG pictures', () => {
  test.each(['transaction', 'fraud'])('paystate diagram --machine %s --format svg is well-formed SVG with every state', async (machine) => {
    const r = await runIn(['diagram', '--machine', machine, '--format', 'svg']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const nodes = groups(r.stdout).filter(([c]) => c === 'node').map(([, t]) => t);
    expect(nodes).toEqual(expect.arrayContaining(machine === 'fraud' ? ['accept', 'challenge', 'deny'] : ['pending', 'capture', 'settlement', 'deny']));
  });

  test('paystate inspect ORDER --format svg: both machines, the path and the current state highlighted', async () => {
    const store = `sqlite:${join(dir, 'pic.db')}`;
    const log = join(dir, 'log.ndjson');
    writeFileSync(
      log,
      [chargeResponse(order), { kind: 'notification', payload: notificationPayload(order, 'capture') }, { kind: 'notification', payload: notificationPayload(order, 'settlement') }]
        .map((l) => JSON.stringify(l))
        .join('\n') + '\n',
    );
    expect((await runIn(['ingest', '--store', store, log], { MIDTRANS_SERVER_KEY: KEY })).code).toBe(0);
    const r = await runIn(['inspect', order.orderId, '--store', store, '--format', 'svg']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    expect(r.stdout).toContain(`order ${order.orderId}: settlement/accept`);
    const g = groups(r.stdout);
    expect(g.filter(([c]) => c === 'graph').map(([, t]) => t)).toEqual(['transaction_status', 'fraud_status']);
    // settlement is current in the first machine, accept in the second; capture was passed through.
    expect(g.filter(([c]) => c === 'node current').map(([, t]) => t)).toEqual(['settlement', 'accept']);
    expect(g.filter(([c]) => c === 'node visited').map(([, t]) => t)).toContain('capture');
    expect(r.stdout).toContain('fill="#ffd33d"');
  });

  test('as a real process (the sources through tsx)', async () => {
    const r = await runPaystate(['diagram', '--format', 'svg']);
    expect(r.code).toBe(0);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
  });
});
