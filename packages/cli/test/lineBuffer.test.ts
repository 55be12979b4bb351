/**
 * The request log of `paystate serve`: lines pushed within one turn of the event loop are written
 * together, in order; flush writes what waits (on a graceful stop); nothing is written twice.
 */
import { lineBuffer } from '../src/serve';

const turn = () => new Promise((r) => setImmediate(r));

test('lines of one turn go out in one write, in order; the next turn gets its own', async () => {
  const writes: string[] = [];
  const log = lineBuffer((s) => writes.push(s));
  log.push('a\n');
  log.push('b\n');
  log.push('c\n');
  expect(writes).toEqual([]);
  await turn();
  expect(writes).toEqual(['a\nb\nc\n']);
  log.push('d\n');
  await turn();
  expect(writes).toEqual(['a\nb\nc\n', 'd\n']);
});

test('flush writes what waits at once, and the scheduled write then has nothing to add', async () => {
  const writes: string[] = [];
  const log = lineBuffer((s) => writes.push(s));
  log.push('x\n');
  log.flush();
  expect(writes).toEqual(['x\n']);
  await turn();
  log.flush();
  expect(writes).toEqual(['x\n']);
});
