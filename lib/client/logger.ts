/** Anything with these four methods can be the logger: console, pino, winston … */
export interface Logger {
  debug(message: string, ...meta: unknown[]): void;
  info(message: string, ...meta: unknown[]): void;
  warn(message: string, ...meta: unknown[]): void;
  error(message: string, ...meta: unknown[]): void;
}

const noop = (): void => {};

/**
 * The default: warnings and errors, and the few lines a person wants to see (registered,
 * re-registered after a loss, configuration changed), to the console; no line per event.
 */
export const defaultLogger: Logger = {
  debug: noop,
  info: (message, ...meta) => console.info(`[msb] ${message}`, ...meta),
  warn: (message, ...meta) => console.warn(`[msb] ${message}`, ...meta),
  error: (message, ...meta) => console.error(`[msb] ${message}`, ...meta),
};
