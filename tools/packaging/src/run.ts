/**
 * Child processes for the packaging suite: each command's output is kept, and a failure throws
 * an error carrying the command, its exit and the tail of its stdout and stderr (npm's stderr is
 * where an install says why it failed).
 */
import { spawn } from 'node:child_process';

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

const tail = (text: string, lines = 60): string => text.trimEnd().split('\n').slice(-lines).join('\n');

/**
 * The environment of a scratch project: none of pnpm's or jest's npm_* settings leak into npm, and
 * no NODE_PATH (pnpm's bin shims point it at the workspace's hoisted packages, where a scratch
 * project would find better-sqlite3 or tsx it never installed).
 */
export const scratchEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(npm_|pnpm_|JEST_|NODE_PATH$)/i.test(k)) env[k] = v;
  return { ...env, npm_config_nodedir: '/usr', npm_config_update_notifier: 'false', ...extra };
};

export const run = (command: string, args: readonly string[], options: RunOptions): Promise<RunResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (e) => {
      if (timer !== undefined) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });

export const describeFailure = (command: string, args: readonly string[], cwd: string, r: RunResult): string =>
  `\`${[command, ...args].join(' ')}\` in ${cwd} ended with ${r.signal ?? `exit ${r.code}`}\n` +
  `--- stdout (tail)\n${tail(r.stdout)}\n--- stderr (tail)\n${tail(r.stderr)}`;

/** Runs a command that must succeed; resolves to its result. */
export const mustRun = async (command: string, args: readonly string[], options: RunOptions): Promise<RunResult> => {
  const r = await run(command, args, options);
  if (r.code !== 0) throw new Error(describeFailure(command, args, options.cwd, r));
  return r;
};
