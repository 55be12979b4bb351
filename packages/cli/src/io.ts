/** What a paystate subcommand may touch of its process: output, standard input, the environment. */
import { readFileSync } from 'node:fs';

export interface Io {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly readStdin: () => string;
  /** Standard input as a stream, for commands that read it a line at a time (else `readStdin`). */
  readonly stdinStream?: () => import('node:stream').Readable;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stdout and stderr are terminals (colour, progress); absent means neither is. */
  readonly isTTY?: { readonly stdout: boolean; readonly stderr: boolean };
}

/** This process's standard streams and environment. */
export const processIo = (): Io => ({
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readStdin: () => readFileSync(0, 'utf8'),
  stdinStream: () => process.stdin,
  env: process.env,
  isTTY: { stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true },
});
