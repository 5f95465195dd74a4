import { schemaOf } from './data-type';
import type { JsonSchema } from './data-type';
import { ajvCheck } from './ajv-check';
import { dtoModelOf } from './dto-model';
import { fieldSchema } from './field-schema';
import { withKeywords } from './keyword-rules';
import { simpleCheck } from './simple-values';
import type { TypeRef } from './type-ref';
import { joinPath, kindOfValue } from './violations';
import type { Check, Direction } from './violations';

/**
 * The fast path: each node of a payload type (simple value, array, DTO, raw format) compiled once
 * into a predicate over the value. The schema each node checks is the very fragment that goes into
 * the data format (schemaOf, fieldSchema), so the self-description and the run-time check cannot
 * say different things. Only a failing value is walked a second time, to collect every violation
 * with its path.
 */

/** The schema of a type without keywords, as the data format writes it (a DTO stands for its $ref). */
export function typeSchema(ref: TypeRef): JsonSchema {
  switch (ref.kind) {
    case 'simple': return schemaOf(ref.dataType);
    case 'array': return { type: 'array', items: typeSchema(ref.items) };
    case 'dto': return { $ref: '' };
    case 'raw': return (ref.format.dataObject ?? {}) as JsonSchema;
  }
}

/** The check of one node: its type, then the keywords of its schema fragment. */
export function nodeCheck(ref: TypeRef, schema: JsonSchema, dir: Direction): Check {
  switch (ref.kind) {
    case 'simple': return withKeywords(simpleCheck(ref.dataType, dir), schema);
    case 'raw': {
      // Its own definitions go with it (only a payload's raw format has any).
      const { dataObject: _payload, ...definitions } = ref.format;
      return ajvCheck(Object.keys(definitions).length > 0 ? { ...schema, definitions } : schema);
    }
    case 'dto': return dtoCheck(ref.target, dir);
    case 'array': {
      const items = nodeCheck(ref.items, (schema.items ?? {}) as JsonSchema, dir);
      const isArray: Check = (v, path, out) => {
        if (!Array.isArray(v)) {
          out?.push({ path, message: `must be an array, got ${kindOfValue(v)}`, type: true });
          return false;
        }
        let ok = true;
        for (let i = 0; i < v.length; i++) {
          if (items(v[i], out ? joinPath(path, i) : '', out)) continue;
          if (!out) return false;
          ok = false;
          if (out.length >= 20) break;
        }
        return ok;
      };
      return withKeywords(isArray, schema);
    }
  }
}

const dtoChecks = { out: new WeakMap<Function, Check>(), in: new WeakMap<Function, Check>() };
const enumerable = Object.prototype.propertyIsEnumerable;

/** A DTO object: `required`, then each field present, by the field's schema in the data format. */
function dtoCheck(target: Function, dir: Direction): Check {
  const known = dtoChecks[dir].get(target);
  if (known) return known;
  const compiled: { check?: Check } = {};
  // Registered before the fields are compiled, so a class that holds itself (a tree) ends here.
  const check: Check = (v, path, out) => compiled.check!(v, path, out);
  dtoChecks[dir].set(target, check);
  const dto = dtoModelOf(target);
  const fields = dto.fields.map((f) => ({ name: f.name, check: nodeCheck(f.type, fieldSchema(f, typeSchema(f.type)), dir) }));
  const required = dto.required ?? [];
  const name = dto.definitionName;
  compiled.check = (v, path, out) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      out?.push({ path, message: `must be a ${name} object, got ${kindOfValue(v)}`, type: true });
      return false;
    }
    const o = v as Record<string, unknown>;
    let ok = true;
    for (let i = 0; i < required.length; i++) {
      // What JSON.stringify sends: own enumerable properties that are not undefined.
      if (enumerable.call(o, required[i]) && o[required[i]] !== undefined) continue;
      if (!out) return false;
      ok = false;
      out.push({ path: joinPath(path, required[i]), message: 'is missing' });
    }
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      if (!enumerable.call(o, f.name)) continue;
      const x = o[f.name];
      if (x === undefined || f.check(x, out ? joinPath(path, f.name) : '', out)) continue;
      if (!out) return false;
      ok = false;
    }
    return ok;
  };
  return check;
}
