import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { getSqliteEventStore } from '../../src/store/sqliteEventStore';

const tsx = join(__dirname, '..', '..', '..', '..', 'node_modules', '.bin', 'tsx');
const writerScript = join(__dirname, 'fixtures', 'sqliteWriter.ts');

const runWriter = (filename: string, writer: string, count: number): Promise<{ conflicts: number; stored: number }> =>
  new Promise((resolve, reject) => {
    const child = spawn(tsx, [writerScript, filename, writer, String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out) as { conflicts: number; stored: number }) : reject(new Error(`writer ${writer} exited ${code}: ${err}`)),
    );
  });

describe('SQLite store shared by several processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paystate-sqlite-mp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('expected versions, idempotency keys and positions hold across processes', async () => {
    const filename = join(dir, 'shared.db');
    const writers = 3;
    const count = 25;
    const results = await Promise.all(Array.from({ length: writers }, (_, w) => runWriter(filename, `w${w}`, count)));
    expect(results.reduce((n, r) => n + r.stored, 0)).toBe(count);

    const opened = getSqliteEventStore({ filename });
    if (E.isLeft(opened)) throw new Error(opened.left._tag);
    const store = opened.right;
    try {
      const all = await store.readAll({})();
      if (E.isLeft(all)) throw new Error(all.left._tag);
      expect(all.right.map((e) => e.position)).toEqual(Array.from({ length: writers * count + count }, (_, i) => i + 1));
      const shared = all.right.filter((e) => e.streamId === 'shared');
      expect(shared.map((e) => e.version)).toEqual(Array.from({ length: writers * count }, (_, i) => i + 1));
      const keyed = all.right.filter((e) => e.streamId === 'keyed');
      expect(keyed.map((e) => e.idempotencyKey).sort()).toEqual(Array.from({ length: count }, (_, i) => `key-${i}`).sort());
    } finally {
      await store.close();
    }
  });
});
