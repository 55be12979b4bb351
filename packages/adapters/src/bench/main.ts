/**
 * `pnpm bench`: runs the benchmarks and prints ratios against baselines measured in the same
 * run. `pnpm bench -- --json` prints one JSON object; `--only fold,ingest,...` picks sections.
 */
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { SECTIONS, type BenchContext } from './sections';

const main = async () => {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: { json: { type: 'boolean' }, only: { type: 'string' }, events: { type: 'string' }, quick: { type: 'boolean' } },
    strict: true,
  });
  const only = values.only?.split(',');
  const ctx: BenchContext = {
    quick: values.quick === true,
    events: values.events !== undefined ? Number(values.events) : undefined,
    log: values.json === true ? () => undefined : (s: string) => process.stdout.write(s + '\n'),
  };
  const results: Record<string, number | string> = {};
  for (const section of SECTIONS) {
    if (only !== undefined && !only.includes(section.name)) continue;
    ctx.log(`\n== ${section.name}: ${section.title}`);
    Object.assign(results, await section.run(ctx));
  }
  results['machine'] = `${cpus().length} x ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  if (values.json === true) process.stdout.write(JSON.stringify(results) + '\n');
  else {
    ctx.log('\nresults:');
    for (const [k, v] of Object.entries(results)) ctx.log(`  ${k}: ${typeof v === 'number' ? v.toLocaleString('en-US') : v}`);
  }
};

main().catch((e) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
