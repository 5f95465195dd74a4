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

/** The identity of a service (uuid, token, …) could not be resolved from any source. */
export class MsbConfigurationError extends MsbError {}
