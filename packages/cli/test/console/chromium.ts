/** Debian's headless Chromium driven by playwright-core, as the console's browser tests and screenshots run it. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export interface RunningBrowser {
  /** The browser's one context, on a fresh profile directory. */
  readonly context: BrowserContext;
  readonly close: () => Promise<void>;
}

/** Launches Chromium with a fresh profile; fails with the install line when it is missing. */
export const launchChromium = async (): Promise<RunningBrowser> => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)`);
  const profile = mkdtempSync(join(tmpdir(), 'paystate-chromium-'));
  // The profile directory is given as Playwright wants it (it adds --user-data-dir itself).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport: { width: 1280, height: 900 },
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
};
