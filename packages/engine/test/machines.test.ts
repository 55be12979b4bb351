import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import type { AnyStateMachine } from 'xstate';
import { FRAUD_EDGES, TRANSACTION_EDGES, fraudStatusMachine, transactionStatusMachine } from '../src/index';
import { fraudEventVariants, statesOf, eventTypesOf, transactionEventVariants } from '../src/internal';

/** The machine's own edges, read from its definition: from, to, event, guard. */
const definedEdges = (machine: AnyStateMachine): string[] =>
  statesOf(machine).flatMap((from) =>
    [...machine.root.states[from]!.transitions.entries()].flatMap(([event, defs]) =>
      defs.map((d) => {
        const guard = d.guard === undefined ? '' : typeof d.guard === 'string' ? d.guard : (d.guard as { type: string }).type;
        return `${from} -> ${d.target!.map((t) => t.key).join(',')} on ${event}${guard !== '' ? ` [${guard}]` : ''}`;
      }),
    ),
  );

describe('the machines implement the cited transition tables exactly', () => {
  test('transaction_status: every table row is an edge of the machine and every edge is a table row', () => {
    const table = TRANSACTION_EDGES.map((e) => `${e.from} -> ${e.to} on ${e.to}${e.guard !== undefined ? ` [${e.guard}]` : ''}`);
    expect([...definedEdges(transactionStatusMachine)].sort()).toEqual([...table].sort());
  });

  test('fraud_status: every table row is an edge of the machine and every edge is a table row', () => {
    const table = FRAUD_EDGES.map((e) => `${e.from} -> ${e.to} on ${e.to}${e.guard !== undefined ? ` [${e.guard}]` : ''}`);
    expect([...definedEdges(fraudStatusMachine)].sort()).toEqual([...table].sort());
  });

  test('every row cites at least one source page', () => {
    for (const e of [...TRANSACTION_EDGES, ...FRAUD_EDGES]) expect(e.sources.length).toBeGreaterThan(0);
  });

  test('terminal statuses are final states with no way out', () => {
    for (const s of ['refund', 'chargeback', 'deny', 'cancel', 'expire', 'failure']) {
      expect(transactionStatusMachine.root.states[s]!.type).toBe('final');
      expect(TRANSACTION_EDGES.filter((e) => e.from === s)).toEqual([]);
    }
  });
});

interface GraphPath {
  readonly state: { readonly value: unknown };
  readonly steps: readonly { readonly state: { readonly value: unknown }; readonly event: { readonly type: string } }[];
}
type PathsOf = (machine: AnyStateMachine, options: { events: readonly { type: string }[]; serializeState: (s: { value: unknown }) => string }) => GraphPath[];
const shortestPaths = getShortestPaths as unknown as PathsOf;
const simplePaths = getSimplePaths as unknown as PathsOf;

describe('path coverage (xstate/graph)', () => {
  const allEvents = (machine: AnyStateMachine, variants: (t: string) => readonly { type: string }[]) =>
    eventTypesOf(machine).flatMap((t) => [...variants(t)]);
  const cases = [
    { machine: transactionStatusMachine, variants: transactionEventVariants, edges: TRANSACTION_EDGES },
    { machine: fraudStatusMachine, variants: fraudEventVariants, edges: FRAUD_EDGES },
  ] as const;

  test.each(cases.map((c) => [c.machine.id, c] as const))('%s: generated paths reach every state', (_id, c) => {
    const events = allEvents(c.machine, c.variants);
    const reached = new Set(shortestPaths(c.machine, { events, serializeState: (s: { value: unknown }) => JSON.stringify(s.value) }).map((p) => String(p.state.value)));
    expect([...reached].sort()).toEqual(statesOf(c.machine).sort());
  });

  test.each(cases.map((c) => [c.machine.id, c] as const))('%s: generated paths take every edge of the table', (_id, c) => {
    const events = allEvents(c.machine, c.variants);
    const taken = new Set<string>();
    for (const p of simplePaths(c.machine, { events, serializeState: (s: { value: unknown }) => JSON.stringify(s.value) })) {
      let from = 'start';
      for (const s of p.steps) {
        const to = String(s.state.value);
        if (s.event.type !== 'xstate.init') taken.add(`${from} -> ${to}`);
        from = to;
      }
    }
    // Self-loops are not simple paths; they are covered by the fold's laws and examples.
    const expected = c.edges.filter((e) => e.from !== e.to).map((e) => `${e.from} -> ${e.to}`);
    for (const e of expected) expect(taken).toContain(e);
  });
});
