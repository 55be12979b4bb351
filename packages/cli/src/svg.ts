/**
 * Graphviz DOT to SVG without a system Graphviz: the WebAssembly build in @viz-js/viz, loaded only
 * when a picture is asked for (it is a few megabytes).
 */
import * as E from 'fp-ts/lib/Either.js';

interface Viz {
  readonly render: (dot: string, options: { readonly format: string }) => { readonly status: string; readonly output?: string; readonly errors: readonly { readonly message: string }[] };
}

let loaded: Promise<Viz> | undefined;

// The package ships a CommonJS build (`require` condition); this command is CommonJS.
/* eslint-disable-next-line @typescript-eslint/no-require-imports */
const viz = (): Promise<Viz> => (loaded ??= (require('@viz-js/viz') as { instance: () => Promise<Viz> }).instance());

/** Renders DOT to an SVG document; a Graphviz error is a value. */
export const dotToSvg = async (dot: string): Promise<E.Either<string, string>> => {
  const result = (await viz()).render(dot, { format: 'svg' });
  return result.status === 'success' && result.output !== undefined
    ? E.right(result.output)
    : E.left(`cannot draw the diagram: ${result.errors.map((e) => e.message.trim()).join('; ') || result.status}`);
};

const size = (svg: string, attribute: 'width' | 'height'): number => {
  const m = new RegExp(`<svg[^>]*\\s${attribute}="([\\d.]+)pt"`).exec(svg);
  return m === null ? 0 : Number(m[1]);
};

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Stacks SVG documents (Graphviz output) into one, each below the last, under a title line. The
 * parts keep their own coordinates: each becomes a nested `<svg>` placed with `y`.
 */
export const stackSvg = (title: string, parts: readonly string[]): string => {
  const titleHeight = 24;
  let y = titleHeight;
  const nested = parts.map((svg) => {
    const body = svg.slice(svg.indexOf('<svg'));
    // In the outer document one unit is one point: the parts' sizes in `pt` become plain units.
    const open = body.slice(0, body.indexOf('>') + 1);
    const placed = open.replace(/^<svg/, `<svg x="0" y="${y}"`).replace(/(width|height)="([\d.]+)pt"/g, '$1="$2"') + body.slice(open.length);
    y += size(svg, 'height') + 8;
    return placed.trimEnd();
  });
  const width = Math.max(200, ...parts.map((p) => size(p, 'width')));
  return [
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}pt" height="${y}pt" viewBox="0 0 ${width} ${y}">`,
    `<text x="8" y="16" font-family="Helvetica,sans-serif" font-size="13">${escapeXml(title)}</text>`,
    ...nested,
    '</svg>',
    '',
  ].join('\n');
};
