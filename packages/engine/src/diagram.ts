/**
 * Diagrams of the machines, rendered straight from their definitions: Mermaid, Graphviz DOT, and the
 * cited transition table as Markdown. Pure: every function returns a string, nothing is written.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { fraudStatusMachine, transactionStatusMachine } from './machines';
import type { StateActions, StateMeta } from './machines';
import { START } from './status';
import { FRAUD_EDGES, SOURCES, TRANSACTION_EDGES } from './transitionTable';
import type { SourceId } from './transitionTable';

/** One transition of a machine as drawn: `from --event [guard]--> to`. */
export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly event: string;
  readonly guard?: string;
}

/** One row of a cited transition table (`TRANSACTION_EDGES` / `FRAUD_EDGES`). */
export interface CitedEdge {
  readonly from: string;
  readonly to: string;
  readonly guard?: string;
  readonly sources: readonly SourceId[];
  readonly note: string;
}

/** A machine the docs generator and the CLI can draw, with its cited edges. */
export interface DiagramMachine {
  /** The CLI's `--machine` value. */
  readonly name: 'transaction' | 'fraud';
  /** File name stem under `docs/`. */
  readonly slug: 'transaction-status' | 'fraud-status';
  readonly machine: AnyStateMachine;
  readonly edges: readonly CitedEdge[];
}

export const DIAGRAM_MACHINES: readonly DiagramMachine[] = [
  { name: 'transaction', slug: 'transaction-status', machine: transactionStatusMachine, edges: TRANSACTION_EDGES },
  { name: 'fraud', slug: 'fraud-status', machine: fraudStatusMachine, edges: FRAUD_EDGES },
];

// Plain code-unit order, so output never depends on the host's locale.
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const guardName = (guard: unknown): string | undefined => {
  if (guard === undefined) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') return guard.name === '' ? 'guard' : guard.name;
  if (typeof guard === 'object' && guard !== null && 'type' in guard && typeof guard.type === 'string') {
    return guard.type;
  }
  return 'guard';
};

const initialKey = (machine: AnyStateMachine): string | undefined => machine.root.initial.target[0]?.key;

// The machine's states, initial first, then by name.
const topStates = (machine: AnyStateMachine): readonly AnyStateNode[] => {
  const states = Object.values(machine.root.states) as AnyStateNode[];
  for (const s of states) {
    if (Object.keys(s.states).length > 0) throw new Error(`diagram: ${machine.id} is not flat (state ${s.key})`);
  }
  const init = initialKey(machine);
  return [...states].sort((a, b) => Number(b.key === init) - Number(a.key === init) || compare(a.key, b.key));
};

/** The machine's transitions, one per target, sorted: initial state first, then by from, to, event. */
export const machineEdges = (machine: AnyStateMachine): readonly DiagramEdge[] => {
  const edges: DiagramEdge[] = [];
  for (const state of topStates(machine)) {
    for (const [event, defs] of state.transitions) {
      for (const def of defs) {
        const guard = guardName(def.guard);
        for (const target of def.target ?? []) {
          edges.push(guard === undefined ? { from: state.key, to: target.key, event } : { from: state.key, to: target.key, event, guard });
        }
      }
    }
  }
  const init = initialKey(machine);
  const rank = (k: string): number => (k === init ? 0 : 1);
  return edges.sort(
    (a, b) =>
      rank(a.from) - rank(b.from) ||
      compare(a.from, b.from) ||
      compare(a.to, b.to) ||
      compare(a.event, b.event) ||
      compare(a.guard ?? '', b.guard ?? ''),
  );
};

/** The initial state is drawn as the `[*]` pseudo-state when nothing enters it ("nothing observed yet"). */
const pseudoStart = (machine: AnyStateMachine, edges: readonly DiagramEdge[]): string | undefined => {
  const init = initialKey(machine);
  return init !== undefined && !edges.some((e) => e.to === init) ? init : undefined;
};

const description = (state: AnyStateNode): string | undefined => {
  const meta = state.meta as Partial<StateMeta> | undefined;
  return typeof meta?.description === 'string' ? meta.description : undefined;
};

const edgeLabel = (e: DiagramEdge): string => (e.guard === undefined ? e.event : `${e.event} [${e.guard}]`);

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

