/**
 * A compiled transition lookup, derived once from the machine definitions by asking xstate's own
 * pure `transition` for every (state, event) pair, and the reachability of the attempt's state
 * pair (transaction_status, fraud_status) that the fold uses on its hot path.
 */
import { transition, type AnyStateMachine } from 'xstate';
import type { ActionName } from './actions';
import { fraudStatusMachine, transactionStatusMachine, type FraudEvent, type StateMeta, type TransactionEvent } from './machines';
import { FRAUD_STATUSES, OPENING_STATUSES, START, TRANSACTION_STATUSES, type FraudStatus, type Start, type TransactionStatus } from './status';

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

export type TxNode = TransactionStatus | Start;
export type FraudNode = FraudStatus | Start;

export const TX_NODES: readonly TxNode[] = [START, ...TRANSACTION_STATUSES];
export const FRAUD_NODES: readonly FraudNode[] = [START, ...FRAUD_STATUSES];

/** An attempt's state pair, as one small integer: `tx * 4 + fraud`. */
export type Pair = number;
export const PAIR_COUNT = TX_NODES.length * FRAUD_NODES.length;

const TX_INDEX: Readonly<Record<string, number>> = Object.fromEntries(TX_NODES.map((s, i) => [s, i]));
const FRAUD_INDEX: Readonly<Record<string, number>> = Object.fromEntries(FRAUD_NODES.map((s, i) => [s, i]));

export const pairOf = (tx: TxNode, fraud: FraudNode | null): Pair => TX_INDEX[tx]! * FRAUD_NODES.length + FRAUD_INDEX[fraud ?? START]!;
export const txOf = (p: Pair): TxNode => TX_NODES[Math.floor(p / FRAUD_NODES.length)]!;
export const fraudOf = (p: Pair): FraudNode => FRAUD_NODES[p % FRAUD_NODES.length]!;
export const START_PAIR: Pair = 0;

/** One machine's transition function as a table: `state|eventKey` → next state, for enabled transitions only. */
export type Lookup = ReadonlyMap<string, string>;

// ---------------------------------------------------------------------------------------------
// compiling a machine
// ---------------------------------------------------------------------------------------------

/** Every state value of a flat machine. */
export const statesOf = (machine: AnyStateMachine): string[] => Object.keys(machine.root.states);

/** Every event type the machine's states listen to. */
export const eventTypesOf = (machine: AnyStateMachine): string[] => [...machine.root.events].sort();

/** Asks xstate (pure `transition`, no actor is started) what `event` does in `state`; undefined when nothing is enabled. */
export const xstateNext = (machine: AnyStateMachine, state: string, event: { type: string }): string | undefined => {
  const snapshot = machine.resolveState({ value: state, context: undefined });
  if (!snapshot.can(event)) return undefined;
  const [next] = transition(machine, snapshot, event);
  return String(next.value);
};

/**
 * Enumerates `states × events × variants` through xstate and keeps the enabled transitions.
 * `variants` is the finite domain of the data guards read; `keyOf` names an event in the table.
 */
export const compileMachine = <E extends { type: string }>(
  machine: AnyStateMachine,
  variantsOf: (type: string) => readonly E[],
  keyOf: (event: E) => string,
): Lookup => {
  const table = new Map<string, string>();
  for (const state of statesOf(machine))
    for (const type of eventTypesOf(machine))
      for (const event of variantsOf(type)) {
        const next = xstateNext(machine, state, event);
        if (next !== undefined) table.set(`${state}|${keyOf(event)}`, next);
      }
  return table;
};

export const transactionEventKey = (e: TransactionEvent): string => `${e.type}|${e.fraud}`;
export const fraudEventKey = (e: FraudEvent): string => `${e.type}|${e.leavingPending ? 'leaving' : 'staying'}`;

export const transactionEventVariants = (type: string): TransactionEvent[] =>
  FRAUD_NODES.map((fraud) => ({ type: type as TransactionStatus, fraud }));
export const fraudEventVariants = (type: string): FraudEvent[] => [
  { type: type as FraudStatus, leavingPending: false },
  { type: type as FraudStatus, leavingPending: true },
];

export const compiledTransactionLookup: Lookup = compileMachine(
  transactionStatusMachine,
  transactionEventVariants,
  transactionEventKey,
);
export const compiledFraudLookup: Lookup = compileMachine(fraudStatusMachine, fraudEventVariants, fraudEventKey);

export const nextTransaction = (state: TxNode, event: TransactionEvent): TxNode | undefined =>
  compiledTransactionLookup.get(`${state}|${transactionEventKey(event)}`) as TxNode | undefined;
export const nextFraud = (state: FraudNode, event: FraudEvent): FraudNode | undefined =>
  compiledFraudLookup.get(`${state}|${fraudEventKey(event)}`) as FraudNode | undefined;

// ---------------------------------------------------------------------------------------------
// the attempt's pair graph
// ---------------------------------------------------------------------------------------------

/**
 * Single steps of the pair (transaction_status, fraud_status), in a fixed order:
 * - the opening step from (start, start) sets both at once (the fraud verdict may be absent);
 * - a transaction step keeps the fraud verdict (guards read it);
 * - a fraud step keeps the transaction status;
 * - leaving pending, both move at once and the provisional verdict may be replaced (DOMAIN §3).
 */
