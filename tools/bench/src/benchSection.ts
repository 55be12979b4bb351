/** What a benchmark section is and what it is given to run. */

export interface BenchContext {
  readonly quick: boolean;
  /** Overrides a section's default workload size. */
  readonly events: number | undefined;
  readonly log: (line: string) => void;
}

export interface BenchSection {
  readonly name: string;
  readonly title: string;
  run(ctx: BenchContext): Promise<Record<string, number>>;
}
