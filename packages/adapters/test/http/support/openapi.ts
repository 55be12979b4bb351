/**
 * The components schemas of docs/openapi.json, compiled with ajv (JSON Schema 2020-12, as
 * OpenAPI 3.1 uses): `#/components/schemas/X` references are rewritten to `#/$defs/X` so each
 * schema compiles with all the others beside it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

export const OPENAPI_FILE = join(__dirname, '..', '..', '..', '..', '..', 'docs', 'openapi.json');

export interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, { readonly responses: Record<string, { readonly content?: { readonly 'application/json'?: { readonly schema: { readonly $ref: string } } } }> }>>;
  readonly components: { readonly schemas: Record<string, unknown> };
}

export const openApiDocument = (): OpenApiDocument => JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as OpenApiDocument;

const rewriteRefs = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', '#/$defs/') : rewriteRefs(v)]),
    );
  return value;
};

/** A validator per components schema, by name. */
export const schemaValidators = (doc: OpenApiDocument = openApiDocument()): ((name: string) => ValidateFunction) => {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
  ajv.addFormat('date-time', (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)));
  const defs = rewriteRefs(doc.components.schemas) as Record<string, unknown>;
  const cache = new Map<string, ValidateFunction>();
  return (name) => {
    const known = cache.get(name);
    if (known !== undefined) return known;
    if (!(name in defs)) throw new Error(`docs/openapi.json has no schema ${name}`);
    const v = ajv.compile({ $defs: defs, $ref: `#/$defs/${name}` });
    cache.set(name, v);
    return v;
  };
};

/** The schema name the document gives the JSON answer of `method path` with `status`. */
export const responseSchemaName = (doc: OpenApiDocument, path: string, method: string, status: number): string => {
  const op = doc.paths[path]?.[method];
  if (op === undefined) throw new Error(`docs/openapi.json documents no ${method.toUpperCase()} ${path}`);
  const r = op.responses[String(status)];
  if (r === undefined) throw new Error(`docs/openapi.json documents no ${status} for ${method.toUpperCase()} ${path}`);
  const ref = r.content?.['application/json']?.schema.$ref;
  if (ref === undefined) throw new Error(`docs/openapi.json gives ${status} of ${method.toUpperCase()} ${path} no JSON schema`);
  return ref.replace('#/components/schemas/', '');
};