export const pairSteps = (from: Pair): Pair[] => {
  const tx = txOf(from);
  const fraud = fraudOf(from);
  const out = new Set<Pair>();
  const txTargets = TRANSACTION_STATUSES.flatMap((type) => {
    const next = nextTransaction(tx, { type, fraud });
    return next === undefined ? [] : [next];
  });
  if (tx === START) {
    if (fraud !== START) return [];
    for (const t of txTargets) {
      out.add(pairOf(t, START));
      for (const f of FRAUD_STATUSES) {
        const nf = nextFraud(START, { type: f, leavingPending: false });
        if (nf !== undefined) out.add(pairOf(t, nf));
      }
    }
    return [...out].sort(byOpening);
  }
  for (const t of txTargets) out.add(pairOf(t, fraud));
  for (const f of FRAUD_STATUSES) {
    const nf = nextFraud(fraud, { type: f, leavingPending: false });
    if (nf !== undefined) out.add(pairOf(tx, nf));
  }
  if (tx === 'pending')
    for (const t of txTargets)
      if (t !== 'pending')
        for (const f of FRAUD_STATUSES) {
          const nf = nextFraud(fraud, { type: f, leavingPending: true });
          if (nf !== undefined) out.add(pairOf(t, nf));
        }
  out.delete(from);
  return [...out].sort(byPairName);
};

/**
 * Pairs ordered by their Midtrans names, never by their encoding: where two shortest paths tie
 * (which verdict an inferred authorize carried), the one taken must not depend on the order of
 * the status lists, or a later release listing them differently would infer other history.
 */
export function byPairName(p: Pair, q: Pair): number {
  const a = `${txOf(p)}/${fraudOf(p)}`;
  const b = `${txOf(q)}/${fraudOf(q)}`;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The opening steps in the rule book's order of opening statuses (pending, authorize, capture,
 * deny), no verdict before a verdict, verdicts by name: which status an inferred opening passed
 * through is decided by names, not by the encoding.
 */
function byOpening(p: Pair, q: Pair): number {
  const t = OPENING_STATUSES.indexOf(txOf(p) as TransactionStatus) - OPENING_STATUSES.indexOf(txOf(q) as TransactionStatus);
  if (t !== 0) return t;
  const f = fraudOf(p);
  const g = fraudOf(q);
  return f === g ? 0 : f === START ? -1 : g === START ? 1 : f < g ? -1 : 1;
}

/** The pair graph's adjacency, computed once. */
export const PAIR_STEPS: readonly (readonly Pair[])[] = Array.from({ length: PAIR_COUNT }, (_, p) => pairSteps(p));

const bfs = (from: Pair): (readonly Pair[] | undefined)[] => {
  const paths: (readonly Pair[] | undefined)[] = new Array(PAIR_COUNT).fill(undefined);
  paths[from] = [];
  const queue: Pair[] = [from];
  while (queue.length > 0) {
    const p = queue.shift()!;
    for (const q of PAIR_STEPS[p]!)
      if (paths[q] === undefined) {
        paths[q] = [...paths[p]!, q];
        queue.push(q);
      }
  }
  return paths;
};

const REACH: readonly (readonly Pair[] | undefined)[] = Array.from({ length: PAIR_COUNT }, (_, from) => bfs(from)).flat();

/**
 * Shortest legal path `from → to` (the pairs after `from`, ending with `to`); [] when equal;
 * undefined when unreachable. Compiled: one array read.
 */
export const compiledPath = (from: Pair, to: Pair): readonly Pair[] | undefined => REACH[from * PAIR_COUNT + to];

const SELF_LOOPS: ReadonlySet<TxNode> = new Set(TX_NODES.filter((tx) => nextTransaction(tx, { type: tx as TransactionStatus, fraud: START }) === tx));

/** A transaction status that may follow itself (a further partial refund or chargeback). */
export const hasSelfLoop = (tx: TxNode): boolean => SELF_LOOPS.has(tx);

/** A pair from which no step leads anywhere: it absorbs every observation. */
export const isTerminalPair = (p: Pair): boolean => PAIR_STEPS[p]!.length === 0 && !hasSelfLoop(txOf(p));

// ---------------------------------------------------------------------------------------------
// actions, read from the machine's state meta
// ---------------------------------------------------------------------------------------------

const actionsOfPair = (p: Pair): ActionName[] => {
  const tx = txOf(p);
  const meta = transactionStatusMachine.root.states[tx]?.meta as StateMeta | undefined;
  const fraud = fraudOf(p);
  return Object.entries(meta?.actions ?? {})
    .filter(([, need]) => need?.fraud === undefined || need.fraud === fraud)
    .map(([name]) => name as ActionName)
    .sort();
};

const ACTIONS: readonly (readonly ActionName[])[] = Array.from({ length: PAIR_COUNT }, (_, p) => actionsOfPair(p));

/** The actions the machine allows in a pair. */
export const actionsAt = (p: Pair): readonly ActionName[] => ACTIONS[p]!;
