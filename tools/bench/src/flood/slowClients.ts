/**
 * One process of the connection flood: opens `--count` connections to `--port` from `--local` at
 * once, each sending half a request line's headers and then nothing, reads whatever comes back,
 * and prints one JSON line when every connection has closed: how many connected, how long each
 * stayed open, how many were answered 408. Run by `flood/main.ts`, several at once, each with a
 * descriptor limit of its own.
 */
import { connect } from 'node:net';
import { parseArgs } from 'node:util';

export interface SlowClientReport {
  readonly attempted: number;
  readonly connected: number;
  /** Connections that failed before connecting (refused, reset, no port). */
  readonly failed: number;
  /** Answered `HTTP/1.1 408` before the server closed them. */
  readonly answered408: number;
  /** ms from connecting to closing, for each connection that connected, sorted. */
  readonly lifetimes: readonly number[];
  /** ms from the first connect() call to the last close. */
  readonly overMs: number;
}

const { values } = parseArgs({
  options: { port: { type: 'string' }, count: { type: 'string' }, local: { type: 'string' }, host: { type: 'string' }, 'give-up-ms': { type: 'string' } },
});
const port = Number(values.port);
const count = Number(values.count);
const giveUpMs = Number(values['give-up-ms'] ?? 60_000);
const HEAD = 'POST /notifications HTTP/1.1\r\nHost: flood\r\n';

const started = performance.now();
let connected = 0;
let failed = 0;
let answered408 = 0;
let closed = 0;
const lifetimes: number[] = [];

const finish = (): void => {
  lifetimes.sort((a, b) => a - b);
  const report: SlowClientReport = { attempted: count, connected, failed, answered408, lifetimes: lifetimes.map(Math.round), overMs: Math.round(performance.now() - started) };
  process.stdout.write(JSON.stringify(report) + '\n', () => process.exit(0));
};

for (let i = 0; i < count; i++) {
  const s = connect({ port, host: values.host ?? '127.0.0.1', ...(values.local !== undefined ? { localAddress: values.local } : {}) });
  let at: number | undefined;
  let reply = '';
  s.on('connect', () => {
    at = performance.now();
    connected++;
    s.write(HEAD);
  });
  s.on('data', (d: Buffer) => {
    if (reply.length < 16) reply += d.toString('latin1');
  });
  s.on('error', () => undefined);
  s.on('close', () => {
    if (at === undefined) failed++;
    else lifetimes.push(performance.now() - at);
    if (reply.startsWith('HTTP/1.1 408')) answered408++;
    if (++closed === count) finish();
  });
  // This process's own bound, whatever the server does.
  setTimeout(() => s.destroy(), giveUpMs).unref();
}
