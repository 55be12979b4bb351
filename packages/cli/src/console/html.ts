/**
 * HTML built from text that may be hostile: order ids, custom fields and status messages come
 * from outside. Every interpolated value goes through `escapeHtml` unless it is already `Html`
 * (built by `html` itself), so a page cannot be written without escaping.
 */

/** Markup that is safe to put in a page as it is. */
export interface Html {
  readonly __html: string;
}

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/**
 * The one escaping function: text (or a number) as HTML character data or a quoted attribute
 * value. Besides the five markup characters it escapes the backtick, and it drops the characters
 * HTML does not allow in text (NUL, C0 controls other than tab and newlines, lone surrogates).
 */
export const escapeHtml = (text: string | number): string =>
  String(text)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/[&<>"'`]/g, (c) => ENTITIES[c]!);

/** Trusted markup (a constant, or Graphviz output the caller has checked). */
export const raw = (markup: string): Html => ({ __html: markup });

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

const render = (part: Part): string => {
  if (part === null || part === undefined || part === false || part === true) return '';
  if (Array.isArray(part)) return part.map(render).join('');
  if (typeof part === 'object') return (part as Html).__html;
  return escapeHtml(part as string | number);
};

/** A template whose interpolations are escaped (arrays are joined; null, undefined and booleans vanish). */
export const html = (strings: TemplateStringsArray, ...parts: readonly Part[]): Html => ({
  __html: strings.reduce((out, s, i) => out + s + (i < parts.length ? render(parts[i]!) : ''), ''),
});

/** A path segment for a link: the id percent-encoded, so `/`, `?`, `#` and `..` stay inside it. */
export const pathSegment = (id: string): string => encodeURIComponent(id).replace(/\./g, '%2E');
