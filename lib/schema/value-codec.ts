import type { ValidationArguments, ValidationError } from 'class-validator';
import { classTransformer, classValidator, transformerStorage } from './class-metadata';
import type { ValidateFunction } from 'ajv';
import { DataType } from './data-type';
import { isBase64, isFloat, isInt32 } from './limits';
import { classChain } from '../util/class-chain';
import type { TypeRef } from './type-ref';

/** Result of a codec step: the converted value, or what is wrong with it. */
export type CodecResult = { ok: true; value: unknown } | { ok: false; violations: string[] };

/**
 * Converts and checks values of one payload type, in both directions. Built once per event
 * or function when a service starts, so each value costs only the checks themselves.
 */
export interface ValueCodec {
  /** An outgoing value (emit, response) → the JSON value for `dataObject`. */
  toWire(value: unknown): CodecResult;
  /** An incoming value (function-call parameter) → what the method receives (DTO instance, Date, Buffer …). */
  fromWire(value: unknown): CodecResult;
}

/** Options of {@link compileCodec}. */
export interface CodecOptions {
  /** Check values against the type (default true). Off: only the conversions that JSON needs. */
  validate?: boolean;
}

// RFC 3339 / ISO 8601 date-time with a zone, as the MSB's date-time format means it.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;

const OK = (value: unknown): CodecResult => ({ ok: true, value });
const FAIL = (path: string, message: string): CodecResult => ({ ok: false, violations: [`${path || 'value'} ${message}`] });

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : typeof v;
}

type Step = (value: unknown, path: string) => CodecResult;

function numberCheck(kind: string, valid: (n: number) => boolean): Step {
  return (v, path) => (typeof v === 'number' && valid(v) ? OK(v) : FAIL(path, `must be ${kind}, got ${describe(v)}`));
}

/** Outgoing simple values: check, and convert what JSON cannot carry as is (Date, Buffer). */
function simpleToWire(t: DataType, validate: boolean): Step {
  switch (t) {
    case DataType.STRING:
      return validate ? (v, p) => (typeof v === 'string' ? OK(v) : FAIL(p, `must be a string, got ${describe(v)}`)) : OK;
    case DataType.BOOLEAN:
      return validate ? (v, p) => (typeof v === 'boolean' ? OK(v) : FAIL(p, `must be a boolean, got ${describe(v)}`)) : OK;
    case DataType.INT32:
      return validate ? numberCheck('an INT32 integer', isInt32) : OK;
    case DataType.INT64:
      return validate ? numberCheck('an INT64 integer (a safe integer)', Number.isSafeInteger) : OK;
    case DataType.FLOAT:
      return validate ? numberCheck('a finite FLOAT number', isFloat) : OK;
    case DataType.DOUBLE:
      return validate ? numberCheck('a finite DOUBLE number', Number.isFinite) : OK;
    case DataType.DATETIME:
      return (v, p) => {
        if (v instanceof Date) return Number.isNaN(v.getTime()) ? FAIL(p, 'must be a valid Date, got an invalid Date') : OK(v.toISOString());
        if (typeof v === 'string' && (!validate || ISO_DATE_TIME.test(v))) return OK(v);
        return FAIL(p, `must be a Date or an ISO-8601 date-time string with a zone, got ${describe(v)}`);
      };
    case DataType.BYTE:
      return (v, p) => {
        if (v instanceof Uint8Array) return OK(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'));
        if (typeof v === 'string' && (!validate || isBase64(v))) return OK(v);
        return FAIL(p, `must be a Buffer or a base64 string, got ${describe(v)}`);
      };
  }
}

/** Incoming simple values: check, and give the method a Date for DATETIME and a Buffer for BYTE. */
function simpleFromWire(t: DataType, validate: boolean): Step {
  switch (t) {
    case DataType.DATETIME:
      return (v, p) => {
        if (typeof v === 'string' && (!validate || ISO_DATE_TIME.test(v))) {
          const d = new Date(v);
          if (!Number.isNaN(d.getTime())) return OK(d);
        }
        return FAIL(p, `must be an ISO-8601 date-time string, got ${describe(v)}`);
      };
    case DataType.BYTE:
      return (v, p) => (typeof v === 'string' && isBase64(v) ? OK(Buffer.from(v, 'base64')) : FAIL(p, `must be a base64 string, got ${describe(v)}`));
    default: {
      const check = simpleToWire(t, validate);
      return check;
    }
  }
}

function flatten(errors: readonly ValidationError[], prefix: string, out: string[]): string[] {
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) out.push(`${path}: ${message}`);
    if (e.children?.length) flatten(e.children, path, out);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function containsByte(ref: TypeRef, seen = new Set<Function>()): boolean {
  switch (ref.kind) {
    case 'simple': return ref.dataType === DataType.BYTE;
    case 'array': return containsByte(ref.items, seen);
    case 'raw': return false;
    case 'dto': {
      if (seen.has(ref.target)) return false;
      seen.add(ref.target);
      // Only typed fields can hold a Buffer; read lazily to avoid an import cycle at load time.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { readDto } = require('./dto-fields') as typeof import('./dto-fields');
      return readDto(ref.target).fields.some((f) => containsByte(f.type, seen));
    }
  }
}

function buffersToBase64(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map(buffersToBase64);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, buffersToBase64(v)]));
  }
  return value;
}


