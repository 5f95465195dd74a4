// The keys of a document's channels, messages, operations and schemas, safe for the spec and for
// readers that keep them in plain objects.

/**
 * Component keys must match `^[A-Za-z0-9_\-]+$` in AsyncAPI 3.0, while MSB ids and DTO names
 * may hold any character; each namespace hands out distinct keys close to the wanted name.
 */
export class ComponentKeys {
  private readonly used = new Set<string>();

  take(wanted: string): string {
    let base = wanted.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80) || '_';
    // Readers that keep these keys in plain objects trip over names they inherit: the official
    // parser, given a `__proto__` message key, made Object.prototype's methods read-only, and
    // one named `hasOwnProperty` crashed its resolver.
    if (base in Object.prototype) base = `${base}_`;
    let key = base;
    for (let i = 2; this.used.has(key); i++) key = `${base}_${i}`;
    this.used.add(key);
    return key;
  }
}
