/** What a paystate subcommand may touch of its process: output, standard input, the environment. */
import { readFileSync } from 'node:fs';

export interface Io {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly readStdin: () => string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** This process's standard streams and environment. */
export const processIo = (): Io => ({
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readStdin: () => readFileSync(0, 'utf8'),
  env: process.env,
});
