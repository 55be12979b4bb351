/**
 * The console's screenshots in docs/ stay true: `pnpm docs:screenshots` writes, beside each
 * picture, the HTML it photographed; the console must still serve exactly that HTML for the same
 * fixed store (pixels differ between machines, the page's markup does not).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetchFixturePage, FIXTURE_PAGES, serveFixture } from './fixtureStore';

const DOCS = join(__dirname, '..', '..', '..', '..', 'docs');

test.each(FIXTURE_PAGES.map((p) => [p.name, p.path] as const))('docs/%s.html is what the console serves at %s (else run pnpm docs:screenshots)', async (name, path) => {
  const served = await serveFixture();
  try {
    expect(await fetchFixturePage(served.url, path)).toBe(readFileSync(join(DOCS, `${name}.html`), 'utf8'));
  } finally {
    await served.close();
  }
  const png = readFileSync(join(DOCS, `${name}.png`));
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.readUInt32BE(16)).toBe(1280); // IHDR width: the screenshot's viewport
});
