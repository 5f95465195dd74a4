/**
 * YAML text of a JSON value, block style. Every value the document holds is JSON, so the
 * emitter only needs JSON's scalars: strings are plain when they cannot be read as anything
 * else and double-quoted (JSON escapes, which YAML shares) otherwise. A library would bring a
 * parser and YAML features this never needs.
 */
export function toYaml(value: unknown): string {
  const lines: string[] = [];
  emit(value, '', lines, '');
  return `${lines.join('\n')}\n`;
}

// YAML 1.1 readers take these as booleans or null when plain.
const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~)$/i;
const PLAIN = /^[A-Za-z][A-Za-z0-9_./-]*$/;
const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
// Characters YAML requires escaped that JSON.stringify leaves as they are.
const UNPRINTABLE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

function quote(s: string): string {
  return JSON.stringify(s).replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function scalar(v: unknown): string {
  if (typeof v === 'string') return PLAIN.test(v) && !RESERVED.test(v) ? v : quote(v);
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null';
  if (typeof v === 'boolean') return String(v);
  return 'null';
}

function key(k: string): string {
  return PLAIN_KEY.test(k) && !RESERVED.test(k) ? k : quote(k);
}

function isEmptyCollection(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0);
}

/** Writes `value` after `head` (e.g. `key:` or `-`), nested lines indented by `indent`. */
function emit(value: unknown, head: string, lines: string[], indent: string): void {
  const sep = head === '' ? '' : ' ';
  if (typeof value !== 'object' || value === null || isEmptyCollection(value)) {
    const text = Array.isArray(value) ? '[]' : typeof value === 'object' && value !== null ? '{}' : scalar(value);
    lines.push(`${indent}${head}${sep}${text}`);
    return;
  }
  const inner = head === '' ? indent : `${indent}  `;
  if (head !== '') lines.push(`${indent}${head}`);
  if (Array.isArray(value)) {
    for (const item of value) emit(item, '-', lines, inner);
  } else {
    for (const [k, v] of Object.entries(value)) emit(v, `${key(k)}:`, lines, inner);
  }
}
