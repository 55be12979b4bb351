/**
 * The API reports: the public surface of every public entry, as api-extractor reads it from the
 * built declarations (dist/<entry>.d.ts), recorded in packages/<pkg>/api/<entry>.api.md.
 *
 *   pnpm api            regenerate the reports (after `pnpm build`)
 *   pnpm api --check    fail when a report differs from what the build produces
 *
 * The engine's `./internal` entry (the compiled-lookup kit for paystate's own tools) is not public
 * API and has no report.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompilerState,
  Extractor,
  ExtractorConfig,
  ExtractorLogLevel,
  type ExtractorMessage,
  type IConfigFile,
} from '@microsoft/api-extractor';

export const ROOT = join(__dirname, '..', '..', '..');

/** Each public entry by package folder: `index` is the package's `.` entry. */
export const API_ENTRIES: Readonly<Record<string, readonly string[]>> = {
  engine: ['index', 'testing'],
  adapters: ['index', 'sqlite', 'postgres', 'express', 'fastify', 'fetch', 'testing', 'metrics'],
  simulator: ['index', 'cli'],
};

export interface ReportOutcome {
  readonly report: string;
  readonly changed: boolean;
  readonly problems: readonly string[];
}

const configFor = (packageDir: string, entry: string, tempFolder: string): IConfigFile => ({
  projectFolder: packageDir,
  mainEntryPointFilePath: join(packageDir, 'dist', `${entry}.d.ts`),
  bundledPackages: [],
  compiler: {
    // The declarations as a CommonJS consumer under node16 reads them (the .d.mts twins are the same text).
    overrideTsconfig: {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2022'],
        module: 'node16',
        moduleResolution: 'node16',
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
        types: ['node'],
      },
      files: [join(packageDir, 'dist', `${entry}.d.ts`)],
    },
  },
  apiReport: { enabled: true, reportFileName: entry, reportFolder: join(packageDir, 'api'), reportTempFolder: tempFolder },
  docModel: { enabled: false },
  dtsRollup: { enabled: false },
  tsdocMetadata: { enabled: false },
  newlineKind: 'lf',
  messages: {
    compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
    extractorMessageReporting: {
      // Recorded in the report (so a change to them shows in review), not printed.
      default: { logLevel: ExtractorLogLevel.None, addToApiReportFile: true },
      // paystate does not tag release levels: every exported name of a public entry is public.
      'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None, addToApiReportFile: false },
      // Where a declaration lacks a doc comment is noted with its place in a generated chunk, whose
      // name changes with any change to the chunk: the report would churn for nothing.
      'ae-undocumented': { logLevel: ExtractorLogLevel.None, addToApiReportFile: false },
    },
    tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
  },
});

/** Runs api-extractor over every public entry; `check` compares instead of writing. */
export const apiReports = (check: boolean): readonly ReportOutcome[] => {
  const tempFolder = mkdtempSync(join(tmpdir(), 'paystate-api-'));
  try {
    return Object.entries(API_ENTRIES).flatMap(([pkg, entries]) => {
      const packageDir = join(ROOT, 'packages', pkg);
      if (!check) mkdirSync(join(packageDir, 'api'), { recursive: true });
      const prepare = (entry: string) =>
        ExtractorConfig.prepare({
          configObject: configFor(packageDir, entry, tempFolder),
          configObjectFullPath: join(packageDir, 'api-extractor.json'),
          packageJsonFullPath: join(packageDir, 'package.json'),
        });
      const configs = entries.map((entry) => ({ entry, config: prepare(entry) }));
      // One compiler program per package serves all its entries.
      const compilerState = CompilerState.create(configs[0]!.config, {
        additionalEntryPoints: configs.map((c) => c.config.mainEntryPointFilePath),
      });
      return configs.map(({ entry, config }) => {
        const problems: string[] = [];
        const result = Extractor.invoke(config, {
          localBuild: !check,
          compilerState,
          messageCallback: (m: ExtractorMessage) => {
            // Creating or updating a report is what a regeneration is for, not a problem.
            const reportWritten = !check && String(m.messageId).startsWith('console-api-report');
            if (!reportWritten && (m.logLevel === ExtractorLogLevel.Error || m.logLevel === ExtractorLogLevel.Warning)) {
              problems.push(m.formatMessageWithLocation(ROOT));
            }
            m.handled = true;
          },
        });
        const report = `packages/${pkg}/api/${entry}.api.md`;
        const changed = result.apiReportChanged;
        if (!result.succeeded && problems.length === 0) problems.push(`api-extractor failed for ${report}`);
        return { report, changed, problems: changed && check ? [...problems.filter((p) => !p.includes('ae-api-report')), `${report} differs from the build: run \`pnpm build && pnpm api\` and commit it`] : problems };
      });
    });
  } finally {
    rmSync(tempFolder, { recursive: true, force: true });
  }
};

if (require.main === module) {
  const check = process.argv.includes('--check');
  const outcomes = apiReports(check);
  for (const o of outcomes) {
    process.stdout.write(`${o.changed ? (check ? 'DIFFERS' : 'updated') : 'same   '}  ${o.report}\n`);
    for (const p of o.problems) process.stderr.write(`  ${p}\n`);
  }
  process.exitCode = outcomes.some((o) => o.problems.length > 0 || (check && o.changed)) ? 1 : 0;
}