// ---- DTO fast path ------------------------------------------------------------------------
//
// `plainToInstance` + `validateSync` cost tens of microseconds per event: class-transformer
// copies the whole value, and class-validator looks up, filters and groups the class's
// metadata and allocates a ValidationError per field on every call. For a DTO whose rules are
// all of a known kind, the same rules are compiled once into a predicate over the plain value
// that calls the very same class-validator constraint functions. It only ever answers "valid
// for certain"; on false, and for any class or value it is not sure about, the class-validator
// path runs as before, so what is accepted and every rejection message stay exactly the same.

type Check = (value: unknown) => boolean;

interface ValidatorMetadata {
  type: string;
  name?: string;
  propertyName: string;
  constraints?: unknown[];
  each?: boolean;
  constraintCls?: Function;
  validateIf?: unknown;
}

interface ConstraintMetadata {
  name?: string;
  async?: boolean;
  instance: { validate(value: unknown, args: ValidationArguments): unknown };
}

interface ValidatorStorage {
  getTargetValidationMetadatas(target: Function, schema: string | undefined, always: boolean, strictGroups: boolean, groups?: string[]): ValidatorMetadata[];
  getTargetValidatorConstraints(target: Function): ConstraintMetadata[];
}

/**
 * class-validator's own decorators, by the names it exports (`isString`, `min` …). Their
 * constraint functions read only the value and the decorator's arguments, so calling them
 * with the plain object in place of the instance gives the same answer. A user-defined
 * constraint may look at the whole instance, so it keeps the DTO on the class-validator path.
 */
let builtIn: Set<string> | undefined;
function isBuiltIn(name: string): boolean {
  builtIn ??= new Set(Object.values(classValidator()).filter((v): v is string => typeof v === 'string'));
  return builtIn.has(name);
}
// On a field with @Type the constraint sees the class instance that class-transformer made,
// not the plain value: only these answer the same for both.
const SAME_FOR_INSTANCE = new Set(['isDefined', 'isArray', 'arrayNotEmpty', 'arrayMinSize', 'arrayMaxSize', 'isNotEmpty', 'isObject']);
// Values that @Type converts (String(x), new Date(x) …) rather than instantiating as a DTO.
const CONVERTED_TYPES = new Set<unknown>([String, Number, Boolean, Date, Buffer, Map, Set, Array, Object, Promise, Function, Symbol, BigInt]);

const enumerable = Object.prototype.propertyIsEnumerable;
const MAX_DEPTH = 64;

