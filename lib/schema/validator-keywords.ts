import {
  ARRAY_MAX_SIZE, ARRAY_MIN_SIZE, ARRAY_NOT_EMPTY, ARRAY_UNIQUE, IS_ARRAY, IS_BASE64, IS_BOOLEAN, IS_DATE, IS_DATE_STRING,
  IS_DEFINED, IS_ENUM, IS_IN, IS_INT, IS_ISO8601, IS_LENGTH, IS_NEGATIVE, IS_NOT_EMPTY, IS_NUMBER, IS_OPTIONAL, IS_POSITIVE,
  IS_RFC_3339, IS_STRING, MATCHES, MAX, MAX_LENGTH, MIN, MIN_LENGTH,
} from 'class-validator';
import { DataType } from './data-type';
import type { JsonSchema } from './data-type';
import { INT32_MAX, INT32_MIN, isInt32 } from './limits';
import type { TypeRef } from './type-ref';
import type { ValidatorConstraint } from './class-metadata';

/**
 * What class-validator's decorators mean in a data format: the JSON-schema keywords they make,
 * the DataType their type checkers and allowed values imply, and which of them the format then
 * states (covered) and which stay class-validator's alone. One mapping for DTO fields and
 * configuration parameters, so a rule means the same thing in both places.
 */

// class-validator's own name constants: its names are not all the decorator name in camel case (isIso8601).
export const TYPE_CHECKERS: Readonly<Record<string, DataType>> = {
  [IS_STRING]: DataType.STRING,
  [IS_INT]: DataType.INT32,
  [IS_NUMBER]: DataType.DOUBLE,
  [IS_BOOLEAN]: DataType.BOOLEAN,
  [IS_DATE]: DataType.DATETIME,
  [IS_DATE_STRING]: DataType.DATETIME,
  [IS_ISO8601]: DataType.DATETIME,
  [IS_RFC_3339]: DataType.DATETIME,
  [IS_BASE64]: DataType.BYTE,
};

function enumValues(c: ValidatorConstraint): unknown[] | undefined {
  if (c.name === IS_IN && Array.isArray(c.constraints[0])) return [...(c.constraints[0] as unknown[])];
  if (c.name === IS_ENUM && c.constraints[0] && typeof c.constraints[0] === 'object') {
    const e = c.constraints[0] as Record<string, unknown>;
    // TypeScript numeric enums map values back to names; keep only the declared members.
    return Object.keys(e).filter((k) => Number.isNaN(Number(k))).map((k) => e[k]);
  }
  return undefined;
}

function dataTypeOfEnum(values: readonly unknown[]): DataType | undefined {
  if (values.length === 0) return undefined;
  if (values.every((v) => typeof v === 'string')) return DataType.STRING;
  if (values.every((v) => typeof v === 'boolean')) return DataType.BOOLEAN;
  if (values.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    return values.every((v) => isInt32(v as number)) ? DataType.INT32 : DataType.INT64;
  }
  if (values.every((v) => typeof v === 'number')) return DataType.DOUBLE;
  return undefined;
}

const DECORATOR_OF: Readonly<Record<string, string>> = {
  [MIN]: '@Min', [MAX]: '@Max', [MIN_LENGTH]: '@MinLength', [MAX_LENGTH]: '@MaxLength', [IS_LENGTH]: '@Length',
  [ARRAY_MIN_SIZE]: '@ArrayMinSize', [ARRAY_MAX_SIZE]: '@ArrayMaxSize', [IS_IN]: '@IsIn', [IS_ENUM]: '@IsEnum', [MATCHES]: '@Matches',
};

function isJsonScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'boolean' || v === null || (typeof v === 'number' && Number.isFinite(v));
}

/**
 * Maps class-validator constraints to JSON-schema keywords, checking each argument on the way:
 * what goes into a data format is valid by construction (a finite number, a count, a non-empty
 * list of JSON values, a pattern that compiles), and a bad argument is a declaration problem
 * that names the decorator, not a data format the MSB would refuse.
 */
