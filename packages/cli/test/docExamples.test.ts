/**
 * Every documented `paystate ...` (or `pnpm -s paystate ...`) command line in README.md, docs/*.md
 * and this package's README is run, as written apart from paths, ports and stores pointed at a
 * temporary folder, with a server key planted in the environment and in a key file: its whole
 * output (stdout and stderr, pnpm's echo included) must never contain the key, and no documented
 * line may carry a key on its command line.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cardOrder, chargeResponse, notificationPayload } from '@paystate/adapters/testing';
import { cleanEnv } from '../../adapters/test/http/support/http';

const ROOT = join(__dirname, '..', '..', '..');
const KEY = 'SB-Mid-server-DOCS-PLANTED-9c1e';
const order = cardOrder('docs', 42, KEY);

const DOCS = ['README.md', 'packages/cli/README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** The command lines of the documents' shell blocks that run paystate. */
const documented = (): { readonly doc: string; readonly line: string }[] =>
  DOCS.flatMap((doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const blocks = [...text.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)].map((m) => m[1]!);
    // Inline spans too (`pnpm -s paystate replay corpus/...`), but not synopses (`[--format ...]`, `<command>`, `URL`).
    const inline = [...text.replace(/```[\s\S]*?```/g, '').matchAll(/`((?:pnpm -s )?paystate [^`]+)`/g)].map((m) => m[1]!.replace(/\s*\n\s*/g, ' ')).filter((l) => !/[[<]|\.\.\.|\b[A-Z]{3,}\b/.test(l));
    return [...blocks.flatMap((b) => b.split('\n')), ...inline].filter((l) => /^(\S+=\S+ )*(pnpm -s )?paystate /.test(l)).map((line) => ({ doc, line }));
  });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'paystate-docs-'));
  const log = [chargeResponse(order), { kind: 'notification', payload: notificationPayload(order, 'capture') }].map((l) => JSON.stringify(l)).join('\n') + '\n';
  for (const f of ['notifications.ndjson', 'old-notifications.ndjson']) writeFileSync(join(dir, f), log);
  writeFileSync(join(dir, 'key'), `${KEY}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The line made runnable here: files, stores and ports in the temporary folder; pipes and comments dropped. */
const localised = (line: string): string =>
  line
    .replace(/\s+#.*$/, '')
    .replace(/\s*[|>].*$/, '')
    .replace(/\/run\/secrets\/midtrans-server-key/g, join(dir, 'key'))
    .replace(/"?postgres:\/\/\S+/g, `sqlite:${join(dir, 'payments.db')}`)
    .replace(/sqlite:payments\.db/g, `sqlite:${join(dir, 'payments.db')}`)
    .replace(/--port \d+/g, '--port 0')
    .replace(/--dir \S+/g, `--dir ${join(dir, 'demo')}`)
    .replace(/\border-(42|1042)\b/g, order.orderId)
    .replace(/ corpus\//g, ` ${join(ROOT, 'corpus')}/`);

const LONG_RUNNING = /^(pnpm -s )?paystate (serve|simulator|reconcile)\b/;
/** What a long-running command prints once it runs: the listening line, or the reconciler's first log line. */
const RUNNING = /listening on http|"msg":"reconciling"/;

/** Runs the line through a shell (pnpm's echo and all); a server is stopped once it listens. */
const runLine = (line: string): Promise<{ code: number | null; output: string }> =>
  new Promise((done) => {
    const viaPnpm = line.startsWith('pnpm -s ');
    const command = viaPnpm ? line : line.replace(/^paystate /, `node ${join(ROOT, 'packages', 'cli', 'bin', 'dev.cjs')} `);
    const child = spawn('sh', ['-c', `exec ${command}`], { cwd: viaPnpm ? ROOT : dir, env: cleanEnv({ MIDTRANS_SERVER_KEY: KEY, npm_config_nodedir: '/usr', ...(viaPnpm ? { INIT_CWD: ROOT } : {}) }), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (s: string) => {
      output += s;
      if (LONG_RUNNING.test(line) && RUNNING.test(output)) child.kill('SIGTERM');
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });

describe('documented command lines', () => {
  const lines = documented();

  test('there are some, and none carries a server key or --server-key', () => {
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.some(({ line }) => line.startsWith('pnpm -s paystate '))).toBe(true);
    for (const { doc, line } of lines) {
      expect(`${doc}: ${line}`).not.toMatch(/--server-key(?!-file)|SB-Mid-server-|Mid-server-|MIDTRANS_SERVER_KEY=/);
    }
  });

  // The demo is left out: it runs dozens of checkouts (demo.test.ts runs it) with a key of its own.
  test.each(documented().filter(({ line }) => !/ demo( |$)/.test(line)).map(({ doc, line }) => [doc, line]))('%s: `%s` never prints the key', async (_doc, line) => {
    const r = await runLine(localised(line));
    expect(r.output).not.toContain(KEY);
    // It ran: a usage error (exit 2) would mean the documented line is wrong.
    expect(r.code).not.toBe(2);
    if (LONG_RUNNING.test(line)) expect(r.output).toMatch(RUNNING);
  }, 90_000);
});
