/**
 * Every status string the MSB websocket interface sends, as the official clients list them
 * (spec section 4.2). The bare `IO`/`NIO` are listed by the Python and Node.js clients only.
 */
export const Status = {
  IO: 'IO',
  NIO: 'NIO',
  IO_CONNECTED: 'IO_CONNECTED',
  IO_REGISTERED: 'IO_REGISTERED',
  IO_PUBLISHED: 'IO_PUBLISHED',
  NIO_ALREADY_CONNECTED: 'NIO_ALREADY_CONNECTED',
  NIO_REGISTRATION_ERROR: 'NIO_REGISTRATION_ERROR',
  NIO_UNEXPECTED_REGISTRATION_ERROR: 'NIO_UNEXPECTED_REGISTRATION_ERROR',
  NIO_UNAUTHORIZED_CONNECTION: 'NIO_UNAUTHORIZED_CONNECTION',
  NIO_EVENT_FORWARDING_ERROR: 'NIO_EVENT_FORWARDING_ERROR',
  NIO_UNEXPECTED_EVENT_FORWARDING_ERROR: 'NIO_UNEXPECTED_EVENT_FORWARDING_ERROR',
} as const;

/** One of the {@link Status} strings. */
export type StatusCode = (typeof Status)[keyof typeof Status];

const STATUS_SET: ReadonlySet<string> = new Set(Object.values(Status));

/** Whether `s` is exactly one of the {@link Status} strings (case-sensitive, as Py/Node compare). */
export function isStatus(s: unknown): s is StatusCode {
  return typeof s === 'string' && STATUS_SET.has(s);
}
