import type { JsonSchema } from './data-type';
import { wireScalar } from './simple-values';
import type { Check } from './violations';

/**
 * The value keywords of JSON schema (`minimum`, `pattern`, `enum`, `uniqueItems` …) as run-time
 * rules, read exactly as a JSON-schema validator reads them, so that the keywords a data format
 * publishes and the check the service runs cannot disagree. Used for payload values and for
 * configuration parameters alike.
 */

type Rule = (v: unknown) => string | undefined;

function codePoints(s: string): number {
  let n = 0;
  // for…of walks code points (a lone surrogate counts as one), as JSON schema's lengths count.
  for (const _ of s) n++;
  return n;
}

/** JSON equality, as `enum` and `uniqueItems` compare (a Date and a Buffer compare as their wire text). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date) return jsonEqual(a.toISOString(), b);
  if (b instanceof Date) return jsonEqual(a, b.toISOString());
  if (a instanceof Uint8Array) return jsonEqual(Buffer.from(a).toString('base64'), b);
  if (b instanceof Uint8Array) return jsonEqual(a, Buffer.from(b).toString('base64'));
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * The value keywords of a schema fragment, each applied only to the JSON type it is about (a
 * `minimum` says nothing about a string), exactly as JSON schema reads them.
 */
function keywordRules(s: JsonSchema): Rule[] {
  const rules: Rule[] = [];
  if (typeof s.minimum === 'number') {
    const m = s.minimum;
    if (s.exclusiveMinimum === true) rules.push((v) => (typeof v === 'number' && !(v > m) ? `must be greater than ${m}` : undefined));
    else rules.push((v) => (typeof v === 'number' && !(v >= m) ? `must be at least ${m}` : undefined));
  }
  if (typeof s.maximum === 'number') {
    const m = s.maximum;
    if (s.exclusiveMaximum === true) rules.push((v) => (typeof v === 'number' && !(v < m) ? `must be less than ${m}` : undefined));
    else rules.push((v) => (typeof v === 'number' && !(v <= m) ? `must be at most ${m}` : undefined));
  }
  if (typeof s.minLength === 'number') {
    const m = s.minLength;
    rules.push((v) => (typeof v === 'string' && (v.length < m || codePoints(v) < m) ? `must be at least ${m} characters long` : undefined));
  }
  if (typeof s.maxLength === 'number') {
    const m = s.maxLength;
    // UTF-16 units are never fewer than code points: the cheap test settles most strings.
    rules.push((v) => (typeof v === 'string' && v.length > m && codePoints(v) > m ? `must be at most ${m} characters long` : undefined));
  }
  if (typeof s.pattern === 'string') {
    const re = new RegExp(s.pattern, 'u');
    rules.push((v) => (typeof v === 'string' && !re.test(v) ? `must match the pattern /${s.pattern as string}/` : undefined));
  }
  if (Array.isArray(s.enum)) {
    const values = s.enum;
    const scalars = values.every((x) => x === null || typeof x !== 'object');
    const text = `must be one of ${JSON.stringify(values)}`;
    rules.push(scalars ? (v) => (values.includes(wireScalar(v)) ? undefined : text) : (v) => (values.some((x) => jsonEqual(x, v)) ? undefined : text));
  }
  if (typeof s.minItems === 'number') {
    const m = s.minItems;
    rules.push((v) => (Array.isArray(v) && v.length < m ? `must have at least ${m} items` : undefined));
  }
  if (typeof s.maxItems === 'number') {
    const m = s.maxItems;
    rules.push((v) => (Array.isArray(v) && v.length > m ? `must have at most ${m} items` : undefined));
  }
  if (s.uniqueItems === true) {
    rules.push((v) => {
      if (!Array.isArray(v)) return undefined;
      for (let i = 1; i < v.length; i++) for (let j = 0; j < i; j++) if (jsonEqual(v[i], v[j])) return `must not contain duplicates (items ${j} and ${i} are equal)`;
      return undefined;
    });
  }
  return rules;
}

/**
 * The keyword checks of a schema fragment over one simple value (a configuration parameter):
 * the violations, each with the keyword it breaks.
 */
export function compileKeywordCheck(schema: JsonSchema): (value: unknown) => string[] {
  const rules = keywordRules(schema);
  return (value) => {
    const w = wireScalar(value);
    const out: string[] = [];
    for (const r of rules) {
      const m = r(w);
      if (m !== undefined) out.push(m);
    }
    return out;
  };
}

/** `typeCheck`, then the keywords of `schema` (on the wire form of the value). */
export function withKeywords(typeCheck: Check, schema: JsonSchema): Check {
  const rules = keywordRules(schema);
  if (rules.length === 0) return typeCheck;
  return (v, path, out) => {
    if (!typeCheck(v, path, out)) return false;
    const w = wireScalar(v);
    let ok = true;
    for (let i = 0; i < rules.length; i++) {
      const m = rules[i](w);
      if (m === undefined) continue;
      if (!out) return false;
      ok = false;
      out.push({ path, message: m });
    }
    return ok;
  };
}
