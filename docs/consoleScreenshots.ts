/**
 * Photographs the payment console for docs/console.md: the attention list and an order page of a
 * fixed store (packages/cli/test/console/fixtureStore.ts), in Debian's headless Chromium. Pixels
 * differ between machines, so beside each picture it writes the HTML it photographed
 * (docs/console-*.html); a test checks that the console still serves exactly that HTML for the
 * same store. `pnpm docs:screenshots` runs it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../packages/cli/test/console/chromium';
import { fetchFixturePage, FIXTURE_PAGES, FIXTURE_TOKEN, serveFixture } from '../packages/cli/test/console/fixtureStore';

const DOCS = __dirname;

const main = async (): Promise<void> => {
  const served = await serveFixture();
  const chrome = await launchChromium();
  try {
    await chrome.context.setExtraHTTPHeaders({ authorization: `Bearer ${FIXTURE_TOKEN}` });
    const page = await chrome.context.newPage();
    for (const p of FIXTURE_PAGES) {
      writeFileSync(join(DOCS, `${p.name}.html`), await fetchFixturePage(served.url, p.path));
      await page.goto(`${served.url}${p.path}`);
      await page.screenshot({ path: join(DOCS, `${p.name}.png`), fullPage: true });
      process.stdout.write(`docs/${p.name}.png and docs/${p.name}.html\n`);
    }
  } finally {
    await chrome.close();
    await served.close();
  }
};

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
