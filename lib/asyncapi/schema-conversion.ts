// MSB data formats (draft-04 style, definitions beside the schema and named by `#/definitions/…`)
// as AsyncAPI schemas: which names a reference may mean, and the conversion itself, bounded in
// depth because a self-description comes from any client.
import { MsbAsyncApiError } from './errors';
import { canonicalJson } from '../util/canonical-json';
import { isObject, put } from './json';
import type { Json } from './json';

/** Schemas deeper than this are refused rather than risk the stack; no real data format comes near. */
const MAX_SCHEMA_DEPTH = 64;

// [\s\S]: a DTO name may hold U+2028 and other line terminators, which `.` does not match.
const REF = /^#\/definitions\/([\s\S]*)$/;

/**
 * The names a `#/definitions/…` reference may mean: the MSB clients write names unescaped,
 * JSON Pointer would write `/` as `~1` and `~` as `~0`; the raw reading is tried first.
 */
function refNames(ref: string): string[] {
  const m = REF.exec(ref);
  if (!m) return [];
  const unescaped = m[1].replace(/~1/g, '/').replace(/~0/g, '~');
  return unescaped === m[1] ? [m[1]] : [m[1], unescaped];
}

/** Every `#/definitions/…` name referred to anywhere below `value`. */
export function refsIn(value: unknown, out: Set<string>, depth = 0): Set<string> {
  if (depth > MAX_SCHEMA_DEPTH * 2) throw new MsbAsyncApiError(`a data format is nested deeper than ${MAX_SCHEMA_DEPTH} schemas`);
  if (Array.isArray(value)) for (const v of value) refsIn(v, out, depth + 1);
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') for (const name of refNames(v)) out.add(name);
      else refsIn(v, out, depth + 1);
    }
  }
  return out;
}

function containsRef(value: unknown, depth = 0): boolean {
  if (depth > MAX_SCHEMA_DEPTH * 2) return true;
  if (Array.isArray(value)) return value.some((v) => containsRef(v, depth + 1));
  if (isObject(value)) return Object.entries(value).some(([k, v]) => k === '$ref' || containsRef(v, depth + 1));
  return false;
}

const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions']);
const SCHEMA_VALUES = new Set(['items', 'additionalProperties', 'additionalItems', 'not']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);

/**
 * An MSB schema (draft-04 / Swagger subset) as an AsyncAPI schema (a draft-07 superset):
 * `#/definitions/X` becomes the component schema's $ref, draft-04 boolean `exclusiveMinimum`/
 * `exclusiveMaximum` become the draft-07 numbers, and references the document cannot resolve
 * (missing definitions, other documents, `$ref` inside examples or defaults) are left out, so
 * that no reader of the document follows a reference to elsewhere.
 */
export function convertSchema(schema: unknown, resolve: (name: string) => string | undefined, depth = 0): unknown {
  if (typeof schema === 'boolean') return schema;
  if (!isObject(schema)) return {};
  if (depth > MAX_SCHEMA_DEPTH) throw new MsbAsyncApiError(`a data format is nested deeper than ${MAX_SCHEMA_DEPTH} schemas`);
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === '$ref') {
      const key = typeof v === 'string' ? refNames(v).map(resolve).find((k2) => k2 !== undefined) : undefined;
      if (key !== undefined) put(out, k, `#/components/schemas/${key}`);
      else put(out, 'x-msb-unresolved-ref', typeof v === 'string' ? v : JSON.stringify(v));
    } else if (k === 'exclusiveMinimum' || k === 'exclusiveMaximum') {
      const bound = k === 'exclusiveMinimum' ? 'minimum' : 'maximum';
      if (typeof v === 'number') put(out, k, v);
      else if (v === true && typeof schema[bound] === 'number') put(out, k, schema[bound]);
    } else if (SCHEMA_MAPS.has(k) && isObject(v)) {
      const map: Json = {};
      for (const [name, s] of Object.entries(v)) put(map, name, convertSchema(s, resolve, depth + 1));
      put(out, k, map);
    } else if (SCHEMA_VALUES.has(k) && (isObject(v) || typeof v === 'boolean' || (k === 'items' && Array.isArray(v)))) {
      put(out, k, Array.isArray(v) ? v.map((s) => convertSchema(s, resolve, depth + 1)) : convertSchema(v, resolve, depth + 1));
    } else if (k === 'enum' && Array.isArray(v) && !containsRef(v)) {
      // Draft-04 asks for distinct values, but the MSB meta-schema does not check it; AsyncAPI does.
      const seen = new Set<string>();
      put(out, k, v.filter((item) => !seen.has(canonicalJson(item)) && seen.add(canonicalJson(item))).map((item) => structuredClone(item)));
    } else if (SCHEMA_LISTS.has(k) && Array.isArray(v)) {
      put(out, k, v.map((s) => convertSchema(s, resolve, depth + 1)));
    } else if (!containsRef(v)) {
      put(out, k, structuredClone(v));
    }
  }
  // Draft-07 reads `minimum` as inclusive; with an exclusive bound of the same value it would contradict it.
  if (schema.exclusiveMinimum === true && typeof schema.minimum === 'number') delete out.minimum;
  if (schema.exclusiveMaximum === true && typeof schema.maximum === 'number') delete out.maximum;
  return out;
}