/**
 * True when a value is plain JSON-like data all the way down (primitives, plain objects,
 * dense plain arrays), so that class-transformer's copy of it is equal to it for every
 * validator. Anything else sends the value to the class-validator path.
 */
function jsonLike(v: unknown, depth: number): boolean {
  if (v === null || typeof v !== 'object') return typeof v !== 'function' && typeof v !== 'symbol' && typeof v !== 'bigint';
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return false;
    for (let i = 0; i < v.length; i++) if (!(i in v) || !jsonLike(v[i], depth + 1)) return false;
    return true;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return false;
  // class-transformer skips these keys when it copies, so the copy would differ.
  if (Object.prototype.hasOwnProperty.call(v, '__proto__') || Object.prototype.hasOwnProperty.call(v, 'constructor')) return false;
  for (const k in v) if (!jsonLike((v as Record<string, unknown>)[k], depth + 1)) return false;
  return true;
}

interface FieldPlan {
  name: string;
  optional: boolean;
  nested: boolean;
  /** The DTO class of `@Type(() => X)`, when there is one. */
  typed?: { check: Check };
  constraints: Array<{ validate: (value: unknown, args: ValidationArguments) => unknown; each: boolean; args: ValidationArguments }>;
}

const fastChecks = new WeakMap<Function, Check | null>();

/** Whether class-transformer does anything to a plain value of `cls` beyond copying it (and @Type). */
function transformerIsPlain(cls: Function): boolean {
  for (const c of classChain(cls)) {
    if (transformerStorage()._transformMetadatas.get(c)?.size) return false;
    if (transformerStorage()._exposeMetadatas.get(c)?.size) return false;
    if (transformerStorage()._excludeMetadatas.get(c)?.size) return false;
  }
  return true;
}

/**
 * The fast predicate of a DTO class (and of every DTO it nests), or undefined when some rule
 * or some trait of the class is not one it can reproduce exactly. Decided once per class.
 */
function fastCheckOf(cls: Function): Check | undefined {
  const known = fastChecks.get(cls);
  if (known !== undefined) return known ?? undefined;
  // Recursive DTOs (a tree node holding nodes) refer to the check before it is built; if the
  // class turns out unsupported, "false" sends such values to class-validator.
  const ref: { check?: Check } = {};
  fastChecks.set(cls, (v) => (ref.check ? ref.check(v) : false));
  const plan = planOf(cls);
  if (!plan) {
    fastChecks.set(cls, null);
    return undefined;
  }
  ref.check = compilePlan(plan);
  fastChecks.set(cls, ref.check);
  return ref.check;
}

