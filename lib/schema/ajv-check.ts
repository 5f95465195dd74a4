import type { ValidateFunction } from 'ajv';
import { joinPath } from './violations';
import type { Check } from './violations';

/**
 * The check of a raw data format, which the user wrote as JSON schema and the fast path does not
 * read: Ajv compiles it, loaded on first use because it costs megabytes of memory that services
 * without raw formats never need.
 */

let sharedAjv: ReturnType<typeof import('./ajv').createAjv> | undefined;

/** A check of `schema` by Ajv, its errors turned into violations with paths like the fast path's. */
export function ajvCheck(schema: object): Check {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ajv = (sharedAjv ??= (require('./ajv') as typeof import('./ajv')).createAjv());
  const fn: ValidateFunction = ajv.compile(schema);
  return (v, path, out) => {
    // Ajv judges the JSON that goes on the wire (a Date as its text), as the receiver will.
    if (fn(JSON.parse(JSON.stringify(v) ?? 'null'))) return true;
    for (const e of fn.errors ?? []) out?.push({ path: pathOf(path, e.instancePath), message: e.message ?? e.keyword });
    return false;
  };
}

/** Ajv's JSON pointer below `path`, written as the other checks write paths (`a[1].b`). */
function pathOf(path: string, pointer: string): string {
  let at = path;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    at = joinPath(at, /^\d+$/.test(key) ? Number(key) : key);
  }
  return at;
}
