import type { Logger } from '../lib';

/** Warnings and errors still show (a benchmark that hides them would hide a broken run). */
export const quietLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string) => console.warn(`[bench client] ${m}`),
  error: (m: string) => console.error(`[bench client] ${m}`),
};
