/**
 * The orders that need someone, for `GET /orders?attention=...`: FDS challenges to review, open
 * flags to reconcile, and deadlines that have passed; paged by an opaque keyset cursor.
 *
 * Kept on the payments read model (`createPaymentsProjection`), caught up incrementally from the
 * global log before each answer: a page costs the events committed since the previous one plus
 * the orders needing that attention, never a scan of the store. The three attention sets are
 * maintained as events are applied, so a page never walks every order either. The model lives in
 * memory (one folded state per order) and is rebuilt from the log when the process starts.
 *
 * Rejected input that names a known order flags it from the rejection log, outside the global
 * log: the order ids it names are followed incrementally too, and those orders are checked with
 * their full state (`Ingestor.load`) when a reconciliation page reaches them.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { openFlags, parseMidtransTime } from '@paystate/engine';
import { createIngestor, orderIdOfStream } from '../ingest/ingest';
import { createPaymentsProjection, type PaymentRow } from '../ingest/projection';
import type { EventStore, StoreError } from '../store/index';
import { maskCardNumbers } from './maskCardNumbers';

export const ATTENTIONS = ['review', 'reconciliation', 'deadline'] as const;
export type Attention = (typeof ATTENTIONS)[number];

/**
 * Every list the lists answer: the read API's three, and `fulfilment` (paid orders a subscriber,
 * `fulfilment` unless told otherwise, has not handled yet: its checkpoint is before the event that
 * made the order paid), which the payment console shows.
 */
export const ATTENTION_LISTS = [...ATTENTIONS, 'fulfilment'] as const;
export type AttentionList = (typeof ATTENTION_LISTS)[number];

/** The subscriber whose checkpoint says which paid orders were handed to fulfilment. */
export const DEFAULT_FULFILMENT_SUBSCRIBER = 'fulfilment';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;

export interface AttentionItem extends PaymentRow {
  /** Why the order is listed. */
  readonly why: string;
}

export interface AttentionPage {
  readonly attention: AttentionList;
  readonly items: readonly AttentionItem[];
  /** Pass it as `cursor` for the next page; null on the last page. */
  readonly next_cursor: string | null;
}

export type PageError = { readonly _tag: 'InvalidCursor'; readonly reason: string } | { readonly _tag: 'Store'; readonly error: StoreError };

export interface AttentionLists {
  /** One page of the orders needing `attention`, in order_id order, after the cursor's order. */
  page(attention: AttentionList, options?: { readonly limit?: number; readonly cursor?: string }): Promise<E.Either<PageError, AttentionPage>>;
  /** How many orders each list holds now (the same orders its pages list). */
  counts(): Promise<E.Either<StoreError, Readonly<Record<AttentionList, number>>>>;
}

export interface AttentionListsOptions {
  /** The subscriber whose checkpoint marks what fulfilment has been handed (default `fulfilment`). */
  readonly fulfilmentSubscriber?: string;
}

const encodeCursor = (attention: AttentionList, after: string): string => Buffer.from(JSON.stringify({ a: attention, k: after }), 'utf8').toString('base64url');

const decodeCursor = (attention: AttentionList, cursor: string): E.Either<PageError, string> => {
  const invalid = (reason: string): E.Either<PageError, string> => E.left({ _tag: 'InvalidCursor', reason });
  const parsed = E.tryCatch(() => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown, () => undefined);
  if (E.isLeft(parsed) || typeof parsed.right !== 'object' || parsed.right === null) return invalid('the cursor is not one this server gave');
  const { a, k } = parsed.right as { a?: unknown; k?: unknown };
  if (typeof k !== 'string') return invalid('the cursor is not one this server gave');
  if (a !== attention) return invalid(`the cursor pages attention=${String(a)}, not attention=${attention}`);
  return E.right(k);
};

const byOrderId = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

