import {
  ARRAY_MAX_SIZE, ARRAY_MIN_SIZE, ARRAY_NOT_EMPTY, ARRAY_UNIQUE, IS_ARRAY, IS_BASE64, IS_BOOLEAN, IS_DATE, IS_DATE_STRING,
  IS_DEFINED, IS_ENUM, IS_IN, IS_INT, IS_ISO8601, IS_LENGTH, IS_NEGATIVE, IS_NOT_EMPTY, IS_NUMBER, IS_OPTIONAL, IS_POSITIVE,
  IS_RFC_3339, IS_STRING, MATCHES, MAX, MAX_LENGTH, MIN, MIN_LENGTH,
} from 'class-validator';
import { DataType } from './data-type';
import { INT32_MAX, INT32_MIN, isInt32 } from './limits';
import { classChain } from '../util/class-chain';
import type { JsonSchema } from './data-type';
import { DTO_OPTIONS_KEY, DTO_PROPERTIES_KEY } from '../decorators/keys';
import type { DtoOptions, PropertyDeclaration } from '../decorators/property';
import { MISSING_METADATA, MISSING_METADATA_TOPIC, arrayOf, dataTypeOfConstructor, toTypeRef } from './type-ref';
import type { TypeRef } from './type-ref';
import { dataFormatProblems } from './data-format-schema';
import type { DataFormat } from './data-format-schema';
import { transformerFieldsOf, transformerTypeOf, validatorConstraintsOf } from './class-metadata';
import type { ValidatorConstraint } from './class-metadata';

/** One field of a DTO class, as a data format sees it. */
export interface DtoField {
  readonly name: string;
  readonly type: TypeRef;
  /** JSON-schema keywords for the field itself (`minimum`, `enum`, …). */
  readonly constraints: JsonSchema;
  /** JSON-schema keywords for each element, when the field is an array. */
  readonly itemConstraints: JsonSchema;
  /** Marked `@IsOptional()`. */
  readonly optional: boolean;
  readonly description?: string;
  /**
   * The class-validator constraints (by name) that the data format states and the run-time
   * check enforces from it. Any other constraint on the field has no data-format keyword and is
   * left to class-validator.
   */
  readonly covered: ReadonlySet<string>;
  /** Whether some constraint on the field is not {@link covered}. */
  readonly hasExtraRules: boolean;
}

/** A DTO class read into fields, plus the problems found while reading it. */
export interface DtoModel {
  readonly target: Function;
  readonly definitionName: string;
  readonly fields: readonly DtoField[];
  readonly required?: readonly string[];
  readonly problems: readonly string[];
}