function planOf(cls: Function): FieldPlan[] | undefined {
  if (!transformerIsPlain(cls)) return undefined;
  // plainToInstance starts from `new cls()`: field initialisers would supply values the plain object lacks.
  let probe: object;
  try {
    probe = new (cls as new () => object)();
  } catch {
    return undefined;
  }
  if (Reflect.ownKeys(probe).length > 0) return undefined;
  const storage = classValidator().getMetadataStorage() as unknown as ValidatorStorage;
  // The same selection validateSync makes: no groups, `always` and `strictGroups` off.
  const metadatas = storage.getTargetValidationMetadatas(cls, undefined, false, false, undefined);
  const byField = new Map<string, ValidatorMetadata[]>();
  for (const m of metadatas) byField.set(m.propertyName, [...(byField.get(m.propertyName) ?? []), m]);
  const plans: FieldPlan[] = [];
  for (const [name, list] of byField) {
    // A field the prototype also has (a getter, a method, an Object.prototype name) reads differently on the instance.
    if (typeof name !== 'string' || name in cls.prototype) return undefined;
    const plan: FieldPlan = { name, optional: false, nested: false, constraints: [] };
    const typeMeta = transformerStorage().findTypeMetadata(cls, name);
    if (typeMeta) {
      if (typeMeta.options?.discriminator || typeof typeMeta.typeFunction !== 'function' || typeMeta.typeFunction.length > 0) return undefined;
      // For an array value, class-transformer builds the collection from the reflected type: a Set would not be an array any more.
      const reflected = typeMeta.reflectedType;
      if (reflected !== undefined && reflected !== Array) {
        if (typeof reflected !== 'function') return undefined;
        const proto: unknown = (reflected as Function).prototype;
        if (reflected === Set || proto instanceof Set || (typeof proto === 'object' && proto !== null && 'push' in proto)) return undefined;
      }
      let resolved: unknown;
      try {
        resolved = typeMeta.typeFunction();
      } catch {
        return undefined;
      }
      if (typeof resolved !== 'function') return undefined;
      const target = resolved as Function;
      if (CONVERTED_TYPES.has(target) || target.prototype instanceof Date || target.prototype instanceof Map || target.prototype instanceof Set || target.prototype instanceof Uint8Array) return undefined;
      const check = fastCheckOf(target);
      if (!check) return undefined;
      plan.typed = { check };
    }
    for (const m of list) {
      if (m.type === 'whitelistValidation') continue; // not a rule: validateSync drops it without `whitelist`
      if (m.type === 'nestedValidation') { plan.nested = true; continue; }
      if (m.type === 'conditionalValidation') {
        if (m.name !== 'isOptional') return undefined; // ValidateIf conditions may read the instance
        plan.optional = true;
        continue;
      }
      if ((m.type !== 'customValidation' && m.type !== 'isDefined') || m.validateIf || !m.constraintCls) return undefined;
      for (const c of storage.getTargetValidatorConstraints(m.constraintCls)) {
        // validateSync skips async constraints altogether.
        if (c.async) continue;
        const cname = c.name ?? m.name ?? '';
        if (!isBuiltIn(cname) || (plan.typed && (m.each || !SAME_FOR_INSTANCE.has(cname)))) return undefined;
        const instance = c.instance;
        plan.constraints.push({
          validate: (value, args) => instance.validate(value, args),
          each: m.each === true,
          args: { targetName: cls.name, property: name, object: probe, value: undefined, constraints: m.constraints ?? [] },
        });
      }
    }
    plans.push(plan);
  }
  return plans;
}

/** What class-validator's nested validation accepts, for a plain value. */
function nestedOk(value: unknown, typed: { check: Check } | undefined, depth: number): boolean {
  if (value === undefined) return true;
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) if (!(i in value) || !nestedOk(value[i], typed, depth + 1)) return false;
    return true;
  }
  if (value === null || typeof value !== 'object') return false; // "nested property must be either object or array"
  if (Object.getPrototypeOf(value) !== Object.prototype) return false; // a class instance: not sure, ask class-validator
  // Without @Type a plain object stays plain, and class-validator has no rules for Object.
  return typed ? typed.check(value) : true;
}

function compilePlan(plans: readonly FieldPlan[]): Check {
  return (obj) => {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return false;
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) return false;
    const o = obj as Record<string, unknown>;
    for (let f = 0; f < plans.length; f++) {
      const p = plans[f];
      // class-transformer copies own enumerable keys only.
      const value = enumerable.call(o, p.name) ? o[p.name] : undefined;
      if (p.optional && (value === null || value === undefined)) continue;
      if (!p.typed && typeof value === 'object' && value !== null && !jsonLike(value, 0)) return false;
      for (let c = 0; c < p.constraints.length; c++) {
        const { validate, each, args } = p.constraints[c];
        args.value = value;
        if (each && Array.isArray(value)) {
          for (let i = 0; i < value.length; i++) if (!validate(value[i], args)) return false;
        } else if (!validate(value, args)) return false;
      }
      if (p.nested && !nestedOk(value, p.typed, 0)) return false;
    }
    return true;
  };
}

