const RESPONSE = Symbol('msb-decorators:response');

/** A response event chosen by a function: return it (or an array of them) from the method. */
export interface ResponseEvent<T = unknown> {
  readonly [RESPONSE]: true;
  readonly eventId: string;
  readonly value: T;
}

/**
 * Picks the response event a function answers with, for functions that declare several:
 * `return respond('drillFailed', 'no bit')`. The call's correlation id is added for you.
 */
export function respond<T>(eventId: string, value?: T): ResponseEvent<T> {
  return { [RESPONSE]: true, eventId, value: value as T };
}

/** Whether a method's return value is a {@link respond} result. */
export function isResponseEvent(value: unknown): value is ResponseEvent {
  return value !== null && typeof value === 'object' && (value as Record<symbol, unknown>)[RESPONSE] === true;
}
