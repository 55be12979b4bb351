/**
 * `paystate demo`: records documented payment histories into a fresh embedded SQLite store through
 * the ingestion service, then explains every order from the store.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { getSqliteEventStore, formatStoreError } from '../store/index';
import { createPaystate, type RawObservation } from '../ingest/index';
import type { UsageError } from './args';
import type { Io } from './main';

const ROOT = resolve(__dirname, '..', '..', '..', '..');

export const demo = async (_argv: readonly string[], io: Io): Promise<E.Either<UsageError, number>> => {
  const dirs = [join(ROOT, '..', 'shared', 'corpus'), join(ROOT, 'corpus')].filter(existsSync);
  const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.json')).map((f) => join(d, f)));
  mkdirSync(join(ROOT, '.paystate'), { recursive: true });
  const dbFile = join(ROOT, '.paystate', 'demo.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(dbFile + suffix, { force: true });
  const store = getSqliteEventStore({ filename: dbFile });
  if (E.isLeft(store)) {
    io.stderr(`paystate demo: ${formatStoreError(store.left)}\n`);
    return E.right(1);
  }
  io.stdout(`recording ${files.length} payment histories into ${dbFile} (SQLite, WAL, synchronous=FULL)\n\n`);
  const counts = new Map<string, number>();
  for (const file of files) {
    const scenario = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; server_key?: string; events: RawObservation[] };
    const paystate = createPaystate({ store: store.right, serverKey: scenario.server_key ?? '' });
    const outcomes: string[] = [];
    for (const line of scenario.events) {
      const r = await paystate.ingest(line)();
      const outcome = E.isRight(r) ? r.right.outcome : `error(${r.left._tag})`;
      outcomes.push(outcome);
      counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    }
    const orderId = (scenario.events.find((e) => typeof (e.payload as { order_id?: unknown })?.order_id === 'string')?.payload as { order_id: string } | undefined)?.order_id;
    const p = orderId === undefined ? E.right(undefined) : await paystate.payment(orderId)();
    const pay = E.isRight(p) ? p.right : undefined;
    const state = pay === undefined ? '-' : `${pay.summary.transaction_status}${pay.summary.fraud_status !== null ? '/' + pay.summary.fraud_status : ''}`;
    io.stdout(
      `${(scenario.name ?? file).padEnd(48)} ${state.padEnd(24)} paid=${pay?.answers.paid.value ? 'yes' : 'no '} ship=${pay?.answers.canShip.value ? 'yes' : 'no '}  ${outcomes.join(' ')}\n`,
    );
  }
  io.stdout(`\noutcomes: ${[...counts.entries()].map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  io.stdout(`inspect any order: pnpm paystate inspect ORDER_ID --store sqlite:${dbFile}\n`);
  io.stdout(`state diagrams: docs/transaction-status.md, docs/fraud-status.md\n`);
  await store.right.close();
  return E.right(0);
};
