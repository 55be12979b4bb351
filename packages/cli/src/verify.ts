/**
 * `paystate verify`: the upgrade audit. Re-decides every stored observation with this release's
 * engine and lists each one whose decision would now differ from the recorded one (the order, the
 * observation, the old and the new decision). Exits 1 when any differs or an event is unreadable.
 */
import * as E from 'fp-ts/lib/Either.js';
import { decide, formatAmount, type Outcome } from '@paystate/engine';
import { formatStoreError, toObservation, verifyStore, type EventStore, type VerifyDifference, type VerifyReport } from '@paystate/adapters';
import { oneOf, parse, UsageError } from './args';
import type { Io } from './io';
import { SERVER_KEY_OPTIONS, serverKeyOf } from './serverKey';
import { checkStoreUrl, openStoreAt, STORE_OPTION, storeUrlOf } from './storeOption';

type Facts = VerifyDifference['recorded'];

/** One decision on one line: outcome, reason code, the attempt's statuses and amounts. */
export const describeFacts = (f: Facts): string => {
  const parts = [f.outcome, f.code];
  if (f.transaction_status !== null) parts.push(`${f.transaction_status}/${f.fraud_status ?? '-'}`);
  if (f.amounts !== null) {
    const a = f.amounts;
    parts.push(`gross ${formatAmount(a.gross)}`);
    if (a.authorized !== a.gross) parts.push(`authorized ${formatAmount(a.authorized)}`);
    if (a.refunded > 0) parts.push(`refunded ${formatAmount(a.refunded)}`);
    if (a.charged_back > 0) parts.push(`charged back ${formatAmount(a.charged_back)}`);
  }
  if (f.requested_amount !== null) parts.push(`requested ${formatAmount(f.requested_amount)}`);
  return parts.join(' ');
};

export const verifyTable = (r: VerifyReport): string => {
  const lines: string[] = [];
  for (const d of r.differences) {
    lines.push(`order ${d.orderId} #${d.version} (position ${d.position}) ${d.kind} received ${d.receivedAt}: ${d.fields.join(', ')} differ`);
    lines.push(`  recorded: ${describeFacts(d.recorded)}`);
    lines.push(`  now:      ${describeFacts(d.now)}`);
  }
  for (const u of r.unreadable) lines.push(`unreadable ${u.detail}`);
  const n = r.differences.length;
  lines.push(
    `${r.observations} observation${r.observations === 1 ? '' : 's'} in ${r.streams} order${r.streams === 1 ? '' : 's'} re-decided: ` +
      `${n} difference${n === 1 ? '' : 's'}${r.unreadable.length > 0 ? `, ${r.unreadable.length} unreadable` : ''}`,
  );
  return lines.join('\n') + '\n';
};

/** Whether the rejection log has anything (1 or 0: one entry is enough to fail `--strict`). */
const rejectionCount = async (store: EventStore): Promise<number> => {
  const r = await store.readRejections({ limit: 1 })();
  return E.isRight(r) ? r.right.length : 0;
};

/** `paystate verify`. */
export const verify = async (argv: readonly string[], io: Io): Promise<E.Either<UsageError, number>> => {
  const args = parse(argv, { ...STORE_OPTION, format: { type: 'string' }, ...SERVER_KEY_OPTIONS, strict: { type: 'boolean' } });
  if (E.isLeft(args)) return args;
  const { values, positionals } = args.right;
  if (positionals.length > 0) return E.left(new UsageError(`verify takes no arguments, got ${positionals.length}`));
  const format = oneOf('format', values.format as string | undefined, ['table', 'json'] as const, 'table');
  if (E.isLeft(format)) return format;
  const url = storeUrlOf(values.store, io.env);
  const checked = checkStoreUrl(url);
  if (E.isLeft(checked)) return checked;
  // Unlike the other commands, MIDTRANS_SERVER_KEY does not switch re-reading on: only an option does.
  const key = values['server-key'] !== undefined || values['server-key-file'] !== undefined ? serverKeyOf(values, {}) : E.right(undefined);
  if (E.isLeft(key)) return key;
  const serverKey = key.right;
  const store = await openStoreAt(url, { mustExist: true });
  if (E.isLeft(store)) {
    io.stderr(`paystate verify: ${store.left}\n`);
    return E.right(1);
  }
  try {
    // --strict counts what this release decides: rejected or illegal observations fail the audit.
    const outcomes = new Map<Outcome, number>();
    const counted: typeof decide = (order, obs) => {
      const d = decide(order, obs);
      outcomes.set(d.outcome, (outcomes.get(d.outcome) ?? 0) + 1);
      return d;
    };
    const report = await verifyStore(store.right, { decide: counted, ...(serverKey === undefined ? {} : { remap: (line) => toObservation(line, { serverKey }) }) })();
    if (E.isLeft(report)) {
      io.stderr(`paystate verify: ${formatStoreError(report.left)}\n`);
      return E.right(1);
    }
    const r = report.right;
    io.stdout(format.right === 'json' ? JSON.stringify(r, null, 2) + '\n' : verifyTable(r));
    const refused = values.strict === true ? (outcomes.get('rejected') ?? 0) + (outcomes.get('illegal') ?? 0) + (await rejectionCount(store.right)) : 0;
    if (refused > 0) io.stderr(`paystate verify: --strict: ${refused} observation${refused === 1 ? '' : 's'} rejected or illegal\n`);
    return E.right(r.differences.length > 0 || r.unreadable.length > 0 || refused > 0 ? 1 : 0);
  } finally {
    await store.right.close();
  }
};
