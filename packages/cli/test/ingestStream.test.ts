/**
 * `paystate ingest` reads its log as a stream: peak memory does not grow with the log's length,
 * and `--progress` (or a terminal) shows the count, the rate and the outcomes so far.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { progress, progressLine } from '../src/progress';
import { cleanEnv, runPaystate } from '../../adapters/test/http/support/http';
import { writeBigLog } from './support/bigLog';

const KEY = 'SB-Mid-server-CLI-STREAM';
const ROOT = join(__dirname, '..', '..', '..');

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'paystate-stream-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const readRss = (file: string) => {
  // Through tsx with the workspace's paths, as bin/dev.cjs runs the command.
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'support', 'readLogRss.ts'), file, KEY], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json') },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { entries: number; valid: number; maxRssKb: number };
};

describe('paystate ingest streams its log', () => {
  test('reading 30,000 or 150,000 lines peaks at the same memory (within 32 MB)', async () => {
    const small = join(dir, 'small.ndjson');
    const large = join(dir, 'large.ndjson');
    await writeBigLog(small, 30_000, KEY);
    await writeBigLog(large, 150_000, KEY);
    const a = readRss(small);
    const b = readRss(large);
    expect([a.entries, a.valid, b.entries, b.valid]).toEqual([30_000, 30_000, 150_000, 150_000]);
    const size = statSync(large).size;
    expect(size).toBeGreaterThan(80 * 1024 * 1024);
    // Holding the whole log would add at least the 75 MB more text the larger file has.
    expect(b.maxRssKb - a.maxRssKb).toBeLessThan(32 * 1024);
  }, 240_000);

  test('ingest --progress: progress lines and the closing summary on stderr; the counts on stdout', async () => {
    const log = join(dir, 'progress.ndjson');
    await writeBigLog(log, 600, KEY);
    const r = await runPaystate(['ingest', '--progress', '--store', `sqlite:${join(dir, 'p.db')}`, log], { env: cleanEnv({ MIDTRANS_SERVER_KEY: KEY }), timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('applied 600, duplicate 0, ignored 0, stale 0, illegal 0, rejected 0\n');
    expect(r.stderr).toMatch(/^600 lines, [\d,]+ lines\/s: applied 600, duplicate 0, ignored 0, stale 0, illegal 0, rejected 0 \(done in [\d.]+ s\)\n$/m);
    expect(r.stderr).not.toContain('\u001b');
  }, 120_000);
});

describe('progress', () => {
  test('a terminal gets one line redrawn at most every 200 ms; the summary ends it', () => {
    let t = 0;
    let out = '';
    const p = progress((s) => void (out += s), { terminal: true, now: () => t });
    const counts = new Map([['applied' as const, 0]]);
    for (let i = 1; i <= 2048; i++) {
      counts.set('applied', i);
      t += 1; // 1 ms a line
      p.tick(counts);
    }
    // 2048 ms: drawn at the 256-line checks that were 200 ms apart or more.
    const draws = out.split('\r').filter((s) => s !== '');
    expect(draws.length).toBeGreaterThanOrEqual(5);
    expect(draws.length).toBeLessThanOrEqual(10);
    expect(draws[0]).toMatch(/^[\d,]+ lines, 1,000 lines\/s: applied \d+, .*\u001b\[K$/);
    p.done(counts);
    expect(out.endsWith(`\r${progressLine(counts, 2048)} (done in 2.0 s)\u001b[K\n`)).toBe(true);
  });
});