// Mermaid ends a description at `:` or `;` and reads `#name;` as an entity: drop those characters.
const mermaidText = (s: string): string => oneLine(s.replace(/[:;#]/g, ' '));

/** Renders the machine as a Mermaid `stateDiagram-v2`; the initial state is `[*]`, final states lead to `[*]`. */
export const toMermaid = (machine: AnyStateMachine): string => {
  const states = topStates(machine);
  const edges = machineEdges(machine);
  const start = pseudoStart(machine, edges);
  const lines = ['stateDiagram-v2'];
  if (start === undefined && initialKey(machine) !== undefined) lines.push(`  [*] --> ${initialKey(machine)}`);
  for (const s of states) {
    const text = description(s);
    if (s.key !== start && text !== undefined) lines.push(`  ${s.key} : ${mermaidText(text)}`);
  }
  for (const e of edges) {
    lines.push(`  ${e.from === start ? '[*]' : e.from} --> ${e.to} : ${mermaidText(edgeLabel(e))}`);
  }
  for (const s of states) if (s.type === 'final') lines.push(`  ${s.key} --> [*]`);
  return `${lines.join('\n')}\n`;
};

const dotString = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

// Word-wraps a description so final states' circles stay small.
const wrap = (text: string, width: number): readonly string[] => {
  const out: string[] = [];
  for (const word of oneLine(text).split(' ')) {
    const last = out[out.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= width) out[out.length - 1] = `${last} ${word}`;
    else out.push(word);
  }
  return out;
};

const dotLabel = (key: string, text: string | undefined): string =>
  [key, ...(text === undefined ? [] : wrap(text, 22))].map((l) => dotString(l).slice(1, -1)).join('\\n');

/** What `toDot` marks: the states an order went through, in order, and the one it is in now. */
export interface DotHighlight {
  /** State keys in the order they were reached; consecutive pairs that are an edge are drawn bold. */
  readonly path: readonly string[];
  readonly current?: string;
}

export interface DotOptions {
  readonly highlight?: DotHighlight;
}

const PATH_COLOUR = '#1f6feb';
const CURRENT_FILL = '#ffd33d';

// The attributes a highlight adds to a state or an edge, appended after the default ones.
const stateMark = (key: string, h: DotHighlight | undefined): string =>
  h === undefined
    ? ''
    : h.current === key
      ? `, style="rounded,filled,bold", fillcolor="${CURRENT_FILL}", color="${PATH_COLOUR}", penwidth=2.5, class="current"`
      : h.path.includes(key)
        ? `, color="${PATH_COLOUR}", penwidth=2, class="visited"`
        : '';

const pathSteps = (h: DotHighlight | undefined): ReadonlySet<string> => {
  const steps = new Set<string>();
  if (h === undefined) return steps;
  for (let i = 1; i < h.path.length; i++) steps.add(`${h.path[i - 1]}\u0000${h.path[i]}`);
  return steps;
};

/**
 * Renders the machine as a Graphviz digraph; the initial state is a point, final states are double
 * circles. With `highlight`, the states of the path and the edges between consecutive ones are drawn
 * in colour and the current state filled; without it the output is the plain diagram, unchanged.
 */
export const toDot = (machine: AnyStateMachine, options: DotOptions = {}): string => {
  const h = options.highlight;
  const steps = pathSteps(h);
  const states = topStates(machine);
  const edges = machineEdges(machine);
  const start = pseudoStart(machine, edges);
  const lines = [
    `digraph ${dotString(machine.id)} {`,
    '  rankdir=LR;',
    '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  if (start === undefined && initialKey(machine) !== undefined) {
    lines.push(`  "__initial__" [shape=point, label=""];`);
  }
  for (const s of states) {
    if (s.key === start) {
      lines.push(`  ${dotString(s.key)} [shape=point, label=""${stateMark(s.key, h)}];`);
      continue;
    }
    const text = description(s);
    const shape = s.type === 'final' ? 'shape=doublecircle, ' : '';
    const tooltip = text === undefined ? '' : `, tooltip=${dotString(oneLine(text))}`;
    lines.push(`  ${dotString(s.key)} [${shape}label="${dotLabel(s.key, text)}"${tooltip}${stateMark(s.key, h)}];`);
  }
  if (start === undefined && initialKey(machine) !== undefined) {
    lines.push(`  "__initial__" -> ${dotString(initialKey(machine) ?? '')};`);
  }
  for (const e of edges) {
    const mark = steps.has(`${e.from}\u0000${e.to}`) ? `, color="${PATH_COLOUR}", fontcolor="${PATH_COLOUR}", penwidth=2.5` : '';
    lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)} [label=${dotString(edgeLabel(e))}${mark}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
};

const cell = (s: string): string => oneLine(s).replace(/\|/g, '\\|');

const endpoint = (s: string): string => (s === START ? '(start)' : `\`${s}\``);

/** Renders cited edges as a Markdown table in data order, followed by the list of the sources they cite. */
export const transitionTableMarkdown = (
  edges: readonly CitedEdge[],
  sources: Readonly<Record<SourceId, string>> = SOURCES,
): string => {
  const rows = edges.map(
    (e) =>
      `| ${endpoint(e.from)} | ${endpoint(e.to)} | ${e.guard === undefined ? '' : `\`${e.guard}\``} | ` +
      `${e.sources.map((id) => `\`${id}\``).join(', ')} | ${cell(e.note)} |`,
  );
  const cited = (Object.keys(sources) as SourceId[]).filter((id) => edges.some((e) => e.sources.includes(id)));
  return [
    '| from | to | guard | sources | note |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    'Sources:',
    '',
    ...cited.map((id) => `- \`${id}\`: ${cell(sources[id])}`),
    '',
  ].join('\n');
};

const actionsCell = (actions: StateActions | undefined): string => {
  const entries = Object.entries(actions ?? {});
  return entries
    .map(([name, when]) => (when?.fraud === undefined ? `\`${name}\`` : `\`${name}\` (fraud \`${when.fraud}\`)`))
    .join(', ');
};

/** Renders the machine's states (final or not, `meta.description`, allowed actions) as a Markdown table, sorted by name. */
export const statesTableMarkdown = (machine: AnyStateMachine): string => {
  const states = topStates(machine);
  const hasActions = states.some((s) => Object.keys((s.meta as Partial<StateMeta> | undefined)?.actions ?? {}).length > 0);
  const row = (s: AnyStateNode): string => {
    const meta = s.meta as Partial<StateMeta> | undefined;
    const cells = [endpoint(s.key), s.type === 'final' ? 'yes' : '', cell(description(s) ?? '')];
    if (hasActions) cells.push(actionsCell(meta?.actions));
    return `| ${cells.join(' | ')} |`;
  };
  const header = hasActions ? ['state', 'final', 'meaning', 'merchant actions'] : ['state', 'final', 'meaning'];
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...states.map(row), ''].join('\n');
};
