import { MsbProtocolError } from '../errors';

/**
 * Raised by the codec when a string is not a well-formed MSB message or frame. The message
 * names what is wrong (unknown prefix, bad JSON, wrong shape, too long...) and, where it
 * helps, quotes the start of the offending text.
 */
export class ProtocolError extends MsbProtocolError {
  /** The offending input, shortened to at most 200 characters (for logs). */
  readonly excerpt?: string;

  constructor(message: string, input?: string) {
    super(input === undefined ? message : `${message} (input: ${excerptOf(input)})`);
    if (input !== undefined) this.excerpt = excerptOf(input);
  }
}

/** The first 200 characters of `text`, JSON-quoted so control characters stay visible. */
export function excerptOf(text: string, max = 200): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/** Whether `v` is a non-null, non-array object (a JSON object after JSON.parse). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
