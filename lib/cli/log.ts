import type { BrokerLogger } from '../broker';

/** A readable live log for the terminal: time, level, message. Debug lines only when verbose. */
export function consoleLog(verbose: boolean, write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): BrokerLogger {
  const line = (level: string) => (message: string) => {
    const t = new Date().toISOString().slice(11, 23);
    write(`${t} ${level.padEnd(5)} ${message}`);
  };
  return {
    debug: verbose ? line('debug') : () => undefined,
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
  };
}
