import { DataType } from './data-type';
import { isBase64, isDateTime, isFloat, isInt32 } from './limits';
import { typeCheck } from './violations';
import type { Check, Direction } from './violations';

/**
 * The simple DataTypes as values: what each accepts going out (a Date or a Buffer may stand for
 * its text) and coming in (JSON only), and how a DATETIME or BYTE crosses the wire. The one place
 * a new DataType's value rules go.
 */

/** The check of one simple DataType's JSON type, in one direction. */
export function simpleCheck(t: DataType, dir: Direction): Check {
  switch (t) {
    case DataType.STRING: return typeCheck('a string', (v) => typeof v === 'string');
    case DataType.BOOLEAN: return typeCheck('a boolean', (v) => typeof v === 'boolean');
    case DataType.INT32: return typeCheck('an INT32 integer', (v) => typeof v === 'number' && isInt32(v));
    case DataType.INT64: return typeCheck('an INT64 integer (a safe integer)', (v) => Number.isSafeInteger(v));
    case DataType.FLOAT: return typeCheck('a finite FLOAT number', (v) => typeof v === 'number' && isFloat(v));
    case DataType.DOUBLE: return typeCheck('a finite DOUBLE number', (v) => typeof v === 'number' && Number.isFinite(v));
    case DataType.DATETIME:
      return dir === 'out'
        ? typeCheck('a valid Date or an ISO-8601 (RFC 3339) date-time string with a zone', (v) => (v instanceof Date ? !Number.isNaN(v.getTime()) : typeof v === 'string' && isDateTime(v)))
        : typeCheck('an ISO-8601 (RFC 3339) date-time string with a zone', (v) => typeof v === 'string' && isDateTime(v));
    case DataType.BYTE:
      return dir === 'out'
        ? typeCheck('a Buffer or a base64 string', (v) => v instanceof Uint8Array || (typeof v === 'string' && isBase64(v)))
        : typeCheck('a base64 string', (v) => typeof v === 'string' && isBase64(v));
  }
}

/** The wire text of an outgoing Date or Buffer (an invalid Date stays, for the check to name); anything else as it is. */
export function wireScalar(v: unknown): unknown {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? v : v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  return v;
}

/** The conversion of an outgoing DATETIME or BYTE to its wire text; undefined for the types JSON carries as they are. */
export function toWireScalar(t: DataType): ((v: unknown) => unknown) | undefined {
  return t === DataType.DATETIME || t === DataType.BYTE ? wireScalar : undefined;
}

/** What a method receives for an incoming DATETIME (a Date) or BYTE (a Buffer); undefined for the types JSON carries as they are. */
export function fromWireScalar(t: DataType): ((v: unknown) => unknown) | undefined {
  if (t === DataType.DATETIME) return (v) => (typeof v === 'string' ? new Date(v) : v);
  if (t === DataType.BYTE) return (v) => (typeof v === 'string' ? Buffer.from(v, 'base64') : v);
  return undefined;
}
