/**
 * A one-line description of anything that was thrown. Handlers may throw values that are not
 * Errors (strings, plain objects, objects whose `toString` is missing or throws), and a report
 * about them must not fail in turn.
 */
export function describeThrown(value: unknown): string {
  try {
    return describeOrThrow(value);
  } catch {
    // a revoked Proxy fails even `instanceof`; an Error's `message` may be a throwing getter
    return 'a thrown value that cannot be described';
  }
}

function describeOrThrow(value: unknown): string {
  if (value instanceof Error) return value.message || value.name;
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') {
    try {
      return String(value);
    } catch {
      return typeof value;
    }
  }
  try {
    const json = JSON.stringify(value);
    if (json !== undefined && json !== '{}') return `${tagOf(value)} ${json.length > 200 ? `${json.slice(0, 200)}…` : json}`;
  } catch {
    // cycles, BigInt, a throwing toJSON: fall through
  }
  return tagOf(value);
}

function tagOf(value: object): string {
  try {
    return `a thrown non-Error ${Object.prototype.toString.call(value)}`;
  } catch {
    return 'a thrown non-Error object';
  }
}
