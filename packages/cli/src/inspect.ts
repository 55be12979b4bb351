/**
 * `paystate inspect ORDER_ID`: one order from the store: its timeline (every recorded observation
 * with its outcome and reason, and the rejected input that named it), its state, business answers
 * and deadlines. `--format json` prints the order's entry of `paystate replay --format json` plus
 * its `events`, in replay's event shape.
 */
import * as E from 'fp-ts/lib/Either.js';
import { answersFor, formatAmount, summarizeOrder, type OrderState, type OrderSummary } from '@paystate/engine';
import { eventEntry, lookUpOrder, type ReplayEvent, type TimelineEntry } from '@paystate/adapters';
import { formatStoreError } from '@paystate/adapters';
import { oneOf, parse, UsageError } from './args';
import type { Io } from './io';
import { colourOn, colourTable } from './colour';
import { checkStoreUrl, openStoreAt, STORE_OPTION, storeUrlOf } from './storeOption';

// -------------------------------------------------------------------------------------------------
// the forms (the timeline is read by `lookUpOrder`, as the read API of `paystate serve` reads it)
// -------------------------------------------------------------------------------------------------

/** The JSON form: the order's replay summary plus its events. */
export const inspectJson = (state: OrderState, timeline: readonly TimelineEntry[]): OrderSummary & { readonly events: readonly ReplayEvent[] } => ({
  ...summarizeOrder(state),
  events: timeline.map((t, i) => eventEntry(i, t.kind, t.decision, t.state)),
});

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const stateText = (ts: string | null, fs: string | null) => (ts === null ? '-' : fs === null ? ts : `${ts}/${fs}`);
const yesNo = (b: boolean) => (b ? 'yes' : 'no');

/** The table form: the timeline, then the state, answers and deadlines. */
export const inspectTable = (state: OrderState, timeline: readonly TimelineEntry[]): string => {
  const summary = summarizeOrder(state);
  const events = inspectJson(state, timeline).events;
  const rows = events.map((e, i) => [String(e.index), timeline[i]!.receivedAt, e.kind, e.outcome, stateText(e.transaction_status, e.fraud_status), e.reason]);
  const head = ['#', 'received', 'kind', 'outcome', 'state after', 'reason'];
  const widths = head.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((row) => row[i]!.length))));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]!))).join('  ');
  const a = answersFor(state);
  const rejected = timeline.filter((t) => 'rejection' in t.source).length;
  return [
    `order ${state.orderId}: ${stateText(summary.transaction_status, summary.fraud_status)} (${state.version} observations in the stream, ${rejected} rejected)`,
    '',
    line(head),
    ...rows.map(line),
    '',
    `attempts: ${state.attempts.map((x) => `${x.transactionId} ${stateText(x.status, x.fraud)} gross ${formatAmount(x.grossAmount)} refunded ${formatAmount(x.refunded)}`).join('; ') || 'none'}`,
    `paid: ${yesNo(a.paid.value)} (${a.paid.reason})`,
    `can ship: ${yesNo(a.canShip.value)} (${a.canShip.reason})`,
    `needs review: ${yesNo(a.needsReview.value)} (${a.needsReview.reason})`,
    `can cancel: ${yesNo(a.canCancel.value)} (${a.canCancel.reason})`,
    `refundable remaining: ${formatAmount(a.refundableRemaining.value)} (${a.refundableRemaining.reason})`,
    `needs reconciliation: ${yesNo(a.needsReconciliation.value)} (${a.needsReconciliation.reason})`,
    `flags: ${state.flags.length === 0 ? 'none' : state.flags.map((f) => `${f.flag} (${f.reason})`).join('; ')}`,
    `allowed actions: ${a.allowedActions.length === 0 ? 'none' : a.allowedActions.join(', ')}`,
    `deadlines: ${a.deadlines.length === 0 ? 'none' : a.deadlines.map((d) => `${d.at} GMT+7 ${d.kind} (${d.why})`).join('; ')}`,
    '',
  ].join('\n');
};

// -------------------------------------------------------------------------------------------------
// the command
// -------------------------------------------------------------------------------------------------

/** `paystate inspect`. */
export const inspect = async (argv: readonly string[], io: Io): Promise<E.Either<UsageError, number>> => {
  const args = parse(argv, { ...STORE_OPTION, format: { type: 'string' } });
  if (E.isLeft(args)) return args;
  const { values, positionals } = args.right;
  const id = positionals[0];
  if (id === undefined || positionals.length > 1) return E.left(new UsageError(`inspect takes one ORDER_ID, got ${positionals.length}`));
  const format = oneOf('format', values.format as string | undefined, ['table', 'json', 'svg'] as const, 'table');
  if (E.isLeft(format)) return format;
  const url = storeUrlOf(values.store, io.env);
  const checked = checkStoreUrl(url);
  if (E.isLeft(checked)) return checked;
  const store = await openStoreAt(url, { mustExist: true });
  if (E.isLeft(store)) {
    io.stderr(`paystate inspect: ${store.left}\n`);
    return E.right(1);
  }
  try {
    const found = await lookUpOrder(store.right, id);
    if (E.isLeft(found)) {
      io.stderr(`paystate inspect: ${formatStoreError(found.left)}\n`);
      return E.right(1);
    }
    if (found.right._tag === 'Unknown') {
      const n = found.right.rejections;
      io.stderr(`paystate inspect: order ${JSON.stringify(id)} is unknown${n > 0 ? ` (${n} rejected observation${n === 1 ? '' : 's'} named it)` : ''}\n`);
      return E.right(1);
    }
    const { state, timeline } = found.right;
    if (format.right === 'svg') {
      // Loaded here: the picture needs Graphviz's WebAssembly build, the other formats do not.
      /* eslint-disable-next-line @typescript-eslint/no-require-imports */
      const svg = await (require('./orderPicture') as typeof import('./orderPicture')).orderSvg(state, timeline);
      if (E.isLeft(svg)) {
        io.stderr(`paystate inspect: ${svg.left}\n`);
        return E.right(1);
      }
      io.stdout(svg.right);
      return E.right(0);
    }
    io.stdout(format.right === 'json' ? JSON.stringify(inspectJson(state, timeline), null, 2) + '\n' : colourTable(inspectTable(state, timeline), colourOn(io, 'stdout')));
    return E.right(0);
  } finally {
    await store.right.close();
  }
};
