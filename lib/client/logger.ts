/** Anything with these four methods can be the logger: console, pino, winston … */
export interface Logger {
  debug(message: string, ...meta: unknown[]): void;
  info(message: string, ...meta: unknown[]): void;
  warn(message: string, ...meta: unknown[]): void;
  error(message: string, ...meta: unknown[]): void;
}

const noop = (): void => {};

/** The default: quiet but for warnings and errors, which go to the console. */
export const defaultLogger: Logger = {
  debug: noop,
  info: noop,
  warn: (message, ...meta) => console.warn(`[msb] ${message}`, ...meta),
  error: (message, ...meta) => console.error(`[msb] ${message}`, ...meta),
};

/** A logger that says nothing. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
