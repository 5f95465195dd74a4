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
