import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { ValidationError } from 'class-validator';
import type { ValidateFunction } from 'ajv';
import { DataType } from './data-type';
import { createAjv } from './ajv';
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

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const FLOAT_MAX = 3.4028234663852886e38;
// RFC 3339 / ISO 8601 date-time with a zone, as the MSB's date-time format means it.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

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
      return validate ? numberCheck('an INT32 integer', (n) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX) : OK;
    case DataType.INT64:
      return validate ? numberCheck('an INT64 integer (a safe integer)', Number.isSafeInteger) : OK;
    case DataType.FLOAT:
      return validate ? numberCheck('a finite FLOAT number', (n) => Number.isFinite(n) && Math.abs(n) <= FLOAT_MAX) : OK;
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
        if (typeof v === 'string' && (!validate || BASE64.test(v))) return OK(v);
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
      return (v, p) => (typeof v === 'string' && BASE64.test(v) ? OK(Buffer.from(v, 'base64')) : FAIL(p, `must be a base64 string, got ${describe(v)}`));
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

function dtoSteps(target: Function, validate: boolean, hasBytes: boolean): { toWire: Step; fromWire: Step } {
  const cls = target as new () => object;
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
      if (validate) {
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
      if (validate) {
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

let sharedAjv: ReturnType<typeof createAjv> | undefined;

function rawSteps(format: Record<string, unknown>, validate: boolean): { toWire: Step; fromWire: Step } {
  if (!validate) return { toWire: OK, fromWire: OK };
  const { dataObject, ...definitions } = format;
  const ajv = (sharedAjv ??= createAjv());
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
