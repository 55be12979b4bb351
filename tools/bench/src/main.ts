/**
 * `pnpm bench`: runs the benchmarks and prints ratios against baselines measured in the same
 * run. `pnpm bench -- --json` prints one JSON object; `--only fold,ingest,...` picks sections.
 *
 * Each section runs in a process of its own (this script again, with `--section NAME`), so no
 * section is measured on a heap another one grew: the fold's million observations would otherwise
 * slow the collector for every section after it.
 */
import { spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { BenchContext } from './benchSection';
import { SECTIONS } from './sections';

type Results = Record<string, number | string>;

const noSuchSection = (names: readonly string[]): Error =>
  new Error(`no section "${names.join('", "')}" (sections: ${SECTIONS.map((s) => s.name).join(', ')})`);

/** Runs one section here; its log goes to stderr, its results as one JSON line to stdout. */
const runSection = async (name: string, ctx: Omit<BenchContext, 'log'>): Promise<void> => {
  const section = SECTIONS.find((s) => s.name === name);
  if (section === undefined) throw noSuchSection([name]);
  const results = await section.run({ ...ctx, log: (s) => process.stderr.write(s + '\n') });
  process.stdout.write(JSON.stringify(results) + '\n');
};

/** Runs one section in a child process, its log passed through to `log`. */
const inChild = (name: string, args: readonly string[], log: (s: string) => void): Promise<Results> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, __filename, '--section', name, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      pending += s;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        log(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (pending !== '') log(pending);
      if (code !== 0) return reject(new Error(`section ${name} exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as Results);
      } catch {
        reject(new Error(`section ${name} printed no results`));
      }
    });
  });

const main = async () => {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      json: { type: 'boolean' },
      only: { type: 'string' },
      events: { type: 'string' },
      quick: { type: 'boolean' },
      section: { type: 'string' },
    },
    strict: true,
  });
  const shared = { quick: values.quick === true, events: values.events !== undefined ? Number(values.events) : undefined };
  if (values.section !== undefined) return runSection(values.section, shared);

  const only = values.only?.split(',');
  const unknown = only?.filter((n) => !SECTIONS.some((s) => s.name === n)) ?? [];
  if (unknown.length > 0) throw noSuchSection(unknown);
  const log = values.json === true ? () => undefined : (s: string) => process.stdout.write(s + '\n');
  const childArgs = [...(values.quick === true ? ['--quick'] : []), ...(values.events !== undefined ? ['--events', values.events] : [])];
  const results: Results = {};
  for (const section of SECTIONS) {
    if (only !== undefined && !only.includes(section.name)) continue;
    log(`\n== ${section.name}: ${section.title}`);
    Object.assign(results, await inChild(section.name, childArgs, log));
  }
  results['machine'] = `${cpus().length} x ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  if (values.json === true) process.stdout.write(JSON.stringify(results) + '\n');
  else {
    log('\nresults:');
    for (const [k, v] of Object.entries(results)) log(`  ${k}: ${typeof v === 'number' ? v.toLocaleString('en-US') : v}`);
  }
};

main().catch((e) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
