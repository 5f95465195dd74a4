/*
 * What the operator hears about the connection. A broker that is down must not go unnoticed, nor
 * fill the log: a loss is logged each time, a run of failed attempts once. A failure that no retry
 * follows becomes an error for the app to report.
 */
import { MsbConnectionError } from '../errors';
import type { ReconnectOptions } from './backoff';
import type { CloseInfo } from './connection';
import type { Logger } from './logger';

/** The reconnect plan, for messages: `500 ms, growing to 30000 ms`. */
export function describeReconnect(reconnect: ReconnectOptions | false): string {
  if (reconnect === false) return 'reconnecting is off';
  return `retrying with a growing delay from ${reconnect.initialDelayMs ?? 500} ms up to ${reconnect.maxDelayMs ?? 30_000} ms`;
}

export interface ConnectionLogOptions {
  url: string;
  reconnect: ReconnectOptions | false;
  logger: Logger;
}

export class ConnectionLog {
  /** Connection attempts that failed since the last open socket. */
  private failedAttempts = 0;
  /** Why the last socket closed or failed to open (for the registration timeout's message). */
  lastProblem?: string;

  constructor(private readonly options: ConnectionLogOptions) {}

  /** A socket opened: the run of failures is over. */
  opened(): void {
    this.failedAttempts = 0;
  }

  /** Logs a closed socket; `wasOpen`: a connection was lost, rather than an attempt failing. */
  closed(info: CloseInfo, wasOpen: boolean): void {
    const { logger, url, reconnect } = this.options;
    if (wasOpen) logger.warn(`Lost the MSB connection (${info.code}${info.reason ? ` ${info.reason}` : ''})${info.reconnectInMs !== undefined ? `; reconnecting in ${info.reconnectInMs} ms` : ''}`);
    else if (this.failedAttempts++ === 0 && info.reconnectInMs !== undefined) {
      logger.warn(`Cannot connect to the MSB at ${url}${info.reason ? ` (${info.reason})` : ''}; ${describeReconnect(reconnect)}, first in ${info.reconnectInMs} ms`);
    } else logger.debug(`Could not connect to the MSB (${info.code} ${info.reason})`);
    if (info.reason) this.lastProblem = info.reason;
  }

  /** The error for a close that no attempt follows; undefined when one does. */
  finalFailure(info: CloseInfo, wasOpen: boolean): MsbConnectionError | undefined {
    const url = this.options.url;
    if (info.httpStatus !== undefined) {
      return new MsbConnectionError(`The MSB at ${url} refused the websocket upgrade with HTTP ${info.httpStatus}; is this the MSB's websocket interface (for example ws://host:8085)? Not retried`);
    }
    if (info.reconnectInMs === undefined) {
      return new MsbConnectionError(`${wasOpen ? 'Lost the connection to' : 'Cannot connect to'} the MSB at ${url} and reconnecting is off${info.reason ? `: ${info.reason}` : ''}`);
    }
    return undefined;
  }
}
