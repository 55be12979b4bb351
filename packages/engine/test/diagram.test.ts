import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDocs } from '../../../docs/generate';
import { DIAGRAM_MACHINES, machineEdges, toDot, toMermaid, transitionTableMarkdown } from '../src/diagram';
import type { CitedEdge } from '../src/diagram';
import { START } from '../src/status';

const REPO_ROOT = join(__dirname, '..', '..', '..');

// An edge as `from -> to [guard]`, the identity both the table and the diagrams must agree on.
const key = (from: string, to: string, guard: string | undefined): string =>
  `${from} -> ${to}${guard === undefined ? '' : ` [${guard}]`}`;

const tableKeys = (edges: readonly CitedEdge[]): string[] => edges.map((e) => key(e.from, e.to, e.guard)).sort();

// Mermaid transition lines, `[*]` read back as the start state; final markers (`x --> [*]`) kept apart.
const parseMermaid = (text: string): { transitions: string[]; finals: string[]; events: string[][] } => {
  const transitions: string[] = [];
  const finals: string[] = [];
  const events: string[][] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('-->')) continue;
    const m = /^ {2}(\[\*\]|\w+) --> (\[\*\]|\w+)(?: : (\w+)(?: \[(\w+)\])?)?$/.exec(line);
    if (m === null) throw new Error(`unparsed Mermaid line: ${line}`);
    const [, from = '', to = '', event, guard] = m;
    if (to === '[*]') {
      expect(event).toBeUndefined();
      finals.push(from);
      continue;
    }
    expect(event).toBeDefined();
    const source = from === '[*]' ? START : from;
    transitions.push(key(source, to, guard));
    events.push([to, event ?? '']);
  }
  return { transitions: transitions.sort(), finals: finals.sort(), events };
};

describe('generated docs', () => {
  it('committed files under docs/ equal renderDocs() output', () => {
    const drifted = Object.entries(renderDocs())
      .filter(([rel, content]) => {
        const path = join(REPO_ROOT, rel);
        return !existsSync(path) || readFileSync(path, 'utf8') !== content;
      })
      .map(([rel]) => rel);
    if (drifted.length > 0) {
      throw new Error(`docs out of date: ${drifted.join(', ')}. Run \`pnpm run docs\` and commit the result.`);
    }
  });

  it('renders one .md and one .dot per machine', () => {
    expect(Object.keys(renderDocs()).sort()).toEqual(
      DIAGRAM_MACHINES.flatMap((d) => [`docs/${d.slug}.dot`, `docs/${d.slug}.md`]).sort(),
    );
  });

  it('is deterministic', () => {
    expect(renderDocs()).toEqual(renderDocs());
    for (const d of DIAGRAM_MACHINES) {
      expect(toMermaid(d.machine)).toBe(toMermaid(d.machine));
      expect(toDot(d.machine)).toBe(toDot(d.machine));
      expect(transitionTableMarkdown(d.edges)).toBe(transitionTableMarkdown(d.edges));
    }
  });
});

