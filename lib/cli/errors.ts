// The CLI's one error: main() prints its message as one line and exits with its code, so a
// command says what the user got wrong without a stack trace.
import { MsbError } from '../index';

/** A failure the user can act on: printed as one line, exit code 1 (2 for usage). */
export class CliError extends MsbError {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}
