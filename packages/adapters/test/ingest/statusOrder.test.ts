/**
 * A later release may reorder its status lists or add a status, which moves every in-memory pair
 * index. The stored format names statuses, so the golden stream, and a stream freshly written by
 * such a build, fold to the same states and answers under either build.
 */
import * as E from 'fp-ts/lib/Either.js';
import { FRAUD_STATUSES, TRANSACTION_STATUSES } from '@paystate/engine';
import { pairOf } from '@paystate/engine/internal';
import { foldStream } from '../../src/ingest/ingest';
import type { StoredEvent } from '../../src/store/eventStore';
import { eventOfRow, goldenCorpus, readExpected, readGoldenRows, recordsOf } from './golden/goldenStream';

const STATUS_MODULE = require.resolve('../../../engine/src/status');

type IngestModule = typeof import('../../src/ingest/ingest');
type EngineModule = typeof import('../../../engine/src/index');
type CompiledModule = typeof import('../../../engine/src/compiled');
type MemoryModule = typeof import('../../src/store/inMemoryEventStore');

interface Build {
  readonly ingest: IngestModule;
  readonly engine: EngineModule;
  readonly compiled: CompiledModule;
  readonly memory: MemoryModule;
}

/** paystate's modules loaded afresh with other status lists (everything else as this release has it). */
const buildWith = (transactionStatuses: readonly string[], fraudStatuses: readonly string[]): Build => {
  let build: Build | undefined;
  jest.isolateModules(() => {
    jest.doMock(STATUS_MODULE, () => ({
      ...jest.requireActual<object>(STATUS_MODULE),
      TRANSACTION_STATUSES: transactionStatuses,
      FRAUD_STATUSES: fraudStatuses,
    }));
    /* eslint-disable @typescript-eslint/no-require-imports */
    build = {
      ingest: require('../../src/ingest/ingest') as IngestModule,
      engine: require('../../../engine/src/index') as EngineModule,
      compiled: require('../../../engine/src/compiled') as CompiledModule,
      memory: require('../../src/store/inMemoryEventStore') as MemoryModule,
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  jest.dontMock(STATUS_MODULE);
  return build!;
};

const BUILDS: readonly (readonly [string, readonly string[], readonly string[]])[] = [
  ['status lists reversed', [...TRANSACTION_STATUSES].reverse(), [...FRAUD_STATUSES].reverse()],
  ['a status added in front of the others', ['future_status', ...TRANSACTION_STATUSES], ['future_verdict', ...FRAUD_STATUSES]],
];

const expected = readExpected();
const golden = readGoldenRows('sqlite').map(eventOfRow);

/** Records every order of the corpus through a build's ingestion service into its in-memory store. */
const recordCorpus = async (b: Build): Promise<readonly StoredEvent[]> => {
  const store = b.memory.getInMemoryEventStore();
  for (const scenario of goldenCorpus()) {
    const ingestor = b.ingest.createIngestor({ store, serverKey: scenario.server_key });
    for (const line of scenario.events) {
      const r = await ingestor.ingest(line)();
      if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
    }
  }
  const all = await store.readAll({})();
  if (E.isLeft(all)) throw new Error(JSON.stringify(all.left));
  return all.right;
};

describe.each(BUILDS)('a build with its %s', (_name, tx, fraud) => {
  const b = buildWith(tx, fraud);
  const recordIn = (s: Parameters<EngineModule['summarizeOrder']>[0]): unknown =>
    JSON.parse(JSON.stringify({ summary: b.engine.summarizeOrder(s), answers: b.engine.answersFor(s) }));

  test('really encodes pairs differently', () => {
    expect(b.compiled.pairOf('settlement', 'accept')).not.toBe(pairOf('settlement', 'accept'));
    expect(b.compiled.pairOf('pending', null)).not.toBe(pairOf('pending', null));
  });

  test('folds the golden stream to the recorded states and answers', () => {
    expect(recordsOf(golden, (es) => b.ingest.foldStream(es), recordIn)).toEqual(expected);
  });

  test('writes a stream that both builds fold to the recorded states and answers', async () => {
    const fresh = await recordCorpus(b);
    expect(fresh).toHaveLength(golden.length);
    expect(recordsOf(fresh, (es) => b.ingest.foldStream(es), recordIn)).toEqual(expected);
    expect(recordsOf(fresh, (es) => foldStream(es))).toEqual(expected);
    // What it stores is what this release stores: the same decisions in the same words.
    expect(fresh.map((e) => (e.data as { decision: unknown }).decision)).toEqual(golden.map((e) => (e.data as { decision: unknown }).decision));
  });
});
