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
  // Most strings hold neither NUL nor a surrogate: one pass over the code units settles them.
  let suspect = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || (c >= 0xd800 && c <= 0xdfff)) {
      suspect = true;
      break;
    }
  }
  if (!suspect || !UNSTORABLE_CHAR.test(s)) return undefined;
  return s.includes('\u0000') ? 'a string containing NUL (\\u0000)' : 'a string containing a lone UTF-16 surrogate';
};

/**
 * An escape in JSON text that could become an unstorable string: NUL, or any surrogate (paired
 * ones included: the walk tells them apart). `\\u0000` (an escaped backslash, then `u0000`) also
 * matches; that only sends the text to the exact walk.
 */
const SUSPECT_ESCAPE = /\\u(?:0000|[dD][89abcdefABCDEF])/;

// Node 20 has String.prototype.isWellFormed (ES2024); the types here stop at ES2022.
type MaybeWellFormed = { isWellFormed?: () => boolean };
/** Whether a string has no lone surrogate (natively, at once for a one-byte string) and, without isWellFormed, no NUL. */
const wellFormed = (s: string): boolean => {
  const native = (s as MaybeWellFormed).isWellFormed;
  return native !== undefined ? native.call(s) : !UNSTORABLE_CHAR.test(s);
};

/**
 * Whether JSON text is storable whatever it parses to, decided from the text alone. True when it
 * has no escape {@link SUSPECT_ESCAPE} matches, no raw NUL, no raw lone surrogate (a raw pair stays
 * a pair once parsed), and at most `maxDepth` opening brackets (`{` and `[` together, counted
 * inside strings too: the nesting can be no deeper than that). False means only "not settled
 * here": the parsed value then gets the exact walk of {@link unstorableReason}. Ordinary bodies
 * (a few brackets, no such escapes) are settled by native string searches, without a walk.
 */
export const storableByText = (text: string, maxDepth: number = MAX_JSON_DEPTH): boolean => {
  if (text.includes('\\u') && SUSPECT_ESCAPE.test(text)) return false;
  if (text.includes('\u0000') || !wellFormed(text)) return false;
  let opens = 0;
  for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) if (++opens > maxDepth) return false;
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) if (++opens > maxDepth) return false;
  return true;
};

const MAX_SEGMENT = 40;

/** A path segment shown safely: escaped the way JSON escapes, clipped. */
const segment = (key: string): string => {
  const shown = JSON.stringify(key).slice(1, -1);
  return shown.length > MAX_SEGMENT ? `${shown.slice(0, MAX_SEGMENT)}…` : shown;
};

/**
 * The first reason a parsed line cannot be stored, as `path: cause` (the path dotted from the line
 * root, like decode errors), or undefined when every row it becomes is valid JSON everywhere.
 * The path is kept as a stack of keys and written out only for a line that fails: this runs for
 * every observation.
 */
export const unstorableReason = (u: unknown, maxDepth: number = MAX_JSON_DEPTH): string | undefined => {
  const keys: string[] = [];
  const at = (): string => (keys.length === 0 ? 'line' : keys.map(segment).join('.'));
  const walk = (v: unknown, depth: number): string | undefined => {
    if (typeof v === 'string') {
      const p = stringProblem(v);
      return p === undefined ? undefined : `${at()}: ${p}`;
    }
    if (typeof v !== 'object' || v === null) return undefined;
    if (depth >= maxDepth) return `${at()}: nested deeper than ${maxDepth} levels`;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        keys.push(String(i));
        const r = walk(v[i], depth + 1);
        keys.pop();
        if (r !== undefined) return r;
      }
      return undefined;
    }
    for (const k of Object.keys(v)) {
      keys.push(k);
      const kp = stringProblem(k);
      const r = kp !== undefined ? `${at()}: a key that is ${kp}` : walk((v as Record<string, unknown>)[k], depth + 1);
      keys.pop();
      if (r !== undefined) return r;
    }
    return undefined;
  };
  return walk(u, 0);
};