/** Attention lists over the store; `clock` decides which deadlines have passed. */
export const createAttentionLists = (store: EventStore, clock: () => Date = () => new Date(), options: AttentionListsOptions = {}): AttentionLists => {
  const fulfilmentSubscriber = options.fulfilmentSubscriber ?? DEFAULT_FULFILMENT_SUBSCRIBER;
  const projection = createPaymentsProjection();
  // Rejected input naming a known order flags it too, from the rejection log (not the stream): such an order is
  // checked with its full state when a reconciliation page reaches it.
  const ingestor = createIngestor({ store, serverKey: '' });
  const review = new Set<string>();
  const reconciliation = new Set<string>();
  const namedByRejections = new Set<string>();
  let rejectionsSeen = 0;
  /** Orders awaiting a deadline, with its time in ms (those that passed are picked at read time). */
  const deadlines = new Map<string, number>();
  /** Paid orders, with the global position of the event that made them paid. */
  const paidAt = new Map<string, number>();

  const track = (row: PaymentRow, position: number) => {
    const id = row.order_id;
    if (!row.paid) paidAt.delete(id);
    else if (!paidAt.has(id)) paidAt.set(id, position);
    if (row.needs_review) review.add(id);
    else review.delete(id);
    if (row.flags.length > 0) reconciliation.add(id);
    else reconciliation.delete(id);
    const t = row.next_deadline === null ? undefined : parseMidtransTime(row.next_deadline.at);
    if (t === undefined) deadlines.delete(id);
    else deadlines.set(id, t);
  };

  const catchUp = async (): Promise<E.Either<StoreError, number>> => {
    const events = await store.catchUp(projection.position(), (e) => {
      projection.apply(e);
      const id = orderIdOfStream(e.streamId);
      const row = id === undefined ? undefined : projection.row(id);
      if (row !== undefined) track(row, e.position);
      return TE.right(undefined);
    })();
    if (E.isLeft(events)) return events;
    const rejections = await store.readRejections({ fromId: rejectionsSeen })();
    if (E.isLeft(rejections)) return rejections;
    for (const r of rejections.right) {
      if (r.orderId !== null) namedByRejections.add(r.orderId);
      rejectionsSeen = Math.max(rejectionsSeen, r.id);
    }
    return events;
  };

  // One catch-up at a time: each starts where the previous stopped.
  let tail: Promise<E.Either<StoreError, number>> = Promise.resolve(E.right(0));
  const sync = (): Promise<E.Either<StoreError, number>> => {
    tail = tail.then(catchUp).catch((e: unknown): E.Either<StoreError, number> => E.left({ _tag: 'StoreFailed', cause: e instanceof Error ? e.message : String(e) }));
    return tail;
  };

  const candidates = (attention: AttentionList, now: number, handedUpTo: number): string[] => {
    if (attention === 'review') return [...review];
    if (attention === 'fulfilment') return [...paidAt].filter(([, p]) => p > handedUpTo).map(([id]) => id);
    if (attention === 'reconciliation') return [...new Set([...reconciliation, ...namedByRejections])];
    const out: string[] = [];
    for (const [id, t] of deadlines) if (t <= now) out.push(id);
    return out;
  };

  /** The listed item, or undefined when the order does not need this attention after all. */
  const itemFor = async (attention: AttentionList, id: string): Promise<E.Either<StoreError, AttentionItem | undefined>> => {
    const row = projection.row(id);
    if (row === undefined) return E.right(undefined);
    if (attention === 'review') return E.right({ ...row, why: `${row.status ?? 'unknown'} with fraud_status ${row.fraud_status ?? 'none'}: approve or deny it` });
    if (attention === 'fulfilment')
      return E.right({ ...row, why: `paid (${row.status ?? 'unknown'}); the ${fulfilmentSubscriber} subscriber has not handled it yet` });
    if (attention === 'deadline')
      return E.right({ ...row, why: `deadline passed: ${row.next_deadline?.kind ?? 'unknown'} at ${row.next_deadline?.at ?? '?'} GMT+7` });
    if (!namedByRejections.has(id)) return E.right({ ...row, why: `flagged: ${row.flags.join(', ')}; ask Midtrans for the status` });
    const full = await ingestor.load(id)();
    if (E.isLeft(full)) return full;
    const flags = [...new Set(openFlags(full.right).map((f) => f.flag))];
    return E.right(flags.length === 0 ? undefined : { ...row, flags, why: `flagged: ${flags.join(', ')}; ask Midtrans for the status` });
  };

  /** The fulfilment subscriber's checkpoint, read only for that list. */
  const handedUpTo = (attention: AttentionList): Promise<E.Either<StoreError, number>> =>
    attention === 'fulfilment' ? store.getCheckpoint(fulfilmentSubscriber)() : Promise.resolve(E.right(0));

  return {
    counts: async () => {
      const synced = await sync();
      if (E.isLeft(synced)) return synced;
      const handed = await handedUpTo('fulfilment');
      if (E.isLeft(handed)) return handed;
      const now = clock().getTime();
      const out: Partial<Record<AttentionList, number>> = {};
      for (const attention of ATTENTION_LISTS) {
        let n = 0;
        for (const id of candidates(attention, now, handed.right)) {
          // Only orders named by rejections need a look at their full state; the rest are counted as they are.
          if (attention !== 'reconciliation' || reconciliation.has(id)) n += 1;
          else {
            const item = await itemFor(attention, id);
            if (E.isLeft(item)) return item;
            if (item.right !== undefined) n += 1;
          }
        }
        out[attention] = n;
      }
      return E.right(out as Record<AttentionList, number>);
    },
    page: async (attention, options = {}) => {
      const after = options.cursor === undefined ? E.right(undefined) : decodeCursor(attention, options.cursor);
      if (E.isLeft(after)) return after;
      const synced = await sync();
      if (E.isLeft(synced)) return E.left({ _tag: 'Store', error: synced.left });
      const handed = await handedUpTo(attention);
      if (E.isLeft(handed)) return E.left({ _tag: 'Store', error: handed.left });
      const limit = Math.min(Math.max(1, options.limit ?? DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
      const ids = candidates(attention, clock().getTime(), handed.right)
        .filter((id) => after.right === undefined || id > after.right)
        .sort(byOrderId);
      // One more than the page, to know whether another page follows.
      const items: AttentionItem[] = [];
      for (const id of ids) {
        const item = await itemFor(attention, id);
        if (E.isLeft(item)) return E.left({ _tag: 'Store', error: item.left });
        if (item.right !== undefined) items.push(item.right);
        if (items.length > limit) break;
      }
      const page = items.slice(0, limit);
      const last = page[page.length - 1];
      return E.right(maskCardNumbers({ attention, items: page, next_cursor: items.length > limit && last !== undefined ? encodeCursor(attention, last.order_id) : null }));
    },
  };
};
