import { MsbDeclarationError } from '../errors';
import { DataFormatBuilder } from './data-format-builder';
import { isDataType } from './data-type';
import { arrayOf, toTypeRef } from './type-ref';
import type { TypeInput, TypeRef } from './type-ref';
import { compileCodec } from './value-codec';
import type { ValueCodec } from './value-codec';

/** Options of {@link validate}. */
export interface ValidateOptions {
  /** The value is an array of `type`. */
  isArray?: boolean;
}

/**
 * The verdict of {@link validate}: the JSON value as it would go on the wire (a Date as its ISO
 * text, a Buffer as base64), or every violation with its path.
 */
export type ValidationResult = { ok: true; value: unknown } | { ok: false; violations: string[] };

const byObject = new WeakMap<object, { single?: ValueCodec; array?: ValueCodec }>();
const byName = new Map<string, ValueCodec>();

function compile(type: TypeInput, isArray: boolean): ValueCodec {
  const r = toTypeRef(type);
  const name = typeof type === 'function' ? type.name || 'the type' : 'the type';
  if (!r.ok) throw new MsbDeclarationError(name, [`validate(): ${name} ${r.problem}`]);
  const ref: TypeRef = r.ref.kind === 'array' && isArray ? r.ref : arrayOf(r.ref, isArray);
  // The data format is built first: a type that cannot be published cannot be checked either.
  const problems: string[] = [];
  new DataFormatBuilder(problems).build({ dataObject: ref }, 'event', `validate(${name})`);
  if (problems.length > 0) throw new MsbDeclarationError(name, problems);
  return compileCodec(ref);
}

/**
 * Checks a value against a type exactly as an emitted event is checked: the same model that
 * makes the published data format makes this check. `type` is a {@link DataType}, a DTO class
 * (or `() => Class`) or a raw MSB data format. Never throws for a bad value; throws
 * {@link MsbDeclarationError} only when the type itself is declared wrongly.
 *
 * @example
 * ```ts
 * const r = validate({ jobId: 'j', durationMs: 'soon' }, JobDone);
 * if (!r.ok) console.log(r.violations); // [ 'durationMs must be an INT64 integer (a safe integer), got "soon"' ]
 * ```
 */
export function validate(value: unknown, type: TypeInput, options: ValidateOptions = {}): ValidationResult {
  const isArray = options.isArray === true;
  let codec: ValueCodec | undefined;
  // Compiled once per type: a DataType by name, a class or a format object by identity.
  if (isDataType(type) || typeof type === 'string') {
    const key = `${isArray}:${type}`;
    codec = byName.get(key);
    if (!codec) {
      codec = compile(type, isArray);
      if (byName.size < 1000) byName.set(key, codec);
    }
  } else if (type !== null && (typeof type === 'object' || typeof type === 'function')) {
    const entry = byObject.get(type) ?? {};
    codec = isArray ? entry.array : entry.single;
    if (!codec) {
      codec = compile(type, isArray);
      byObject.set(type, isArray ? { ...entry, array: codec } : { ...entry, single: codec });
    }
  } else {
    codec = compile(type, isArray);
  }
  return codec.toWire(value);
}
