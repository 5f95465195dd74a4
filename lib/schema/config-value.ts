import { DataType } from './data-type';
import type { JsonSchema } from './data-type';
import { isBase64, isInt32 } from './limits';


/**
 * The type of a configuration parameter: the declared one, else inferred from the initial
 * value (boolean, string, Date, Buffer; a whole number is INT64 and any other number DOUBLE),
 * else from the property's TypeScript type. Undefined when nothing tells.
 */
export function inferConfigType(declared: DataType | undefined, value: unknown, designType: unknown): DataType | undefined {
  if (declared) return declared;
  switch (typeof value) {
    case 'boolean': return DataType.BOOLEAN;
    case 'string': return DataType.STRING;
    case 'number': return Number.isInteger(value) ? DataType.INT64 : DataType.DOUBLE;
    default: break;
  }
  if (value instanceof Date) return DataType.DATETIME;
  if (Buffer.isBuffer(value)) return DataType.BYTE;
  if (value === undefined || value === null) {
    switch (designType) {
      case String: return DataType.STRING;
      case Number: return DataType.DOUBLE;
      case Boolean: return DataType.BOOLEAN;
      case Date: return DataType.DATETIME;
      default: return undefined;
    }
  }
  return undefined;
}

/** Result of {@link coerceConfigValue}. */
export type Coerced = { ok: true; value: unknown } | { ok: false; reason: string };

function isoDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'string' || typeof value === 'number') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/**
 * Converts a value that arrived (a `K` message, `setConfig`, an initial value) into the
 * property's value of the given type. Strings are accepted for numbers and booleans, as the
 * MSB GUI may send them. DATETIME becomes a Date; BYTE a Buffer (from base64).
 */
export function coerceConfigValue(type: DataType, value: unknown): Coerced {
  const fail = (what: string): Coerced => ({ ok: false, reason: `${JSON.stringify(value) ?? String(value)} is not ${what}` });
  switch (type) {
    case DataType.STRING:
      return typeof value === 'string' ? { ok: true, value } : fail('a string');
    case DataType.BOOLEAN:
      if (typeof value === 'boolean') return { ok: true, value };
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return { ok: true, value: value.trim().toLowerCase() === 'true' };
      return fail('a boolean');
    case DataType.INT32: case DataType.INT64: {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isSafeInteger(n)) return fail(`an integer (${type})`);
      if (type === DataType.INT32 && !isInt32(n)) return fail('within the INT32 range');
      return { ok: true, value: n };
    }
    case DataType.FLOAT: case DataType.DOUBLE: {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      return typeof n === 'number' && Number.isFinite(n) ? { ok: true, value: n } : fail(`a number (${type})`);
    }
    case DataType.DATETIME: {
      const d = isoDate(value);
      return d ? { ok: true, value: d } : fail('a date-time');
    }
    case DataType.BYTE:
      if (Buffer.isBuffer(value)) return { ok: true, value };
      if (typeof value === 'string' && isBase64(value)) return { ok: true, value: Buffer.from(value, 'base64') };
      return fail('base64 bytes');
  }
}

/** The JSON value of a configuration parameter as it goes into the self-description. */
export function configWireValue(type: DataType, value: unknown): unknown {
  if (type === DataType.DATETIME && value instanceof Date) return value.toISOString();
  if (type === DataType.BYTE && Buffer.isBuffer(value)) return value.toString('base64');
  return value;
}

/** What a configuration parameter's checks are built from. */
export interface ConfigRuleSource {
  readonly dataType: DataType;
  readonly keywords: JsonSchema;
  readonly hasExtraRules: boolean;
  readonly covered: ReadonlySet<string>;
}

/**
 * The whole check of a configuration value: its type (with the conversions of
 * {@link coerceConfigValue}), the keywords of its class-validator decorators, and class-validator
 * itself for the rules that have no keyword. A broken rule is named in the reason.
 */
export function configAcceptor(param: ConfigRuleSource, target: Function, propertyKey: string): (value: unknown) => Coerced {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const keywordCheck = Object.keys(param.keywords).length > 0 ? (require('./keyword-rules') as typeof import('./keyword-rules')).compileKeywordCheck(param.keywords) : undefined;
  const shown = (v: unknown) => (v instanceof Date ? v.toISOString() : Buffer.isBuffer(v) ? `${v.length} bytes` : JSON.stringify(v) ?? String(v));
  return (raw) => {
    const r = coerceConfigValue(param.dataType, raw);
    if (!r.ok) return { ok: false, reason: `${r.reason} (type ${param.dataType})` };
    const broken = keywordCheck ? keywordCheck(r.value) : [];
    if (param.hasExtraRules) {
      // class-validator checks one property of a bare object of the class: no constructor runs.
      const probe = Object.create((target as { prototype: object }).prototype) as Record<string, unknown>;
      probe[propertyKey] = r.value;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { classValidator } = require('./class-metadata') as typeof import('./class-metadata');
      for (const e of classValidator().validateSync(probe, { forbidUnknownValues: false })) {
        if (e.property !== propertyKey) continue;
        for (const [name, message] of Object.entries(e.constraints ?? {})) if (!param.covered.has(name)) broken.push(`${message} (${name})`);
      }
    }
    return broken.length === 0 ? r : { ok: false, reason: `${shown(r.value)} breaks a rule: ${broken.join('; ')}` };
  };
}
