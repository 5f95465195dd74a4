import { MsbError } from '../errors';

/**
 * RFC 6901 JSON pointers, as the MSB data-mapping processor uses them (`/dataObject`, `/a/0`).
 * Only own properties are read, and writes refuse the segments that could reach a prototype.
 */

/** Raised for a malformed pointer or a forbidden segment. */
export class JsonPointerError extends MsbError {
  constructor(message: string) {
    super(message);
  }
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Splits a pointer into unescaped segments; `""` is the whole document. */
export function parsePointer(pointer: string): string[] {
  if (typeof pointer !== 'string') throw new JsonPointerError(`a JSON pointer must be a string, got ${typeof pointer}`);
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPointerError(`JSON pointer ${JSON.stringify(pointer)} must be empty or start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => {
      if (/~[^01]|~$/.test(s)) throw new JsonPointerError(`JSON pointer ${JSON.stringify(pointer)} has a bad "~" escape`);
      return s.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

/** The value at `pointer` in `doc`, or undefined when any segment is missing. */
export function getPointer(doc: unknown, pointer: string): unknown {
  let node = doc;
  for (const seg of parsePointer(pointer)) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(seg)) return undefined;
      node = node[Number(seg)];
    } else if (node !== null && typeof node === 'object') {
      if (!Object.prototype.hasOwnProperty.call(node, seg)) return undefined;
      node = (node as Record<string, unknown>)[seg];
    } else {
      return undefined;
    }
  }
  return node;
}

function defineOwn(target: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  // defineProperty instead of assignment: never triggers a setter, even a hypothetical one
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * Writes `value` at `pointer` inside `doc` (an object), creating intermediate objects as needed
 * (`-` appends to an array). The empty pointer is refused: the caller replaces the root itself.
 *
 * @throws {JsonPointerError} on a malformed pointer, a `__proto__`/`constructor`/`prototype`
 *   segment, or a path through a non-container value.
 */
export function setPointer(doc: Record<string, unknown>, pointer: string, value: unknown): void {
  const segs = parsePointer(pointer);
  if (segs.length === 0) throw new JsonPointerError('cannot write at the empty JSON pointer (the whole document)');
  for (const s of segs) {
    if (FORBIDDEN.has(s)) throw new JsonPointerError(`JSON pointer ${JSON.stringify(pointer)} uses the forbidden segment "${s}"`);
  }
  let node: Record<string, unknown> | unknown[] = doc;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    const last = i === segs.length - 1;
    let key: string | number = seg;
    if (Array.isArray(node)) {
      if (seg === '-') key = node.length;
      else if (/^(0|[1-9]\d*)$/.test(seg)) key = Number(seg);
      else throw new JsonPointerError(`JSON pointer ${JSON.stringify(pointer)}: "${seg}" is not an array index`);
    }
    if (last) {
      defineOwn(node, key, value);
      return;
    }
    const existing: unknown = Object.prototype.hasOwnProperty.call(node, key) ? (node as Record<string | number, unknown>)[key] : undefined;
    if (existing !== null && typeof existing === 'object') {
      node = existing as Record<string, unknown> | unknown[];
    } else if (existing === undefined) {
      const child: Record<string, unknown> = {};
      defineOwn(node, key, child);
      node = child;
    } else {
      throw new JsonPointerError(`JSON pointer ${JSON.stringify(pointer)}: "${seg}" holds a ${typeof existing}, not an object`);
    }
  }
}
