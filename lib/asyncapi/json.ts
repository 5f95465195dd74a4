// Reading and writing untyped JSON safely: self-descriptions come from any client, so a key such
// as `__proto__` must stay data and a missing field must read as empty.

import { isPlainObject } from '../protocol';

export type Json = Record<string, unknown>;

export const isObject: (v: unknown) => v is Json = isPlainObject;

/** Sets a key as an own data property, so a `__proto__` key from JSON stays data. */
export function put(o: Json, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

export function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Key order does not matter in JSON; sorted text lets two shapes be compared exactly. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}
