/**
 * `paystate verify` on a store holding the golden stream: nothing to report with this release's
 * engine; with one rule changed (a jest mock of the notification decider), exactly the
 * observations that rule decides, each named with its order, place, and old and new decision.
 */
import * as E from 'fp-ts/lib/Either.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Decision, Notification, OrderState } from '@paystate/engine';
import { readGoldenRows, writeGoldenSqlite } from '../../adapters/test/ingest/golden/goldenStream';
import type { Io } from '../src/io';
import { run } from '../src/main';

const STATUS_REPORT = require.resolve('../../engine/src/fold/statusReport');

type Run = typeof run;
type VerifyCommand = typeof import('../src/verify').verify;

/** The verify command itself, as `run` would call it (its argv after the command's name). */
const asRun =
  (command: VerifyCommand): Run =>
  async (argv, io) => {
    const r = await command(argv.slice(1), io);
    return E.isLeft(r) ? 2 : r.right;
  };

const runWith = async (main: Run, argv: readonly string[]) => {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), readStdin: () => '', env: {} };
  const code = await main(argv, io);
  return { code, stdout, stderr };
};

let dir: string;
let url: string;
const rows = readGoldenRows('sqlite');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paystate-verify-'));
  const filename = join(dir, 'golden.db');
  await writeGoldenSqlite(filename);
  url = `sqlite:${filename}`;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('this release re-decides every stored observation as recorded: 0 differences, exit 0', async () => {
  const r = await runWith(run, ['verify', '--store', url]);
  expect([r.code, r.stderr]).toEqual([0, '']);
  expect(r.stdout).toBe(`${rows.length} observations in ${new Set(rows.map((x) => x.stream_id)).size} orders re-decided: 0 differences\n`);
  const json = await runWith(run, ['verify', '--store', url, '--format', 'json']);
  expect(json.code).toBe(0);
  expect(JSON.parse(json.stdout)).toMatchObject({ observations: rows.length, differences: [], unreadable: [] });
});

test('with one rule changed, it lists exactly the observations that rule decides, and exits 1', async () => {
  let planted: Run | undefined;
  jest.isolateModules(() => {
    jest.doMock(STATUS_REPORT, () => {
      const actual = jest.requireActual<typeof import('../../engine/src/fold/statusReport')>(STATUS_REPORT);
      // The planted rule: a settlement notification no longer settles; it is ignored as the same state.
      const decideNotification = (order: OrderState, obs: Notification): Decision => {
        const d = actual.decideNotification(order, obs);
        if (obs.report.status !== 'settlement' || d.outcome !== 'applied') return d;
        const { effect: _effect, ...rest } = d;
        return { ...rest, outcome: 'ignored', code: 'same_state' };
      };
      return { ...actual, decideNotification };
    });
    // The command's module, loaded with the engine it imports while the mock holds.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    planted = asRun((require('../src/verify') as typeof import('../src/verify')).verify);
  });
  jest.dontMock(STATUS_REPORT);
  const affected = rows.filter((r) => {
    const d = JSON.parse(r.data) as { observation: { kind: string; report?: { status: string } }; decision: { outcome: string } };
    return d.observation.kind === 'notification' && d.observation.report?.status === 'settlement' && d.decision.outcome === 'applied';
  });
  expect(affected.length).toBeGreaterThan(0);

  const r = await runWith(planted!, ['verify', '--store', url]);
  expect([r.code, r.stderr]).toEqual([1, '']);
  const heads = r.stdout.split('\n').filter((l) => l.startsWith('order '));
  expect(heads.map((l) => /^order (\S+) #(\d+) \(position (\d+)\) notification /.exec(l)?.slice(1))).toEqual(
    affected.map((a) => [a.stream_id.slice('order:'.length), String(a.version), String(a.position)]),
  );
  expect(r.stdout).toMatch(/\n {2}recorded: applied \S+ settlement\/[a-z-]+ gross [\d,.]+/);
  expect(r.stdout).toMatch(/\n {2}now: {6}ignored same_state\n/);
  expect(r.stdout).toContain(`: ${affected.length} difference${affected.length === 1 ? '' : 's'}\n`);

  const json = await runWith(planted!, ['verify', '--store', url, '--format', 'json']);
  expect(json.code).toBe(1);
  const report = JSON.parse(json.stdout) as { differences: { orderId: string; version: number; recorded: { outcome: string }; now: { outcome: string } }[] };
  expect(report.differences).toHaveLength(affected.length);
  expect(report.differences[0]).toMatchObject({ recorded: { outcome: 'applied' }, now: { outcome: 'ignored' } });
});

test('a store that is not there is one line and exit 1', async () => {
  const r = await runWith(run, ['verify', '--store', `sqlite:${join(dir, 'none.db')}`]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^paystate verify: no store at .*none\.db/);
});
