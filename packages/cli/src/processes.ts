/**
 * The paystate command and other servers as child processes: spawn one, wait for its listening
 * line, stop it. Used by the demo, the tests and the benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';


/**
 * The node arguments that run the paystate command from this folder: the built `dist/main.js`
 * when it runs from a build, else the TypeScript sources through tsx (the workspace's development
 * launcher, `bin/dev.cjs`).
 */
export const paystateArgv = (args: readonly string[]): readonly string[] =>
  __filename.endsWith('.ts') ? [join(__dirname, '..', 'bin', 'dev.cjs'), ...args] : [join(__dirname, 'main.js'), ...args];

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  /** Every stdout line after the listening line (the log), unless spawned with `keepLines: false`. */
  readonly lines: string[];
  readonly stderr: () => string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
}

/** Spawns a server process and resolves once it prints `listening on http://HOST:PORT` (rejects on exit or after `timeoutMs`). */
export const spawnListening = (
  argv: readonly string[],
  options: {
    readonly env?: NodeJS.ProcessEnv;
    readonly cwd?: string;
    readonly timeoutMs?: number;
    /** false: the output after the listening line is read and dropped, not split into lines (benchmarks). */
    readonly keepLines?: boolean;
  } = {},
): Promise<ServeProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...argv], { cwd: options.cwd ?? process.cwd(), env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let pending = '';
    let listening: { port: number; url: string } | undefined;
    const lines: string[] = [];
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no listening line within ${options.timeoutMs ?? 15_000} ms: ${err.trim()}`));
    }, options.timeoutMs ?? 15_000);
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      if (listening !== undefined && options.keepLines === false) return;
      pending += s;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (listening !== undefined) {
          lines.push(line);
          continue;
        }
        const m = /^listening on (http:\/\/[^\s]+:(\d+))$/.exec(line);
        if (m !== null) {
          listening = { url: m[1]!, port: Number(m[2]) };
          clearTimeout(timer);
          resolve({ child, ...listening, lines, stderr: () => err, exited });
        }
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      if (listening === undefined) reject(new Error(`exited (${code ?? signal}) before listening: ${err.trim()}`));
    });
  });

/** Stops a child process with a signal and waits for it (SIGKILL after `graceMs`). */
export const stopProcess = async (p: Pick<ServeProcess, 'child' | 'exited'>, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> => {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return p.exited;
  p.child.kill(signal);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  const result = await p.exited;
  clearTimeout(timer);
  return result;
};
