import type { StatusCode } from './protocol/status';

/**
 * Every error that msb-decorators throws or emits is one of these classes, so callers can
 * tell them apart with `instanceof` and read the details from typed fields.
 */

/** Base class of all msb-decorators errors. */
export class MsbError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A service class or DTO is declared wrongly. Thrown when the class is read (by
 * `selfDescriptionOf` or `bootstrap`), listing every problem found at once.
 */
export class MsbDeclarationError extends MsbError {
  /** One line per problem, each naming the class and member involved. */
  readonly problems: readonly string[];

  constructor(
    /** The service class (or DTO) whose declaration is wrong. */
    readonly className: string,
    problems: readonly string[],
  ) {
    const n = problems.length;
    super(`Invalid MSB declaration of ${className} (${n} problem${n === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/**
 * A value does not match the data format it is sent or received as: an event value, a
 * function-call payload, a response event or a configuration value.
 */
export class MsbValidationError extends MsbError {
  constructor(
    /** What was being validated, e.g. `event temperature` or `function drill`. */
    readonly subject: string,
    /** One message per violated constraint, with the property path. */
    readonly violations: readonly string[],
    /** The correlation id of the call or event, when there is one. */
    readonly correlationId?: string,
  ) {
    super(`Invalid value for ${subject}${correlationId ? ` (correlationId ${correlationId})` : ''}: ${violations.join('; ')}`);
  }
}

/**
 * Options that cannot work: a missing or malformed url, a bad number, an identity (uuid, token, …)
 * that no source provides, a durable outbox that cannot be opened. Thrown by `bootstrap`,
 * `startBroker` and `testService` before anything starts.
 */
export class MsbOptionsError extends MsbError {}

/**
 * The MSB refused the registration. `status` is the server's answer:
 * `NIO_REGISTRATION_ERROR`, `NIO_UNEXPECTED_REGISTRATION_ERROR` or `NIO_ALREADY_CONNECTED`.
 */
export class MsbRegistrationError extends MsbError {
  constructor(
    readonly status: StatusCode,
    readonly uuid: string,
    /** The server's own words, when it gave any. */
    readonly reason?: string,
  ) {
    super(`The MSB refused the registration of service ${uuid}: ${status}${reason ? ` (${reason})` : ''}; ${LIKELY_CAUSES[status] ?? 'see the MSB log'}`);
  }
}

const LIKELY_CAUSES: Readonly<Record<string, string>> = {
  NIO_ALREADY_CONNECTED: 'another live connection holds this uuid: is a second instance of this service running? Give each instance its own uuid',
  NIO_REGISTRATION_ERROR: 'likely causes: a wrong token for this uuid (brokers with strict tokens), the uuid registered by another owner, or a self-description the MSB cannot read; the MSB log says which',
  NIO_UNEXPECTED_REGISTRATION_ERROR: 'the MSB failed internally while registering; the service tries again',
};

/** The connection could not be made or was lost, or the service did not register in time. */
export class MsbConnectionError extends MsbError {}

/** An event was emitted with `cached: false` (or with the cache off) while the service is not registered. */
export class MsbOfflineError extends MsbError {
  constructor(readonly eventId: string) {
    super(`Event ${eventId} was not sent: the service is not registered with the MSB and the event cache is off for it`);
  }
}

/** The app was closed; it sends and accepts nothing more. */
export class MsbClosedError extends MsbError {}

/** The MSB refused a published event (`NIO_EVENT_FORWARDING_ERROR` or `NIO_UNEXPECTED_EVENT_FORWARDING_ERROR`). */
export class MsbPublishError extends MsbError {
  constructor(
    /** The MSB's answer, or `CLOSED_1009_MESSAGE_TOO_BIG` when the server closed the connection for the event twice. */
    readonly status: StatusCode | 'CLOSED_1009_MESSAGE_TOO_BIG',
    readonly eventId: string,
    readonly correlationId?: string,
  ) {
    super(`The MSB refused event ${eventId}${correlationId ? ` (correlationId ${correlationId})` : ''}: ${status}`);
  }
}

/** A function call could not be handled: unknown function, a handler that threw or timed out, a bad response. */
export class MsbFunctionError extends MsbError {
  constructor(
    readonly functionId: string,
    readonly correlationId: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`Function ${functionId}${correlationId ? ` (correlationId ${correlationId})` : ''}: ${message}`);
    if (options && 'cause' in options) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** A message from the MSB could not be understood; it was dropped and the connection kept. */
export class MsbProtocolError extends MsbError {}

/**
 * A change of a `@ConfigParam` (a `K` message or `setConfig`) named an unknown parameter or a value
 * that does not fit its type or rules; the old value stays.
 */
export class MsbConfigParamError extends MsbError {
  constructor(
    readonly parameter: string,
    reason: string,
  ) {
    super(`Configuration parameter ${parameter}: ${reason}`);
  }
}

/** The durable outbox could not be read or written (disk full, read-only, no permission). */
export class MsbOutboxError extends MsbError {}

/**
 * An event was dropped from the offline cache, which was full while the service was not
 * registered (the oldest never-sent event goes first). Rejects `emit(value, { acknowledged: true })`.
 */
export class MsbDroppedError extends MsbError {
  constructor(
    readonly eventId: string,
    readonly correlationId: string | undefined,
    /** The event's sequence number in this process. */
    readonly seq: number,
  ) {
    super(`Event ${eventId}${correlationId ? ` (correlationId ${correlationId})` : ''} #${seq} was dropped: the offline event cache was full`);
  }
}

/** Something the caller waited for did not happen in time (for example `app.flush(timeoutMs)`). */
export class MsbTimeoutError extends MsbError {}

/** A lifecycle hook (`@OnRegistered`, `@OnDisconnected`, `@OnClose`) threw or rejected; the service went on. */
export class MsbHookError extends MsbError {
  constructor(
    readonly className: string,
    readonly method: string,
    readonly hook: 'registered' | 'disconnected' | 'close',
    reason: string,
    options?: { cause?: unknown },
  ) {
    const name = hook === 'registered' ? 'OnRegistered' : hook === 'disconnected' ? 'OnDisconnected' : 'OnClose';
    super(`@${name} ${className}.${method} failed: ${reason}`);
    if (options && 'cause' in options) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** @deprecated renamed {@link MsbOptionsError} (bad options), easy to confuse with {@link MsbConfigParamError}. */
export const MsbConfigurationError = MsbOptionsError;
/** @deprecated renamed {@link MsbOptionsError}. */
export type MsbConfigurationError = MsbOptionsError;
/** @deprecated renamed {@link MsbConfigParamError} (a rejected configuration parameter change). */
export const MsbConfigError = MsbConfigParamError;
/** @deprecated renamed {@link MsbConfigParamError}. */
export type MsbConfigError = MsbConfigParamError;
