let lastMs = Number.NaN;
let lastIso = '';

/**
 * `new Date().toISOString()`, computed once per millisecond: a burst of events stamps
 * hundreds of events in the same millisecond, and formatting the date was a measurable share
 * of publishing one.
 */
export function isoNow(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}
