/**
 * Replays a log of Midtrans observations through the engine and explains every one of them:
 * the code path of `paystate replay` and of the corpus runner.
 */
import * as E from 'fp-ts/lib/Either.js';
import { createLedger, formatAmount, nextDeadlines, orderView, answersFor, summarizeOrder, type Decision, type FraudStatus, type Observation, type OrderState, type OrderSummary, type Outcome, type TransactionStatus } from '@paystate/engine';
import { parseReplayLine, toObservation } from '../midtrans/index';

export interface InputLine {
  /** 1-based line number (NDJSON) or event index + 1 (scenario file). */
  readonly line: number;
  /** The kind the input said it was. */
  readonly kind: string;
  readonly observation: Observation;
}

export interface ReplayInput {
  readonly lines: readonly InputLine[];
  readonly source: 'ndjson' | 'scenario';
}

const kindOf = (o: Observation): string => (o.kind === 'invalid' ? o.received : o.kind);

const withLine = (o: Observation, line: number): Observation =>
  o.kind === 'invalid' ? { ...o, reason: `line ${line}: ${o.reason}` } : o;

/**
 * Reads NDJSON in the replay format, or a scenario file (`{"server_key", "events": [...]}`, whose
 * key is used when none is given). Every line becomes an observation; broken ones become rejected.
 */
export const readReplayInput = (text: string, options: { serverKey?: string | undefined }): ReplayInput => {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const whole = E.tryCatch(() => JSON.parse(trimmed) as unknown, () => undefined);
    if (E.isRight(whole) && typeof whole.right === 'object' && whole.right !== null && Array.isArray((whole.right as { events?: unknown }).events)) {
      const scenario = whole.right as { events: unknown[]; server_key?: unknown };
      const serverKey = options.serverKey ?? (typeof scenario.server_key === 'string' ? scenario.server_key : '');
      return {
        source: 'scenario',
        lines: scenario.events.map((event, i) => {
          const observation = withLine(toObservation(event, { serverKey }), i + 1);
          return { line: i + 1, kind: kindOf(observation), observation };
        }),
      };
    }
  }
  const serverKey = options.serverKey ?? '';
  const lines: InputLine[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    const observation = withLine(parseReplayLine(raw, { serverKey }), i + 1);
    lines.push({ line: i + 1, kind: kindOf(observation), observation });
  });
  return { source: 'ndjson', lines };
};

export interface ReplayEvent {
  readonly index: number;
  readonly order_id: string | null;
  readonly transaction_id: string | null;
  readonly kind: string;
  readonly outcome: Outcome;
  readonly reason: string;
  /** The order's view after this event (null if the order is unknown). */
  readonly transaction_status: TransactionStatus | null;
  readonly fraud_status: FraudStatus | null;
}

export interface ReplayReport {
  readonly events: readonly ReplayEvent[];
  readonly orders: Readonly<Record<string, OrderSummary>>;
}

/** The report line of one decided observation. */
export const eventEntry = (index: number, kind: string, d: Decision, state: OrderState | undefined): ReplayEvent => {
  const view = orderView(state);
  return {
    index,
    order_id: state?.orderId ?? d.orderId ?? null,
    transaction_id: d.transactionId ?? null,
    kind,
    outcome: d.outcome,
    reason: d.reason,
    transaction_status: state === undefined ? null : view.transaction_status,
    fraud_status: state === undefined ? null : view.fraud_status,
  };
};

export interface ReplayResult {
  readonly report: ReplayReport;
  readonly states: ReadonlyMap<string, OrderState>;
}

/** Folds the lines in order and explains each. */
export const replayLines = (lines: readonly InputLine[]): ReplayResult => {
  const ledger = createLedger();
  const events = lines.map((l, index) => {
    const { decision, state } = ledger.observe(l.observation);
    const orderId = state?.orderId ?? decision.orderId;
    return eventEntry(index, l.kind, decision, state ?? (orderId !== undefined ? ledger.order(orderId) : undefined));
  });
  const orders = Object.fromEntries([...ledger.orders()].map(([id, o]) => [id, summarizeOrder(o)]));
  return { report: { events, orders }, states: ledger.orders() };
};

// ---------------------------------------------------------------------------------------------
// the table
// ---------------------------------------------------------------------------------------------

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const stateText = (ts: string | null, fs: string | null) => (ts === null ? '-' : fs === null ? ts : `${ts}/${fs}`);

/** One line per observation, then a summary per order. */
export const renderTable = (r: ReplayResult): string => {
  const rows = r.report.events.map((e) => [String(e.index), e.order_id ?? '-', e.kind, e.outcome, stateText(e.transaction_status, e.fraud_status), e.reason]);
  const head = ['#', 'order', 'kind', 'outcome', 'state after', 'reason'];
  const widths = head.map((h, i) => Math.min(i === 1 ? 36 : 40, Math.max(h.length, ...rows.map((row) => row[i]!.length))));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]!))).join('  ');
  const out = [line(head), ...rows.map(line), ''];
  for (const [id, o] of r.states) {
    const s = summarizeOrder(o);
    const answers = answersFor(o);
    const deadline = nextDeadlines(o)[0];
    out.push(`order ${id}: ${stateText(s.transaction_status, s.fraud_status)}`);
    out.push(`  attempts: ${o.attempts.map((a) => `${a.transactionId} ${stateText(a.status, a.fraud)} gross ${formatAmount(a.grossAmount)} refunded ${formatAmount(a.refunded)}`).join('; ') || 'none'}`);
    out.push(`  paid: ${answers.paid.value ? 'yes' : 'no'} (${answers.paid.reason}); can ship: ${answers.canShip.value ? 'yes' : 'no'}`);
    out.push(`  flags: ${s.flags.length === 0 ? 'none' : s.flags.join(', ')}`);
    out.push(`  allowed actions: ${s.allowed_actions.length === 0 ? 'none' : s.allowed_actions.join(', ')}`);
    out.push(`  next deadline: ${deadline === undefined ? 'none' : `${deadline.at} GMT+7 ${deadline.kind} (${deadline.why})`}`);
  }
  return out.join('\n') + '\n';
};
