import type { ValidateFunction } from 'ajv';
import { isPlainObject } from '../protocol';
import { isBase64, isFloat, isInt32 } from '../schema/limits';
import type { ServiceRecord } from './registry';

/** At most this many violations are reported: enough to fix a payload, bounded for a hostile one. */
const MAX_VIOLATIONS = 20;

/** Why a REST call or configuration change was refused before sending (HTTP 422). */
export interface Refusal {
  code: 'UNKNOWN_FUNCTION' | 'INVALID_PARAMETERS' | 'UNKNOWN_PARAMETER' | 'INVALID_VALUE';
  error: string;
  violations: string[];
}

let sharedAjv: ReturnType<typeof import('../schema/ajv').createAjv> | undefined;

// Compiled once per published data format; keyed by the function description object, which a
// re-registration replaces, so a changed format is compiled again and the old one collected.
const validators = new WeakMap<object, ValidateFunction | null>();

function functionDescriptions(s: ServiceRecord): Array<Record<string, unknown>> {
  const fns = s.selfDescription.functions;
  return Array.isArray(fns) ? fns.filter(isPlainObject) : [];
}

/**
 * The declared function a REST caller means: its exact id, else the id with or without a
 * leading '/' (the Java client publishes path-like ids, users type them either way).
 */
export function findFunction(s: ServiceRecord, functionId: string): Record<string, unknown> | undefined {
  const fns = functionDescriptions(s);
  const other = functionId.startsWith('/') ? functionId.slice(1) : `/${functionId}`;
  return fns.find((f) => f.functionId === functionId) ?? fns.find((f) => f.functionId === other);
}

/**
 * A validator of `functionParameters` from a function's data format: `dataObject` (this
 * library, Python, Node.js) or one key per parameter (Java), the other keys being definitions.
 * Null when the format cannot be compiled: it passed registration, so the call is not blocked.
 */
function parametersValidator(fn: Record<string, unknown>): ValidateFunction | null {
  const cached = validators.get(fn);
  if (cached !== undefined) return cached;
  const format = fn.dataFormat;
  let compiled: ValidateFunction | null = null;
  if (isPlainObject(format)) {
    const schema: Record<string, unknown> = isPlainObject(format.dataObject)
      ? { type: 'object', required: ['dataObject'], properties: { dataObject: format.dataObject }, definitions: format }
      : { type: 'object', properties: format, definitions: format };
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const ajv = (sharedAjv ??= (require('../schema/ajv') as typeof import('../schema/ajv')).createAjv());
      compiled = ajv.compile(schema);
      // Ajv keeps every compiled schema in a cache keyed by the schema object, for the life of
      // the instance: re-registering services would grow it without bound. The function stays usable.
      ajv.removeSchema(schema);
    } catch {
      compiled = null;
    }
  }
  validators.set(fn, compiled);
  return compiled;
}

/**
 * Checks a REST call against what the service published: the function exists, and the
 * parameters fit its data format. Returns the declared function id to send, or the refusal.
 */
export function checkCall(s: ServiceRecord, functionId: string, parameters: Record<string, unknown>): { functionId: string } | Refusal {
  const fn = findFunction(s, functionId);
  if (!fn) {
    const known = functionDescriptions(s).map((f) => String(f.functionId));
    return {
      code: 'UNKNOWN_FUNCTION',
      error: `service ${s.uuid} "${s.name}" has no function ${JSON.stringify(functionId)}; it declares ${known.length ? known.map((k) => JSON.stringify(k)).join(', ') : 'none'} (force: true sends anyway)`,
      violations: [],
    };
  }
  const declared = String(fn.functionId);
  const validate = parametersValidator(fn);
  if (validate && !validate(parameters)) {
    const violations = (validate.errors ?? []).slice(0, MAX_VIOLATIONS).map((e) => `${e.instancePath || '(parameters)'} ${e.message ?? e.keyword}`);
    return {
      code: 'INVALID_PARAMETERS',
      error: `the parameters do not fit the data format of ${declared}: ${violations.join('; ')} (force: true sends anyway)`,
      violations,
    };
  }
  return { functionId: declared };
}

function typeProblem(type: string, format: string | undefined, value: unknown): string | undefined {
  const f = format?.toLowerCase().replace(/_/g, '-');
  switch (type) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return 'is not an integer';
      if (f === 'int32' && !isInt32(value)) return 'is outside the INT32 range';
      return undefined;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'is not a number';
      if (f === 'float' && !isFloat(value)) return 'is outside the FLOAT range';
      return undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'is not a boolean';
    case 'string':
      if (typeof value !== 'string') return 'is not a string';
      if ((f === 'date-time' || f === 'date') && Number.isNaN(new Date(value).getTime())) return `is not a ${f}`;
      if (f === 'byte' && !isBase64(value)) return 'is not base64 (format byte)';
      return undefined;
    case 'array':
      return Array.isArray(value) ? undefined : 'is not an array';
    case 'object':
      return isPlainObject(value) ? undefined : 'is not an object';
    default:
      return undefined;
  }
}

/** Checks a configuration change against the registered parameters: names, JSON types, formats. */
export function checkConfig(s: ServiceRecord, params: Record<string, unknown>): Refusal | undefined {
  const conf = s.selfDescription.configuration;
  const declared = isPlainObject(conf) && isPlainObject(conf.parameters) ? conf.parameters : {};
  const known = Object.keys(declared);
  const unknown: string[] = [];
  const invalid: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    const p = Object.prototype.hasOwnProperty.call(declared, name) ? declared[name] : undefined;
    if (!isPlainObject(p)) {
      unknown.push(name);
      continue;
    }
    const type = typeof p.type === 'string' ? p.type.toLowerCase() : '';
    const format = typeof p.format === 'string' ? p.format : undefined;
    const problem = typeProblem(type, format, value);
    if (problem) invalid.push(`${name}: ${excerpt(value)} ${problem} (${p.type as string}${format ? ` ${format}` : ''})`);
  }
  const force = ' (force: true sends anyway)';
  if (unknown.length) {
    return {
      code: 'UNKNOWN_PARAMETER',
      error: `service ${s.uuid} "${s.name}" has no configuration parameter ${unknown.slice(0, MAX_VIOLATIONS).map((n) => JSON.stringify(n)).join(', ')}; it declares ${known.length ? known.map((n) => JSON.stringify(n)).join(', ') : 'none'}${force}`,
      violations: unknown.slice(0, MAX_VIOLATIONS).map((n) => `${n}: no such parameter`),
    };
  }
  if (invalid.length) {
    const violations = invalid.slice(0, MAX_VIOLATIONS);
    return { code: 'INVALID_VALUE', error: `${violations.join('; ')}${force}`, violations };
  }
  return undefined;
}

function excerpt(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