describe.each(DIAGRAM_MACHINES.map((d) => [d.machine.id, d] as const))('%s diagrams', (_id, d) => {
  const table = tableKeys(d.edges);

  it('Mermaid transition lines are exactly the cited edges', () => {
    const mermaid = toMermaid(d.machine);
    expect(mermaid.startsWith('stateDiagram-v2\n')).toBe(true);
    const { transitions, events } = parseMermaid(mermaid);
    expect(transitions).toEqual(table);
    // An event is the observed status, so every edge is labelled with its target.
    for (const [to, event] of events) expect(event).toBe(to);
  });

  it('Mermaid marks exactly the final states with `--> [*]`', () => {
    const finals = Object.values(d.machine.root.states)
      .filter((s) => s.type === 'final')
      .map((s) => s.key)
      .sort();
    expect(parseMermaid(toMermaid(d.machine)).finals).toEqual(finals);
    // Final states have no way out in the cited table either.
    for (const f of finals) expect(d.edges.filter((e) => e.from === f)).toEqual([]);
  });

  it('Mermaid keeps the start state as `[*]` and never names it', () => {
    const mermaid = toMermaid(d.machine);
    expect(mermaid).not.toMatch(new RegExp(`\\b${START}\\b`));
    expect(mermaid).toMatch(/^ {2}\[\*\] --> /m);
  });

  it('machineEdges agrees with the cited table', () => {
    expect(machineEdges(d.machine).map((e) => key(e.from, e.to, e.guard)).sort()).toEqual(table);
  });

  it('DOT is structurally sound with one edge line per cited edge', () => {
    const dot = toDot(d.machine);
    const lines = dot.trimEnd().split('\n');
    expect(lines[0]).toBe(`digraph "${d.machine.id}" {`);
    expect(lines[lines.length - 1]).toBe('}');

    // Braces balance outside quoted strings and never close early.
    let depth = 0;
    const unquoted = dot.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    for (const [i, ch] of [...unquoted].entries()) {
      if (ch === '{') depth += 1;
      if (ch === '}') depth -= 1;
      if (depth < 0 || (depth === 0 && ch === '}' && unquoted.slice(i + 1).trim() !== '')) {
        throw new Error('unbalanced braces in DOT output');
      }
    }
    expect(depth).toBe(0);
    // Every statement line ends with `;` and every quote is closed.
    for (const line of lines.slice(1, -1)) {
      expect(line).toMatch(/;$/);
      expect((line.replace(/\\./g, '').match(/"/g) ?? []).length % 2).toBe(0);
    }

    const edgeLines = lines.filter((l) => l.includes(' -> '));
    const parsed = edgeLines.map((l) => {
      const m = /^ {2}"(\w+)" -> "(\w+)" \[label="(\w+)(?: \[(\w+)\])?"\];$/.exec(l);
      if (m === null) throw new Error(`unparsed DOT edge: ${l}`);
      const [, from = '', to = '', event, guard] = m;
      expect(event).toBe(to);
      return key(from, to, guard);
    });
    expect(parsed.sort()).toEqual(table);

    // Start is a point, finals are double circles, and every node is declared once.
    expect(dot).toContain(`  "${START}" [shape=point, label=""];`);
    const nodeLines = lines.filter((l) => /^ {2}"\w+" \[/.test(l));
    expect(nodeLines).toHaveLength(Object.keys(d.machine.root.states).length);
    for (const s of Object.values(d.machine.root.states)) {
      const decl = nodeLines.find((l) => l.startsWith(`  "${s.key}" [`));
      expect(decl).toBeDefined();
      expect(decl?.includes('shape=doublecircle')).toBe(s.type === 'final');
    }
  });

  it('the Markdown table has one row per cited edge, in data order', () => {
    const md = transitionTableMarkdown(d.edges);
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| from') && !l.startsWith('| ---'));
    expect(rows).toHaveLength(d.edges.length);
    rows.forEach((row, i) => {
      const e = d.edges[i];
      if (e === undefined) throw new Error('missing edge');
      const from = e.from === START ? '(start)' : `\`${e.from}\``;
      expect(row.startsWith(`| ${from} | \`${e.to}\` | `)).toBe(true);
    });
    for (const id of new Set(d.edges.flatMap((e) => e.sources))) expect(md).toContain(`- \`${id}\`: `);
  });
});

describe('toDot with a highlight', () => {
  const d = DIAGRAM_MACHINES.find((m) => m.name === 'transaction')!;
  const plain = toDot(d.machine);
  const marked = toDot(d.machine, { highlight: { path: ['start', 'pending', 'capture', 'settlement'], current: 'settlement' } });

  it('without one the output is the plain diagram, byte for byte', () => {
    expect(toDot(d.machine, {})).toBe(plain);
  });

  it('marks the path states, the steps between them and the current state, and nothing else', () => {
    const line = (pattern: RegExp) => marked.split('\n').filter((l) => pattern.test(l));
    expect(line(/^ {2}"settlement" \[/)[0]).toMatch(/fillcolor=.*class="current"\];$/);
    expect(line(/^ {2}"capture" \[/)[0]).toMatch(/class="visited"\];$/);
    expect(line(/^ {2}"pending" -> "capture" /)[0]).toMatch(/penwidth=2\.5\];$/);
    expect(line(/^ {2}"capture" -> "settlement" /)[0]).toMatch(/penwidth=2\.5\];$/);
    expect(line(/^ {2}"deny" \[/)[0]).not.toMatch(/class=/);
    expect(line(/^ {2}"pending" -> "deny" /)[0]).not.toMatch(/penwidth/);
    // Removing the added attributes gives the plain diagram back.
    expect(marked.replace(/, (?:style="rounded,filled,bold", fillcolor="[^"]*", )?color="[^"]*"(?:, fontcolor="[^"]*")?, penwidth=[\d.]+(?:, class="\w+")?/g, '')).toBe(plain);
  });
});
