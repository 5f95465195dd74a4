import { DataType } from './data-type';
import { classTransformer } from './class-metadata';
import { dtoModelOf } from './dto-model';
import { fromWireScalar, toWireScalar } from './simple-values';
import type { TypeRef } from './type-ref';

/**
 * What JSON cannot carry as it is, in both directions: a Date or a Buffer becomes its text going
 * out; coming in, a method gets a Date, a Buffer or a DTO instance (class-transformer) where its
 * declaration says so. Compiled once per payload type; undefined where nothing needs converting,
 * so such values cost nothing.
 */

type Convert = (v: unknown) => unknown;

function containsByte(ref: TypeRef, seen = new Set<Function>()): boolean {
  switch (ref.kind) {
    case 'simple': return ref.dataType === DataType.BYTE;
    case 'array': return containsByte(ref.items, seen);
    case 'raw': return false;
    case 'dto': {
      if (seen.has(ref.target)) return false;
      seen.add(ref.target);
      return dtoModelOf(ref.target).fields.some((f) => containsByte(f.type, seen));
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

/** An array's conversion: its items', or none when they need none. */
function eachItem(item: Convert | undefined): Convert | undefined {
  return item && ((v) => (Array.isArray(v) ? v.map(item) : v));
}

/** What JSON cannot carry as it is: a Date becomes its ISO text and a Buffer base64 (JSON.stringify does the rest). */
export function toWireConverter(ref: TypeRef): Convert | undefined {
  switch (ref.kind) {
    case 'simple': return toWireScalar(ref.dataType);
    case 'array': return eachItem(toWireConverter(ref.items));
    case 'dto': return containsByte(ref) ? buffersToBase64 : undefined;
    case 'raw': return undefined;
  }
}

/** What the method receives: a Date, a Buffer, a DTO instance. */
export function fromWireConverter(ref: TypeRef): Convert | undefined {
  switch (ref.kind) {
    case 'simple': return fromWireScalar(ref.dataType);
    case 'array': return eachItem(fromWireConverter(ref.items));
    case 'dto': {
      const cls = ref.target as new () => object;
      const revive = reviver(ref.target, new Map());
      return (v) => {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
        const instance = classTransformer().plainToInstance(cls, v);
        revive?.(instance);
        return instance;
      };
    }
    case 'raw': return undefined;
  }
}

/**
 * A DATETIME or BYTE field declared `Date` or `Buffer` in TypeScript gets a Date or a Buffer, as
 * a DATETIME or BYTE payload does, where class-transformer (without `@Type`) would leave the text.
 */
function reviver(target: Function, seen: Map<Function, ((o: object) => void) | undefined>): ((o: object) => void) | undefined {
  if (seen.has(target)) return (o) => seen.get(target)?.(o);
  seen.set(target, undefined);
  const steps: Array<(o: Record<string, unknown>) => void> = [];
  for (const f of dtoModelOf(target).fields) {
    const design: unknown = Reflect.getMetadata('design:type', (target as { prototype: object }).prototype, f.name);
    const t = f.type;
    if (t.kind === 'simple' && t.dataType === DataType.DATETIME && design === Date) {
      steps.push((o) => { if (typeof o[f.name] === 'string') o[f.name] = new Date(o[f.name] as string); });
    } else if (t.kind === 'simple' && t.dataType === DataType.BYTE && (design === Buffer || design === Uint8Array)) {
      steps.push((o) => { if (typeof o[f.name] === 'string') o[f.name] = Buffer.from(o[f.name] as string, 'base64'); });
    } else if (t.kind === 'dto' || (t.kind === 'array' && t.items.kind === 'dto')) {
      const inner = reviver(t.kind === 'dto' ? t.target : (t.items as { target: Function }).target, seen);
      if (!inner) continue;
      steps.push((o) => {
        const x = o[f.name];
        if (Array.isArray(x)) { for (const e of x) if (e !== null && typeof e === 'object') inner(e as object); }
        else if (x !== null && typeof x === 'object') inner(x);
      });
    }
  }
  const revive = steps.length === 0 ? undefined : (o: object) => { for (const s of steps) s(o as Record<string, unknown>); };
  seen.set(target, revive);
  return revive;
}
