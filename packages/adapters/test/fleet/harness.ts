/** Child processes of the fleet test and benchmark, and the reading of what the subscribers logged. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const launcher = join(__dirname, 'run.cjs');

export interface Child {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
  /** Resolves with the first stdout line matching `pattern` (rejects on exit or after timeoutMs). */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
}

export const spawnScript = (script: string, config: unknown): Child => {
  const child = spawn(process.execPath, [launcher, script, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    child,
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const look = (): void => {
          const found = out.split('\n').find((l) => pattern.test(l));
          if (found !== undefined) return resolve(found);
          if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`${script} exited before ${String(pattern)}: ${err}`));
          if (Date.now() - started > timeoutMs) return reject(new Error(`${script}: no ${String(pattern)} within ${timeoutMs} ms: ${err}`));
          setTimeout(look, 20);
        };
        look();
      }),
  };
};

/** Stops a child (SIGTERM, then SIGKILL after graceMs) and waits for it. */
export const stop = async (c: Child, graceMs = 5000): Promise<void> => {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return;
  c.child.kill('SIGTERM');
  const timer = setTimeout(() => c.child.kill('SIGKILL'), graceMs);
  await c.exited;
  clearTimeout(timer);
};

export interface Handling {
  readonly id: string;
  readonly pid: number;
  readonly segment: number;
  readonly start: number;
  /** undefined when the process died inside the handler. */
  readonly end: number | undefined;
}

export interface FleetLog {
  readonly handlings: readonly Handling[];
  /** Effects run through change.once, per change id. */
  readonly effects: ReadonlyMap<string, number>;
}

/** Reads the subscribers' log files. */
export const readLogs = (files: readonly string[]): FleetLog => {
  const handlings: Handling[] = [];
  const effects = new Map<string, number>();
  for (const f of files) {
    if (!existsSync(f)) continue;
    const open = new Map<string, Handling>();
    for (const l of readFileSync(f, 'utf8').split('\n')) {
      const [tag, id, pid, t, segment] = l.split(' ');
      if (id === undefined) continue;
      if (tag === 'X') effects.set(id, (effects.get(id) ?? 0) + 1);
      else if (tag === 'S') open.set(`${id} ${pid}`, { id, pid: Number(pid), segment: Number(segment), start: Number(t), end: undefined });
      else if (tag === 'E') {
        const h = open.get(`${id} ${pid}`);
        if (h !== undefined) {
          open.delete(`${id} ${pid}`);
          handlings.push({ ...h, end: Number(t) });
        }
      }
    }
    handlings.push(...open.values());
  }
  return { handlings, effects };
};

export interface FleetCounts {
  readonly expected: number;
  readonly handledOnce: number;
  readonly handledMoreThanOnce: number;
  readonly atTheSameMoment: number;
  readonly neverHandled: number;
  /** Changes whose handler ran more than once, with who ran it. */
  readonly repeated: readonly { readonly id: string; readonly pids: readonly number[] }[];
  readonly effectsMoreThanOnce: number;
  readonly effectsMissing: readonly string[];
}

/** The counts of the fleet test; `killedAt` closes the handlings the killed process never finished. */
export const countHandlings = (expected: readonly string[], log: FleetLog, killedAt: number): FleetCounts => {
  const byId = new Map<string, Handling[]>();
  for (const h of log.handlings) byId.set(h.id, [...(byId.get(h.id) ?? []), h]);
  let once = 0;
  let more = 0;
  let overlapping = 0;
  const repeated: { id: string; pids: number[] }[] = [];
  for (const id of expected) {
    const hs = byId.get(id) ?? [];
    if (hs.length === 1) once++;
    if (hs.length > 1) {
      more++;
      repeated.push({ id, pids: hs.map((h) => h.pid) });
    }
    for (let i = 0; i < hs.length; i++)
      for (let j = i + 1; j < hs.length; j++) {
        const a = hs[i]!;
        const b = hs[j]!;
        if (a.pid !== b.pid && a.start < (b.end ?? killedAt) && b.start < (a.end ?? killedAt)) overlapping++;
      }
  }
  return {
    expected: expected.length,
    handledOnce: once,
    handledMoreThanOnce: more,
    atTheSameMoment: overlapping,
    neverHandled: expected.filter((id) => !byId.has(id)).length,
    repeated,
    effectsMoreThanOnce: [...log.effects.values()].filter((n) => n > 1).length,
    effectsMissing: expected.filter((id) => !log.effects.has(id)),
  };
};
