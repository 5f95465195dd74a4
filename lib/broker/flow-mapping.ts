import { MsbError } from '../errors';
import { isPlainObject } from '../protocol';
import type { EventMessage } from '../protocol';
import type { Mapping } from './flow-compiler';
import { getPointer, setPointer } from './json-pointer';

/*
 * A route's mappings applied to one event: the function parameters of the call it produces.
 * This runs for every routed event, with data another service chose, so the size of the result
 * is added up before anything is copied.
 */

/** A flow mapping would build a call larger than the broker's `maxCallBytes`; nothing was built. */
export class CallTooLargeError extends MsbError {
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`the call would be at least ${bytes} bytes, more than the limit of ${limit} (maxCallBytes); it was not built`);
  }
}

function clone<T>(v: T): T {
  // structuredClone creates own data properties, so a "__proto__" key stays plain data
  return structuredClone(v);
}

/**
 * Sizes of values read by pointer, as JSON text, each pointer measured once per event: a
 * template naming one large value many times costs one measurement, and the budget check
 * comes before anything is copied or concatenated.
 */
class Sizer {
  private readonly sizes = new Map<string, { value: unknown; json: number }>();

  constructor(private readonly event: EventMessage) {}

  read(pointer: string): { value: unknown; json: number } {
    let r = this.sizes.get(pointer);
    if (!r) {
      const value = getPointer(this.event, pointer);
      r = { value, json: value === undefined ? 0 : (JSON.stringify(value)?.length ?? 0) };
      this.sizes.set(pointer, r);
    }
    return r;
  }

  /** Like `read`, but a bad pointer or a missing value reads as nothing, as interpolation wants. */
  readLenient(pointer: string): { value: unknown; json: number } {
    try {
      return this.read(pointer);
    } catch {
      return { value: undefined, json: 0 };
    }
  }
}

const PLACEHOLDER = /\$\{([^}]*)\}/g;

/** The interpolated text's length, computed without building it. */
function interpolatedLength(template: string, sizer: Sizer): number {
  let length = template.length;
  for (const m of template.matchAll(PLACEHOLDER)) {
    length -= m[0].length;
    const { value, json } = sizer.readLenient(m[1]);
    if (value === undefined || value === null) continue;
    length += typeof value === 'string' ? value.length : json;
  }
  return length;
}

function interpolate(template: string, sizer: Sizer): string {
  return template.replace(PLACEHOLDER, (_m, p: string) => {
    const v = sizer.readLenient(p).value;
    if (v === undefined || v === null) return '';
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}

/**
 * The function parameters a route produces from an event message: each mapping reads from the
 * whole message (`/dataObject`, `/correlationId`...) and writes into a fresh object. A missing
 * source value is left out. Nothing is checked against the target's data format (spec 11.3 #5).
 * The size of the result (as JSON) is added up before anything is built; beyond `maxBytes`
 * nothing is built at all.
 *
 * @throws {JsonPointerError} when a target pointer is forbidden (`__proto__`...).
 * @throws {CallTooLargeError} when the parameters would exceed `maxBytes`.
 */
export function buildParameters(event: EventMessage, mappings: Mapping[], maxBytes = Infinity): Record<string, unknown> {
  const sizer = new Sizer(event);
  const whole = /^\$\{([^}]*)\}$/;
  let total = 2;
  for (const m of mappings) {
    const w = m.template !== undefined ? whole.exec(m.template) : null;
    if (m.template !== undefined && !w) total += interpolatedLength(m.template, sizer) + 2;
    else total += sizer.read(w ? w[1] : (m.source ?? '')).json;
    total += m.target.length + 4;
    if (total > maxBytes) throw new CallTooLargeError(total, maxBytes);
  }
  let params: Record<string, unknown> = {};
  for (const m of mappings) {
    const w = m.template !== undefined ? whole.exec(m.template) : null;
    const value = m.template !== undefined && !w ? interpolate(m.template, sizer) : sizer.read(w ? w[1] : (m.source ?? '')).value;
    if (value === undefined) continue;
    if (m.target === '') {
      if (isPlainObject(value)) params = clone(value);
      continue;
    }
    setPointer(params, m.target, clone(value));
  }
  return params;
}
