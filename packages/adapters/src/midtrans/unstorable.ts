/**
 * What no store can keep as JSON its database's own functions read: a string (value or key) with
 * NUL (PostgreSQL's jsonb and `->>` refuse `\u0000`), a lone UTF-16 surrogate (not Unicode text:
 * PostgreSQL refuses its escape), and nesting deeper than any Midtrans body (SQLite's json_valid
 * stops at 1,000 levels). Such input is rejected while it is decoded, never at the store.
 */

/** The deepest nesting a line may have (the line itself is depth 0; Midtrans bodies reach about 5). */
export const MAX_JSON_DEPTH = 32;

// A NUL, or a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
// (Without the `u` flag, so the pattern sees code units and can find a lone surrogate.)
const UNSTORABLE_CHAR = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored, if it cannot. */
const stringProblem = (s: string): string | undefined => {
  if (!UNSTORABLE_CHAR.test(s)) return undefined;
  return s.includes('\u0000') ? 'a string containing NUL (\\u0000)' : 'a string containing a lone UTF-16 surrogate';
};

const MAX_SEGMENT = 40;

/** A path segment shown safely: escaped the way JSON escapes, clipped. */
const segment = (key: string): string => {
  const shown = JSON.stringify(key).slice(1, -1);
  return shown.length > MAX_SEGMENT ? `${shown.slice(0, MAX_SEGMENT)}…` : shown;
};

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

/**
 * The first reason a parsed line cannot be stored, as `path: cause` (the path dotted from the line
 * root, like decode errors), or undefined when every row it becomes is valid JSON everywhere.
 */
export const unstorableReason = (u: unknown, maxDepth: number = MAX_JSON_DEPTH): string | undefined => {
  const walk = (v: unknown, path: string, depth: number): string | undefined => {
    if (typeof v === 'string') {
      const p = stringProblem(v);
      return p === undefined ? undefined : `${path === '' ? 'line' : path}: ${p}`;
    }
    if (typeof v !== 'object' || v === null) return undefined;
    if (depth >= maxDepth) return `${path === '' ? 'line' : path}: nested deeper than ${maxDepth} levels`;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const r = walk(v[i], join(path, String(i)), depth + 1);
        if (r !== undefined) return r;
      }
      return undefined;
    }
    for (const [k, x] of Object.entries(v)) {
      const shown = join(path, segment(k));
      const kp = stringProblem(k);
      if (kp !== undefined) return `${shown}: a key that is ${kp}`;
      const r = walk(x, shown, depth + 1);
      if (r !== undefined) return r;
    }
    return undefined;
  };
  return walk(u, '', 0);
};