export function schemaKeywords(list: readonly ValidatorConstraint[], problem: (text: string) => void = () => undefined, covered = new Set<string>()): JsonSchema {
  const s: JsonSchema = {};
  const shown = (x: unknown) => (typeof x === 'number' || x instanceof RegExp ? String(x) : JSON.stringify(x) ?? String(x));
  const bad = (c: ValidatorConstraint, what: string) => {
    const args = [...c.constraints];
    while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
    problem(`has ${DECORATOR_OF[c.name] ?? c.name}(${args.map(shown).join(', ')}): ${what}`);
  };
  const finite = (c: ValidatorConstraint, v: unknown): v is number => {
    if (typeof v === 'number' && Number.isFinite(v)) return true;
    bad(c, 'the bound must be a finite number');
    return false;
  };
  const count = (c: ValidatorConstraint, v: unknown): v is number => {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return true;
    bad(c, 'the length must be a whole number ≥ 0');
    return false;
  };
  for (const c of list) {
    const [a, b] = c.constraints;
    // Set when the constraint became a keyword: the format then states it and the run-time check enforces it.
    let stated = true;
    switch (c.name) {
      case MIN: if (finite(c, a)) s.minimum = a; break;
      case MAX: if (finite(c, a)) s.maximum = a; break;
      case IS_POSITIVE: s.minimum = 0; s.exclusiveMinimum = true; break;
      case IS_NEGATIVE: s.maximum = 0; s.exclusiveMaximum = true; break;
      case MIN_LENGTH: if (count(c, a)) s.minLength = a; break;
      case MAX_LENGTH: if (count(c, a)) s.maxLength = a; break;
      case IS_LENGTH:
        if (count(c, a)) s.minLength = a;
        if (b !== undefined && count(c, b)) s.maxLength = b;
        break;
      case IS_NOT_EMPTY: s.minLength = Math.max(1, typeof s.minLength === 'number' ? s.minLength : 0); break;
      case MATCHES: {
        // JSON schema has no regex flags: a flagged pattern would reject what class-validator
        // accepts, so it stays class-validator's alone.
        const source = a instanceof RegExp ? (a.flags === '' ? a.source : undefined) : typeof a === 'string' && !b ? a : undefined;
        stated = false;
        if (source === undefined) break;
        try {
          new RegExp(source);
        } catch (e) {
          bad(c, `the pattern does not compile (${(e as Error).message})`);
          break;
        }
        try {
          // Ajv, like JSON-schema validators generally, reads patterns as unicode regular expressions.
          new RegExp(source, 'u');
          s.pattern = source;
          stated = true;
        } catch {
          // Valid only without the u flag ([\w-] …): class-validator checks it, the format cannot say it.
        }
        break;
      }
      case IS_IN: case IS_ENUM: {
        const values = enumValues(c);
        if (!values || values.length === 0) bad(c, 'it allows no value at all');
        else if (!values.every(isJsonScalar)) bad(c, 'every allowed value must be a string, a finite number, a boolean or null');
        else s.enum = values;
        break;
      }
      case ARRAY_MIN_SIZE: if (count(c, a)) s.minItems = a; break;
      case ARRAY_MAX_SIZE: if (count(c, a)) s.maxItems = a; break;
      case ARRAY_NOT_EMPTY: s.minItems = Math.max(1, typeof s.minItems === 'number' ? s.minItems : 0); break;
      // With an identifier function class-validator compares by it, not by value as JSON schema does.
      case ARRAY_UNIQUE: if (typeof a === 'function') stated = false; else s.uniqueItems = true; break;
      default: stated = false; break;
    }
    if (stated) covered.add(c.name);
  }
  return s;
}

export const ARRAY_KEYWORDS = new Set(['minItems', 'maxItems', 'uniqueItems']);

export function typeFromValidators(list: readonly ValidatorConstraint[]): DataType | undefined {
  let found: DataType | undefined;
  for (const c of list) {
    const values = enumValues(c);
    const t = values ? dataTypeOfEnum(values) : TYPE_CHECKERS[c.name];
    if (t && (found === undefined || found === DataType.DOUBLE)) found = t;
  }
  return found;
}

export function refineNumber(declared: DataType, constraints: readonly ValidatorConstraint[], keywords: JsonSchema): DataType {
  if (declared !== DataType.DOUBLE && declared !== DataType.INT32) return declared;
  const values = constraints.map(enumValues).find((v) => v !== undefined);
  if (constraints.some((c) => c.name === IS_INT)) {
    // @IsInt is an int32 unless its bounds or allowed values say the values need 64 bits.
    const outside = (n: unknown) => typeof n === 'number' && (n < INT32_MIN || n > INT32_MAX);
    return outside(keywords.minimum) || outside(keywords.maximum) || values?.some(outside) ? DataType.INT64 : DataType.INT32;
  }
  if (declared !== DataType.DOUBLE) return declared;
  return (values && dataTypeOfEnum(values)) || declared;
}

const STRING_BASED: ReadonlySet<DataType> = new Set([DataType.STRING, DataType.DATETIME, DataType.BYTE]);
const NUMERIC: ReadonlySet<DataType> = new Set([DataType.INT32, DataType.INT64, DataType.FLOAT, DataType.DOUBLE]);
// Rules about presence and nesting, which the data format states through `required`, `$ref` and `items`.
const STRUCTURAL = new Set<string>([IS_OPTIONAL, IS_DEFINED, 'nestedValidation', 'whitelistValidation']);

/**
 * Whether the field's type in the data format already says what a class-validator type checker
 * checks (`@IsInt()` on an INT32 field). A checker that says something else (`@IsInt()` on a
 * field declared DOUBLE) is not covered and stays class-validator's.
 */
function typeCovers(c: ValidatorConstraint, type: TypeRef | undefined): boolean {
  const t = type?.kind === 'simple' ? type.dataType : undefined;
  switch (c.name) {
    case IS_STRING: return t !== undefined && STRING_BASED.has(t);
    case IS_INT: return t === DataType.INT32 || t === DataType.INT64;
    // maxDecimalPlaces has no keyword.
    case IS_NUMBER: return t !== undefined && NUMERIC.has(t) && (c.constraints[0] as { maxDecimalPlaces?: unknown } | undefined)?.maxDecimalPlaces === undefined;
    case IS_BOOLEAN: return t === DataType.BOOLEAN;
    case IS_DATE: case IS_DATE_STRING: case IS_ISO8601: case IS_RFC_3339: return t === DataType.DATETIME;
    case IS_BASE64: return t === DataType.BYTE;
    case IS_ARRAY: return type?.kind === 'array';
    case 'isObject': return type?.kind === 'dto';
    default: return STRUCTURAL.has(c.name);
  }
}

/** The names of the constraints in `list` that the format states, given the keywords made from them. */
export function coveredNames(list: readonly ValidatorConstraint[], keywordsFrom: ReadonlySet<string>, type: TypeRef | undefined, into: Set<string>): void {
  const t = type?.kind === 'simple' ? type.dataType : undefined;
  for (const c of list) {
    // @IsNotEmpty is minLength 1 only for a string: on other values it means "not null, not undefined".
    if (c.name === IS_NOT_EMPTY ? t !== undefined && STRING_BASED.has(t) : keywordsFrom.has(c.name) || typeCovers(c, type)) into.add(c.name);
  }
}
