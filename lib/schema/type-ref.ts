import { DataType, isDataType } from './data-type';
import type { DataFormat } from './data-format-schema';
import type { JsonSchema } from './data-type';

/** How {@link MISSING_METADATA} is referred to from the problems it explains. */
export const MISSING_METADATA_TOPIC = 'missing type metadata';

/**
 * The one explanation of missing `design:type`/`design:paramtypes` metadata, reported once per
 * service however many members lack it.
 */
export const MISSING_METADATA =
  `${MISSING_METADATA_TOPIC}: TypeScript records a member's type only with "emitDecoratorMetadata": true (beside "experimentalDecorators": true) ` +
  "in tsconfig.json, and only when 'reflect-metadata' is loaded before the decorated class: import 'reflect-metadata' (or msb-decorators) " +
  'before any module that declares a service or DTO. esbuild, tsx, swc without its decorator-metadata option and TypeScript 7 emit no such ' +
  'metadata at all: build with tsc, or give every type explicitly (@Property(DataType.X), @Payload({ dataType }), @ConfigParam({ type }))';

/** A class, as a constructor. */
export type Class<T = unknown> = abstract new (...args: any[]) => T;

/**
 * What a decorator accepts as the type of a payload or DTO field:
 * - a {@link DataType};
 * - `String`, `Number` (DOUBLE), `Boolean`, `Date` (DATETIME) or `Buffer` (BYTE, base64 on the wire);
 * - a DTO class, or an arrow function returning one (`() => MyDto`), which survives circular imports;
 * - a raw MSB data format (`{ dataObject: …, Name: … }`), as an object or as JSON text;
 * - a bare JSON schema without `dataObject` (`{ type: 'string', enum: […] }`), which becomes the `dataObject`.
 */
export type TypeInput = DataType | Class | (() => Class) | RawDataFormat | JsonSchema | string;

/** An MSB data format written by hand, as the official clients accept it. */
export type RawDataFormat = { dataObject: Record<string, unknown> } & Record<string, Record<string, unknown>>;

/** The resolved shape of a payload or field: one of four kinds. */
export type TypeRef =
  | { readonly kind: 'simple'; readonly dataType: DataType }
  | { readonly kind: 'dto'; readonly target: Function }
  | { readonly kind: 'array'; readonly items: TypeRef }
  | { readonly kind: 'raw'; readonly format: DataFormat };

/** Result of {@link toTypeRef}: the type, or why it could not be resolved. */
export type TypeRefResult = { ok: true; ref: TypeRef } | { ok: false; problem: string };

const OPAQUE_CONSTRUCTORS: ReadonlySet<Function> = new Set<Function>([Object, Function, Promise, Map, Set, WeakMap, WeakSet, Symbol, BigInt]);

function isArrowThunk(fn: Function): boolean {
  // Classes and ordinary functions have a prototype; arrow functions do not.
  return !Object.prototype.hasOwnProperty.call(fn, 'prototype');
}

/** The simple type of a built-in constructor, if it is one of them. */
export function dataTypeOfConstructor(ctor: unknown): DataType | undefined {
  switch (ctor) {
    case String: return DataType.STRING;
    case Number: return DataType.DOUBLE;
    case Boolean: return DataType.BOOLEAN;
    case Date: return DataType.DATETIME;
    case Buffer: case Uint8Array: return DataType.BYTE;
    default: return undefined;
  }
}

function fromConstructor(ctor: Function): TypeRefResult {
  const simple = dataTypeOfConstructor(ctor);
  if (simple) return { ok: true, ref: { kind: 'simple', dataType: simple } };
  if (ctor === Array) return { ok: false, problem: 'is an array whose element type is unknown' };
  if (OPAQUE_CONSTRUCTORS.has(ctor)) {
    return { ok: false, problem: `has type ${ctor.name}, which maps to no MSB data format` };
  }
  return { ok: true, ref: { kind: 'dto', target: ctor } };
}

function fromRaw(raw: Record<string, unknown>): TypeRefResult {
  // As in the Python client: a bare schema without `dataObject` is the payload itself.
  const format = Object.prototype.hasOwnProperty.call(raw, 'dataObject') ? raw : { dataObject: raw };
  return { ok: true, ref: { kind: 'raw', format: structuredClone(format) as DataFormat } };
}

/**
 * Resolves what a decorator was given into a {@link TypeRef}. Lazy references are called here,
 * when the class is read, not when it is decorated.
 */
export function toTypeRef(input: unknown): TypeRefResult {
  if (isDataType(input)) return { ok: true, ref: { kind: 'simple', dataType: input } };
  if (typeof input === 'string') {
    if (input.trimStart().startsWith('{')) {
      try {
        return fromRaw(JSON.parse(input) as Record<string, unknown>);
      } catch (e) {
        return { ok: false, problem: `has a raw data format that is not valid JSON (${(e as Error).message})` };
      }
    }
    return { ok: false, problem: `has type "${input}", which is not a DataType (${Object.values(DataType).join(', ')})` };
  }
  if (typeof input === 'function') {
    if (isArrowThunk(input)) {
      let resolved: unknown;
      try {
        resolved = (input as () => unknown)();
      } catch (e) {
        return { ok: false, problem: `has a lazy type reference that threw: ${(e as Error).message}` };
      }
      if (typeof resolved !== 'function') {
        return { ok: false, problem: 'has a lazy type reference that returned no class (a circular import not yet resolved?)' };
      }
      return fromConstructor(resolved);
    }
    return fromConstructor(input);
  }
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) return fromRaw(input as Record<string, unknown>);
  if (input === undefined || input === null) return { ok: false, problem: 'has no type' };
  return { ok: false, problem: `has type ${JSON.stringify(input)}, which maps to no MSB data format` };
}

/** Wraps a type in an array when `isArray` is set. */
export function arrayOf(ref: TypeRef, isArray: boolean | undefined): TypeRef {
  return isArray ? { kind: 'array', items: ref } : ref;
}
