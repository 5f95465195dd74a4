/**
 * What every compiled check of a value is, and how it reports what is wrong: shared by the fast
 * path, the Ajv path and the class-validator path so that all three name a place in a value the
 * same way. A check allocates nothing while it passes; only the explaining walk (with `out`) builds
 * paths and messages.
 */

/** `out` (on the explaining walk): each violation, with the path it was found at. */
export type Out = Array<{ path: string; message: string; type?: boolean }> | undefined;
/** A compiled check: true when `v` passes; on the explaining walk it also pushes what is wrong to `out`. */
export type Check = (v: unknown, path: string, out: Out) => boolean;
/** Outgoing values may hold a Date or a Buffer where the wire has a string; incoming ones are JSON. */
export type Direction = 'out' | 'in';

/** A value as a violation message shows it (a long string cut short). */
export function kindOfValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'an invalid Date' : 'a Date';
  return typeof v === 'object' ? 'an object' : typeof v;
}

/** The path of a field (`a.b`) or an element (`a[0]`) below `path`. */
export function joinPath(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
}

/** `path`, relative to `prefix`. */
export function under(prefix: string, path: string): string {
  if (path === '') return prefix;
  return path.startsWith('[') || prefix === '' ? prefix + path : `${prefix}.${path}`;
}

/** How a path is shown: the payload itself is `value`. */
export function shownPath(path: string): string {
  return path === '' ? 'value' : path.startsWith('[') ? `value${path}` : path;
}

/** A check of the JSON type alone, named `what` in its message. */
export function typeCheck(what: string, test: (v: unknown) => boolean): Check {
  return (v, path, out) => {
    if (test(v)) return true;
    out?.push({ path, message: `must be ${what}, got ${kindOfValue(v)}`, type: true });
    return false;
  };
}

/**
 * A bad value must never make the check throw: a value that cannot be walked (a cycle deeper than
 * the stack, a getter that throws, a BigInt for JSON) is a violation like any other.
 */
export function guarded(check: Check): Check {
  return (v, path, out) => {
    try {
      return check(v, path, out);
    } catch (e) {
      out?.push({ path, message: `cannot be checked: ${e instanceof Error ? e.message : String(e)}` });
      return false;
    }
  };
}
