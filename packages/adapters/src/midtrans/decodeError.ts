/**
 * Decode failures as data (where, what was expected, what was found) and their rendering as
 * one-line messages such as `status_code: expected a string like "200", got number 200`.
 */
import * as t from 'io-ts';

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

export interface DecodeError {
  /** Dotted path from the payload root ("status_code", "refunds.0.refund_amount"); "" is the payload itself. */
  readonly path: string;
  /** What the field must be ("a string like \"200\"", "one of accept|challenge|deny"). */
  readonly expected: string;
  /** The value received; `undefined` when the field is missing. */
  readonly found: unknown;
  /** The rendered line, path first. */
  readonly message: string;
}

// -------------------------------------------------------------------------------------------------
// rendering
// -------------------------------------------------------------------------------------------------

const MAX_SHOWN = 60;

const clip = (s: string): string => (s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s);

/** Describes a received value briefly: `number 200`, `"maybe"`, `null`, `an object`. */
export const describeFound = (u: unknown): string => {
  if (u === undefined) return 'nothing';
  if (u === null) return 'null';
  switch (typeof u) {
    case 'string':
      return clip(JSON.stringify(u));
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof u} ${String(u)}`;
    case 'symbol':
    case 'function':
      return `a ${typeof u}`;
    default:
      return Array.isArray(u) ? `an array of ${u.length} item${u.length === 1 ? '' : 's'}` : 'an object';
  }
};

/** The label a path is shown with: the path itself, or `payload` for the root. */
export const pathLabel = (path: string): string => (path === '' ? 'payload' : path);

/** Renders one failure as `path: missing` or `path: expected X, got Y`. */
export const renderDecodeError = (e: Pick<DecodeError, 'path' | 'expected' | 'found'>): string =>
  e.found === undefined
    ? `${pathLabel(e.path)}: missing`
    : `${pathLabel(e.path)}: expected ${e.expected}, got ${describeFound(e.found)}`;

const MAX_LISTED = 5;

/** Renders several failures on one line, the first few in full. */
export const renderDecodeErrors = (errors: readonly DecodeError[]): string => {
  const shown = errors.slice(0, MAX_LISTED).map((e) => e.message);
  const more = errors.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ');
};

// -------------------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------------------

/** A failure at `path`, with its message rendered. */
export const decodeError = (path: string, expected: string, found: unknown): DecodeError => ({
  path,
  expected,
  found,
  message: renderDecodeError({ path, expected, found }),
});

const errorText = (cause: unknown): string => {
  if (cause instanceof Error) return cause.message;
  try {
    return String(cause);
  } catch {
    return 'unreadable error';
  }
};

/** The failure for text that is not JSON: `body: not valid JSON (Unexpected token ...)`. */
export const invalidJson = (cause: unknown, text: string): DecodeError => ({
  path: 'body',
  expected: 'valid JSON',
  found: clip(text),
  message: `body: not valid JSON (${errorText(cause)})`,
});

/** The same failures under a parent path (`request.body` + `amount` → `request.body.amount`). */
export const underPath = (prefix: string, errors: readonly DecodeError[]): readonly DecodeError[] =>
  errors.map((e) => {
    const path = e.path === '' ? prefix : prefix === '' ? e.path : `${prefix}.${e.path}`;
    return decodeError(path, e.expected, e.found);
  });

// -------------------------------------------------------------------------------------------------
// from io-ts
// -------------------------------------------------------------------------------------------------

type AnyDecoder = t.Decoder<unknown, unknown>;

/** Codecs whose context entries name a member index, not a field. */
const isCombinator = (d: AnyDecoder): boolean => d instanceof t.IntersectionType || d instanceof t.UnionType;

/** What a codec accepts, in words; custom codecs carry their description as their name. */
export const describeExpected = (d: AnyDecoder): string => {
  if (d instanceof t.KeyofType) return `one of ${Object.keys(d.keys as object).join('|')}`;
  if (d instanceof t.LiteralType) return JSON.stringify(d.value);
  if (
    d instanceof t.InterfaceType ||
    d instanceof t.PartialType ||
    d instanceof t.IntersectionType ||
    d instanceof t.ExactType ||
    d instanceof t.DictionaryType ||
    d instanceof t.AnyDictionaryType
  ) {
    return 'an object';
  }
  if (d instanceof t.ArrayType || d instanceof t.ReadonlyArrayType || d instanceof t.AnyArrayType) return 'an array';
  if (d instanceof t.StringType) return 'a string';
  if (d instanceof t.NumberType) return 'a number';
  if (d instanceof t.BooleanType) return 'a boolean';
  if (d instanceof t.NullType) return 'null';
  return d.name;
};

const fromValidationError = (e: t.ValidationError): DecodeError => {
  const keys: string[] = [];
  e.context.forEach((entry, i) => {
    const parent = i === 0 ? undefined : e.context[i - 1];
    if (parent !== undefined && !isCombinator(parent.type)) keys.push(entry.key);
  });
  const last = e.context[e.context.length - 1];
  const expected = last === undefined ? 'a value' : describeExpected(last.type);
  return decodeError(keys.join('.'), expected, e.value);
};

/** Turns io-ts validation errors into path-named failures, one per distinct message. */
export const fromValidationErrors = (errors: t.Errors): readonly DecodeError[] => {
  const seen = new Set<string>();
  const out: DecodeError[] = [];
  for (const e of errors) {
    const d = fromValidationError(e);
    if (!seen.has(d.message)) {
      seen.add(d.message);
      out.push(d);
    }
  }
  return out;
};
