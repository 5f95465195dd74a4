/**
 * The deepest JSON nesting the codec accepts by default. JSON.parse copes with any depth, but
 * JSON.stringify, structuredClone and every recursive consumer (validators, mappers) overflow
 * the stack a few thousand levels down, so a message that parses would fail on the way out.
 * 1000 is also Jackson's default limit (StreamReadConstraints), so the Java MSB refuses as much.
 */
export const DEFAULT_MAX_JSON_DEPTH = 1000;

/**
 * Whether the JSON text `text` nests arrays/objects more than `max` levels deep. A linear scan
 * of the text (strings skipped), not a walk of the parsed value, so it cannot overflow itself.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  // d levels need 2d brackets, so short texts (every ordinary message) skip the scan
  if (text.length < 2 * (max + 1)) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // skip the string: find its closing quote, stepping over escapes
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}
