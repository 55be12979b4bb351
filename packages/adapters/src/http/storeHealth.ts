/**
 * Readiness: the store answers a read AND a write, each within a short deadline. The write is the
 * health check's own checkpoint row (`paystate.health`), so it touches nothing a payment reads, and
 * it fails as any write would: a SQLite file locked by another connection or on a full disk, a
 * PostgreSQL in recovery, read-only, or refusing the write.
 */
import * as E from 'fp-ts/lib/Either.js';
import { formatStoreError, redact, type EventStore, type StoreError } from '../store/index';

/** How long the health check waits for each of its read and write (default). */
export const HEALTH_TIMEOUT_MS = 1000;

export const HEALTH_SUBSCRIBER = 'paystate.health';

type Probe = E.Either<string, void>;

const within = async <A>(p: Promise<E.Either<StoreError, A>>, ms: number, what: string): Promise<E.Either<string, A>> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<E.Either<string, A>>((resolve) => {
    timer = setTimeout(() => resolve(E.left(`the event store did not answer a ${what} within ${ms} ms`)), ms);
  });
  const answered = p.then(
    (r) => (E.isLeft(r) ? E.left(`the event store cannot ${what}: ${redact(formatStoreError(r.left))}`) : E.right(r.right)),
    (e: unknown) => E.left(`the event store cannot ${what}: ${redact(e instanceof Error ? e.message : String(e))}`),
  );
  try {
    return await Promise.race([answered, late]);
  } finally {
    clearTimeout(timer);
  }
};

// A write still waiting (a lock held elsewhere) is not sent again: later checks wait on it.
const pending = new WeakMap<object, Promise<E.Either<StoreError, void>>>();

/** Right when the store answered a read and a write in time; Left with the cause otherwise. */
export const probeStore = async (store: Pick<EventStore, 'getCheckpoint' | 'putCheckpoint'>, timeoutMs: number = HEALTH_TIMEOUT_MS): Promise<Probe> => {
  const read = await within(store.getCheckpoint(HEALTH_SUBSCRIBER)(), timeoutMs, 'read');
  if (E.isLeft(read)) return read;
  let write = pending.get(store);
  if (write === undefined) {
    write = store.putCheckpoint(HEALTH_SUBSCRIBER, Math.floor(Date.now() / 1000))();
    pending.set(store, write);
    const done = write;
    void done.finally(() => {
      if (pending.get(store) === done) pending.delete(store);
    });
  }
  return within(write, timeoutMs, 'write');
};