function dtoSteps(target: Function, validate: boolean, hasBytes: boolean): { toWire: Step; fromWire: Step } {
  const cls = target as new () => object;
  const { validateSync } = classValidator();
  const { plainToInstance } = classTransformer();
  const fast = validate ? fastCheckOf(target) : undefined;
  const check = (instance: object, path: string): CodecResult | undefined => {
    const errors = validateSync(instance, { forbidUnknownValues: false });
    if (errors.length === 0) return undefined;
    const violations = flatten(errors, path, []);
    return { ok: false, violations: violations.length ? violations : [`${path || 'value'} is not a valid ${target.name}`] };
  };
  const notObject = (v: unknown, p: string) => FAIL(p, `must be a ${target.name} object, got ${describe(v)}`);
  return {
    toWire: (v, p) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return notObject(v, p);
      if (validate && !(fast && fast(v))) {
        const instance = v instanceof cls ? v : isPlainObject(v) ? plainToInstance(cls, v) : undefined;
        if (!instance) return notObject(v, p);
        const failed = check(instance, p);
        if (failed) return failed;
      }
      return OK(hasBytes ? buffersToBase64(v) : v);
    },
    fromWire: (v, p) => {
      if (!isPlainObject(v)) return notObject(v, p);
      const instance = plainToInstance(cls, v);
      if (validate && !(fast && fast(v))) {
        const failed = check(instance, p);
        if (failed) return failed;
      }
      return OK(instance);
    },
  };
}

function arraySteps(items: { toWire: Step; fromWire: Step }): { toWire: Step; fromWire: Step } {
  const each = (step: Step): Step => (v, p) => {
    if (!Array.isArray(v)) return FAIL(p, `must be an array, got ${describe(v)}`);
    const out = new Array<unknown>(v.length);
    const violations: string[] = [];
    for (let i = 0; i < v.length; i++) {
      const r = step(v[i], `${p || 'value'}[${i}]`);
      if (r.ok) out[i] = r.value;
      else violations.push(...r.violations);
      if (violations.length >= 20) break;
    }
    return violations.length ? { ok: false, violations } : OK(out);
  };
  return { toWire: each(items.toWire), fromWire: each(items.fromWire) };
}

let sharedAjv: ReturnType<typeof import('./ajv').createAjv> | undefined;

function rawSteps(format: Record<string, unknown>, validate: boolean): { toWire: Step; fromWire: Step } {
  if (!validate) return { toWire: OK, fromWire: OK };
  const { dataObject, ...definitions } = format;
  // Loaded on first use: ajv costs megabytes of memory that services without raw formats never need.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ajv = (sharedAjv ??= (require('./ajv') as typeof import('./ajv')).createAjv());
  const fn: ValidateFunction = ajv.compile({ ...(dataObject as object), definitions });
  const step: Step = (v, p) => {
    if (fn(v)) return OK(v);
    return { ok: false, violations: (fn.errors ?? []).map((e) => `${p || 'value'}${e.instancePath.replace(/\//g, '.')} ${e.message ?? e.keyword}`) };
  };
  return { toWire: step, fromWire: step };
}

function steps(ref: TypeRef, validate: boolean, hasBytes: boolean): { toWire: Step; fromWire: Step } {
  switch (ref.kind) {
    case 'simple': return { toWire: simpleToWire(ref.dataType, validate), fromWire: simpleFromWire(ref.dataType, validate) };
    case 'dto': return dtoSteps(ref.target, validate, hasBytes);
    case 'array': return arraySteps(steps(ref.items, validate, hasBytes));
    case 'raw': return rawSteps(ref.format, validate);
  }
}

/** Prepares the codec of one payload type. */
export function compileCodec(ref: TypeRef, options: CodecOptions = {}): ValueCodec {
  const validate = options.validate !== false;
  const s = steps(ref, validate, containsByte(ref));
  return {
    toWire: (value) => (value === undefined ? FAIL('', 'is missing') : s.toWire(value, '')),
    fromWire: (value) => (value === undefined ? FAIL('', 'is missing') : s.fromWire(value, '')),
  };
}
