/**
 * Generates the machine docs under docs/ from the machines and their cited transition tables.
 * `pnpm run docs` writes them; `pnpm run docs --check` exits 1 if a committed file has drifted.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DIAGRAM_MACHINES,
  statesTableMarkdown,
  toDot,
  toMermaid,
  transitionTableMarkdown,
} from '../packages/engine/src/diagram';
import type { DiagramMachine } from '../packages/engine/src/diagram';

const REPO_ROOT = join(__dirname, '..');

const BANNER =
  '> **Generated file.** Written by `pnpm run docs` (`docs/generate.ts`) from `packages/engine/src/machines.ts` ' +
  'and `packages/engine/src/transitionTable.ts`. Do not edit by hand.';

interface MachineText {
  readonly title: string;
  readonly intro: string;
  readonly guards: Readonly<Record<string, string>>;
}

const TEXT: Record<DiagramMachine['name'], MachineText> = {
  transaction: {
    title: '`transaction_status` machine',
    intro:
      'Folds the `transaction_status` values Midtrans reports for one card transaction (one `transaction_id`). ' +
      'An event is the status that was observed, so an edge is labelled with its target status.',
    guards: {
      fraudChallenged: "the attempt's `fraud_status` is `challenge` at that moment.",
    },
  },
  fraud: {
    title: '`fraud_status` machine',
    intro:
      "Folds the Fraud Detection System verdict (`fraud_status`) Midtrans reports for one card transaction. " +
      'An event is the verdict that was observed, so an edge is labelled with its target verdict.',
    guards: {
      leavingPending: 'the transaction leaves `pending` in the same step (a verdict given while pending is provisional).',
    },
  },
};

const markdown = (d: DiagramMachine): string => {
  const text = TEXT[d.name];
  const guards = Object.entries(text.guards).map(([name, meaning]) => `- \`${name}\`: ${meaning}`);
  return [
    BANNER,
    '',
    `# ${text.title}`,
    '',
    `${text.intro} ` +
      '`[*] -->` leaves the `start` state (nothing observed yet); `state --> [*]` marks a final state. ' +
      'A name in brackets is the guard, the only condition the edge depends on:',
    '',
    ...guards,
    '',
    '```mermaid',
    toMermaid(d.machine).trimEnd(),
    '```',
    '',
    `Graphviz version: [\`${d.slug}.dot\`](${d.slug}.dot) (render with \`dot -Tsvg docs/${d.slug}.dot -o ${d.slug}.svg\`).`,
    '',
    '## States',
    '',
    statesTableMarkdown(d.machine).trimEnd(),
    '',
    '## Transitions',
    '',
    'Every edge of the diagram, with the Midtrans page it comes from. A test proves the machine and this table have the same edges.',
    '',
    transitionTableMarkdown(d.edges).trimEnd(),
    '',
  ].join('\n');
};

/** Renders every generated doc, keyed by path relative to the repository root. */
export const renderDocs = (): Record<string, string> => {
  const files: Record<string, string> = {};
  for (const d of DIAGRAM_MACHINES) {
    files[`docs/${d.slug}.md`] = markdown(d);
    files[`docs/${d.slug}.dot`] = toDot(d.machine);
  }
  return files;
};

const readOrUndefined = (path: string): string | undefined =>
  existsSync(path) ? readFileSync(path, 'utf8') : undefined;

const main = (args: readonly string[]): number => {
  const check = args.includes('--check');
  const drifted: string[] = [];
  for (const [rel, content] of Object.entries(renderDocs())) {
    const path = join(REPO_ROOT, rel);
    const before = readOrUndefined(path);
    const changed = before !== content;
    if (check) {
      if (changed) drifted.push(rel);
      continue;
    }
    if (changed) writeFileSync(path, content);
    console.log(`${changed ? (before === undefined ? 'created  ' : 'changed  ') : 'unchanged'} ${rel}`);
  }
  if (check) {
    if (drifted.length === 0) {
      console.log('docs are up to date');
      return 0;
    }
    console.error(`docs out of date (run \`pnpm run docs\`):\n${drifted.map((f) => `  ${f}`).join('\n')}`);
    return 1;
  }
  return 0;
};

if (require.main === module) process.exitCode = main(process.argv.slice(2));
