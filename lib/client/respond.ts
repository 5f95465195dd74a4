import type { Priority } from '../decorators/event';

const RESPONSE = Symbol('msb-decorators:response');

/** Options of one response event; by default it has its `@Event`'s priority and the current time. */
export interface RespondOptions {
  /** Overrides the response event's declared priority. */
  priority?: Priority;
  /** When it happened; defaults to now. */
  postDate?: Date;
}

/** A response event chosen by a function: return it (or an array of them) from the method. */
export interface ResponseEvent<T = unknown> {
  readonly [RESPONSE]: true;
  readonly eventId: string;
  readonly value: T;
  readonly options?: RespondOptions;
}

/**
 * Picks the response event a function answers with, for functions that declare several:
 * `return respond('drillFailed', 'no bit')`, optionally with its own priority or postDate:
 * `respond('drillFailed', 'no bit', { priority: 'HIGH' })`. The call's correlation id is added for you.
 */
export function respond<T>(eventId: string, value?: T, options?: RespondOptions): ResponseEvent<T> {
  return { [RESPONSE]: true, eventId, value: value as T, ...(options ? { options } : {}) };
}

/** Whether a method's return value is a {@link respond} result. */
export function isResponseEvent(value: unknown): value is ResponseEvent {
  return value !== null && typeof value === 'object' && (value as Record<symbol, unknown>)[RESPONSE] === true;
}