// class-validator's own name constants: its names are not all the decorator name in camel case (isIso8601).
const TYPE_CHECKERS: Readonly<Record<string, DataType>> = {
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
function schemaKeywords(list: readonly ValidatorConstraint[], problem: (text: string) => void = () => undefined, covered = new Set<string>()): JsonSchema {
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

const ARRAY_KEYWORDS = new Set(['minItems', 'maxItems', 'uniqueItems']);

function typeFromValidators(list: readonly ValidatorConstraint[]): DataType | undefined {
  let found: DataType | undefined;
  for (const c of list) {
    const values = enumValues(c);
    const t = values ? dataTypeOfEnum(values) : TYPE_CHECKERS[c.name];
    if (t && (found === undefined || found === DataType.DOUBLE)) found = t;
  }
  return found;
}

function refineNumber(declared: DataType, constraints: readonly ValidatorConstraint[], keywords: JsonSchema): DataType {
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

/**
 * A raw format on a DTO field contributes only its `dataObject`: definitions beside it would
 * be lost from the enclosing data format, so they are refused rather than left dangling.
 */
function rawFieldIsValid(format: DataFormat, problem: (text: string) => void): boolean {
  const problems = dataFormatProblems(format, 'event');
  for (const p of problems) problem(`has a raw data format that is not valid: ${p}`);
  const extra = Object.keys(format).filter((k) => k !== 'dataObject');
  if (extra.length > 0) problem(`has a raw data format with definitions (${extra.join(', ')}), which only an event or function payload may have; use a DTO class`);
  return problems.length === 0 && extra.length === 0;
}

function resolveFieldType(
  target: Function,
  field: string,
  declared: PropertyDeclaration | undefined,
  scalar: readonly ValidatorConstraint[],
  each: readonly ValidatorConstraint[],
  problem: (text: string) => void,
): TypeRef | undefined {
  const scalarKeywords = schemaKeywords(scalar);
  const eachKeywords = schemaKeywords(each);
  const designType: unknown = Reflect.getMetadata('design:type', target.prototype, field);
  if (declared?.dataType !== undefined) {
    const r = toTypeRef(declared.dataType);
    if (!r.ok) { problem(r.problem); return undefined; }
    if (r.ref.kind === 'raw' && !rawFieldIsValid(r.ref.format, problem)) return undefined;
    // `@Property(MyModule) modules!: MyModule[]` means an array; `isArray: false` can still say otherwise.
    return arrayOf(r.ref, declared.isArray ?? designType === Array);
  }
  const transformed = transformerTypeOf(target, field);
  const isArray = designType === Array || declared?.isArray === true || (designType === undefined && each.length > 0 && scalar.some((c) => c.name === IS_ARRAY));

  if (isArray) {
    let element: TypeRef | undefined;
    if (transformed) {
      const simple = dataTypeOfConstructor(transformed);
      element = simple ? { kind: 'simple', dataType: refineNumber(simple, each, eachKeywords) } : { kind: 'dto', target: transformed };
    } else {
      const t = typeFromValidators(each);
      if (t) element = { kind: 'simple', dataType: refineNumber(t, each, eachKeywords) };
    }
    if (!element) {
      problem('is an array whose element type is unknown: add @Type(() => Element), @Property(Element, { isArray: true }) or a validator with { each: true } (e.g. @IsString({ each: true }))');
      return undefined;
    }
    return { kind: 'array', items: element };
  }
  if (transformed && dataTypeOfConstructor(transformed) === undefined) return { kind: 'dto', target: transformed };

  const candidate = transformed ?? designType;
  const simple = dataTypeOfConstructor(candidate);
  if (simple === DataType.STRING) {
    const t = typeFromValidators(scalar);
    return { kind: 'simple', dataType: t === DataType.DATETIME || t === DataType.BYTE ? t : DataType.STRING };
  }
  if (simple) return { kind: 'simple', dataType: refineNumber(simple, scalar, scalarKeywords) };
  if (typeof candidate === 'function' && candidate !== Object) {
    const r = toTypeRef(candidate);
    if (!r.ok) { problem(r.problem); return undefined; }
    return r.ref;
  }
  const fromValidators = typeFromValidators(scalar);
  if (fromValidators) return { kind: 'simple', dataType: refineNumber(fromValidators, scalar, scalarKeywords) };
  if (designType === undefined && !Reflect.hasMetadata('design:type', target.prototype, field)) {
    problem(`has no TypeScript type metadata (design:type), so its type is unknown: add @Property(DataType.X) or a class-validator type decorator such as @IsString(), or see the note on ${MISSING_METADATA_TOPIC}`);
    problem(MISSING_METADATA);
    return undefined;
  }
  problem('has a type that maps to no MSB data format (any, a union or an interface): add @Property(DataType.X) or a class-validator type decorator such as @IsString()');
  return undefined;
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
function coveredNames(list: readonly ValidatorConstraint[], keywordsFrom: ReadonlySet<string>, type: TypeRef | undefined, into: Set<string>): void {
  const t = type?.kind === 'simple' ? type.dataType : undefined;
  for (const c of list) {
    // @IsNotEmpty is minLength 1 only for a string: on other values it means "not null, not undefined".
    if (c.name === IS_NOT_EMPTY ? t !== undefined && STRING_BASED.has(t) : keywordsFrom.has(c.name) || typeCovers(c, type)) into.add(c.name);
  }
}

const cache = new WeakMap<Function, DtoModel>();

/**
 * Reads a DTO class into its fields. A field is seen when at least one decorator is on it
 * (`@Property()`, any class-validator decorator or `@Expose()`), since TypeScript emits no
 * metadata for undecorated fields.
 */
export function readDto(target: Function): DtoModel {
  const cached = cache.get(target);
  if (cached) return cached;
  const options: DtoOptions = Reflect.getMetadata(DTO_OPTIONS_KEY, target) ?? {};
  const definitionName = options.name ?? target.name;
  const problems: string[] = [];

  const declared = new Map<string, PropertyDeclaration>();
  for (const c of classChain(target)) {
    for (const p of (Reflect.getOwnMetadata(DTO_PROPERTIES_KEY, c) as PropertyDeclaration[] | undefined) ?? []) declared.set(p.propertyKey, p);
  }
  const validators = validatorConstraintsOf(target);
  const names = [...new Set([...declared.keys(), ...validators.keys(), ...transformerFieldsOf(target)])];

  if (names.length === 0) {
    problems.push(`DTO ${definitionName} has no fields the framework can see: decorate each field with @Property() or a class-validator decorator (TypeScript records nothing about undecorated fields)`);
  }
  const fields: DtoField[] = [];
  for (const name of names) {
    const list = validators.get(name) ?? [];
    const scalar = list.filter((c) => !c.each);
    const each = list.filter((c) => c.each);
    const property = declared.get(name);
    const type = resolveFieldType(target, name, property, scalar, each, (text) => {
      // The explanation of missing metadata is the same for every field: said once.
      if (text !== MISSING_METADATA) problems.push(`DTO ${definitionName}.${name} ${text}`);
      else if (!problems.includes(text)) problems.push(text);
    });
    if (!type) continue;
    const problem = (text: string) => problems.push(`DTO ${definitionName}.${name} ${text}`);
    if (property?.description !== undefined && typeof property.description !== 'string') problem('has a @Property description that is not a string');
    const scalarKeywords = new Set<string>();
    const eachKeywords = new Set<string>();
    const constraints = schemaKeywords(scalar, problem, scalarKeywords);
    const itemConstraints = schemaKeywords(each, problem, eachKeywords);
    if (type.kind !== 'array') for (const k of ARRAY_KEYWORDS) delete constraints[k];
    // A scalar (non-each) constraint is checked against the whole value, an each one per element.
    const coveredScalar = new Set<string>();
    const coveredEach = new Set<string>();
    // The format keeps no keyword beside a $ref, and array keywords only on arrays.
    if (type.kind === 'dto') scalarKeywords.clear();
    if (type.kind !== 'array') for (const n of [ARRAY_MIN_SIZE, ARRAY_MAX_SIZE, ARRAY_NOT_EMPTY, ARRAY_UNIQUE]) scalarKeywords.delete(n);
    coveredNames(scalar, scalarKeywords, type, coveredScalar);
    coveredNames(each, type.kind === 'array' && type.items.kind !== 'dto' ? eachKeywords : new Set(), type.kind === 'array' ? type.items : undefined, coveredEach);
    // class-validator reports either kind under the same name, so a name is covered only when all its uses are.
    const covered = new Set([...coveredScalar].filter((n) => !each.some((c) => c.name === n) || coveredEach.has(n)));
    for (const n of coveredEach) if (!scalar.some((c) => c.name === n)) covered.add(n);
    fields.push({
      name,
      type,
      constraints,
      itemConstraints,
      optional: list.some((c) => c.name === IS_OPTIONAL),
      description: typeof property?.description === 'string' ? property.description : undefined,
      covered,
      hasExtraRules: list.some((c) => !covered.has(c.name)),
    });
  }

  let required: string[] = [];
  if (options.required === true) required = fields.filter((f) => !f.optional).map((f) => f.name);
  else if (Array.isArray(options.required)) {
    required = [...new Set(options.required)];
    for (const r of required) if (!fields.some((f) => f.name === r)) problems.push(`DTO ${definitionName}: required field "${r}" is not a field of the class`);
  }
  // @IsDefined() says the field must be there, which is what `required` says in a data format.
  for (const f of fields) if (f.covered.has(IS_DEFINED) && !required.includes(f.name)) required.push(f.name);

  const model: DtoModel = { target, definitionName, fields, required: required.length > 0 ? required : undefined, problems };

  cache.set(target, model);
  return model;
}

/** The class-validator rules on a configuration parameter, read like those on a DTO field. */
export interface ConfigRules {
  /** The keywords its class-validator constraints make (`minimum`, `pattern` …). */
  readonly keywords: JsonSchema;
  /** Whether some constraint has no keyword and is left to class-validator. */
  readonly hasExtraRules: boolean;
  /** The constraint names the keywords and the parameter's type stand for. */
  readonly covered: ReadonlySet<string>;
}

/**
 * Reads the class-validator decorators on a `@ConfigParam` property of a service class, with the
 * same mapping as DTO fields, so that a rule means the same thing in both places. The parameter's
 * type decides what type checkers (`@IsInt()` …) would say, so they add nothing here.
 */
export function readConfigRules(target: Function, propertyKey: string, problem: (text: string) => void): ConfigRules {
  const list = (validatorConstraintsOf(target).get(propertyKey) ?? []).filter((c) => !c.each);
  const stated = new Set<string>();
  const keywords = schemaKeywords(list, problem, stated);
  for (const k of ARRAY_KEYWORDS) delete keywords[k];
  const covered = new Set<string>();
  coveredNames(list, stated, undefined, covered);
  for (const c of list) if (TYPE_CHECKERS[c.name]) covered.add(c.name);
  return { keywords, hasExtraRules: list.some((c) => !covered.has(c.name)), covered };
}
