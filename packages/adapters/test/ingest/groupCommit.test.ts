/**
 * Group commit: the appends asked for in one turn of the event loop go to the store as one
 * appendMany; while the store holds as many groups as it takes at once, new appends wait and go
 * together next; every append gets its own op's answer.
 */
import * as E from 'fp-ts/lib/Either.js';
import { createGroupCommit } from '../../src/ingest/groupCommit';
import type { AppendOp, AppendResult, EventStore, StoreError } from '../../src/store/index';

type Answer = E.Either<StoreError, readonly E.Either<StoreError, AppendResult>[]>;

/** A store whose appendMany calls wait until the test answers them. */
const heldStore = (concurrentAppends?: number) => {
  const calls: { ops: readonly AppendOp[]; answer: (a: Answer) => void }[] = [];
  const store = {
    appendMany: (ops: readonly AppendOp[]) => () => new Promise<Answer>((answer) => calls.push({ ops, answer })),
    ...(concurrentAppends === undefined ? {} : { concurrentAppends }),
  } as unknown as EventStore;
  const ok = (ops: readonly AppendOp[]): Answer =>
    E.right(ops.map((op) => E.right({ streamId: op.streamId, nextVersion: 1, events: [], alreadyRecorded: [] })));
  return { store, calls, ok };
};

const op = (streamId: string): AppendOp => ({ streamId, events: [{ type: 'E', data: streamId }], expectedVersion: 0 });
const turn = () => new Promise((r) => setImmediate(r));
const streamsOf = (ops: readonly AppendOp[]) => ops.map((o) => o.streamId);

test('one group per turn; while it commits, new appends wait and go together next', async () => {
  const { store, calls, ok } = heldStore();
  const commits = createGroupCommit(store);
  const first = ['a', 'b', 'c'].map((s) => commits.append(op(s)));
  await turn();
  expect(calls.map((c) => streamsOf(c.ops))).toEqual([['a', 'b', 'c']]);
  const second = ['d', 'e'].map((s) => commits.append(op(s)));
  await turn();
  await turn();
  // One group at a time by default: d and e wait for a, b, c.
  expect(calls).toHaveLength(1);
  calls[0]!.answer(ok(calls[0]!.ops));
  expect((await Promise.all(first)).map((r) => E.isRight(r) && r.right.streamId)).toEqual(['a', 'b', 'c']);
  await turn();
  expect(calls.map((c) => streamsOf(c.ops))).toEqual([['a', 'b', 'c'], ['d', 'e']]);
  calls[1]!.answer(ok(calls[1]!.ops));
  expect((await Promise.all(second)).map((r) => E.isRight(r) && r.right.streamId)).toEqual(['d', 'e']);
});

test('a store that takes several groups at once gets each turn its own, up to its limit', async () => {
  const { store, calls, ok } = heldStore(2);
  const commits = createGroupCommit(store);
  const asked = [commits.append(op('a')), commits.append(op('b'))];
  await turn();
  asked.push(commits.append(op('c')));
  await turn();
  asked.push(commits.append(op('d')), commits.append(op('e')));
  await turn();
  await turn();
  expect(calls.map((c) => streamsOf(c.ops))).toEqual([['a', 'b'], ['c']]);
  calls[1]!.answer(ok(calls[1]!.ops));
  await turn();
  expect(calls.map((c) => streamsOf(c.ops))).toEqual([['a', 'b'], ['c'], ['d', 'e']]);
  calls[0]!.answer(ok(calls[0]!.ops));
  calls[2]!.answer(ok(calls[2]!.ops));
  expect((await Promise.all(asked)).map((r) => E.isRight(r) && r.right.streamId)).toEqual(['a', 'b', 'c', 'd', 'e']);
});

test('a failed group answers each of its appends with the error; one that throws does not stall the next', async () => {
  const { store, calls } = heldStore();
  const commits = createGroupCommit(store);
  const failed = [commits.append(op('a')), commits.append(op('b'))];
  await turn();
  calls[0]!.answer(E.left({ _tag: 'StoreUnavailable', cause: 'disk gone' }));
  expect(await Promise.all(failed)).toEqual([E.left({ _tag: 'StoreUnavailable', cause: 'disk gone' }), E.left({ _tag: 'StoreUnavailable', cause: 'disk gone' })]);

  const throwing = { appendMany: () => () => Promise.reject(new Error('driver bug')) } as unknown as EventStore;
  const guarded = createGroupCommit(throwing);
  const answers = await Promise.all([guarded.append(op('x')), guarded.append(op('y'))]);
  expect(answers.map((r) => E.isLeft(r) && r.left)).toEqual([
    { _tag: 'StoreFailed', cause: 'appendMany threw: driver bug' },
    { _tag: 'StoreFailed', cause: 'appendMany threw: driver bug' },
  ]);
  expect(await guarded.append(op('z'))).toEqual(E.left({ _tag: 'StoreFailed', cause: 'appendMany threw: driver bug' }));
});
