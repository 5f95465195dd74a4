/*
 * The app's configuration: every option `bootstrap` takes, checked and with its default, in the
 * shape the app's parts use. One place for the defaults, so the README's options table has one
 * source to agree with.
 */
import type { ConnectionOptions } from './connection';
import { defaultLogger } from './logger';
import type { OutboxLimits } from './outbox';
import type { LoggedEvent, OutboxLog } from './outbox-log';
import type { BootstrapOptions } from './options';
import { MsbOptionsError } from '../errors';
import type { ReconnectOptions } from './backoff';
import { duration, positive, runtimeOptions } from './service-options';
import type { RuntimeOptions } from './service-runtime';

/** The durable outbox as opened by `bootstrap`, with the events it restored. */
export interface DurableOutbox {
  log: OutboxLog;
  events: LoggedEvent[];
}

/** The options of a running app, all set. */
export type AppOptions = RuntimeOptions & Required<Pick<BootstrapOptions, 'closeTimeoutMs' | 'ackTimeoutMs'>> & {
  cacheEnabled: boolean;
  /** The offline cache and in-flight window bounds. */
  limits: OutboxLimits;
  /** Bytes handed to the socket but not yet written out, above which sending pauses. */
  highWaterMark: number;
  /** How long the MSB may take to answer a registration before the service connects anew. */
  registrationAnswerTimeoutMs: number;
  durable?: DurableOutbox;
  connection: ConnectionOptions;
  signal?: AbortSignal;
  /** Signals that close the app (then raised again, so that the process ends as it would have). */
  closeOnSignals: readonly NodeJS.Signals[];
};

/** What `bootstrap` resolved before: the normalized url, the checked signals. */
export interface ResolvedOptions {
  url: string;
  closeOnSignals: readonly NodeJS.Signals[];
}

/** The app's options with their defaults. @throws {MsbOptionsError} for a malformed one. */
export function appOptions(options: BootstrapOptions<object>, resolved: ResolvedOptions): AppOptions {
  const cache = options.eventCache;
  return {
    ...runtimeOptions(options),
    closeOnSignals: resolved.closeOnSignals,
    closeTimeoutMs: duration('closeTimeoutMs', options.closeTimeoutMs, 5_000, true),
    ackTimeoutMs: duration('ackTimeoutMs', options.ackTimeoutMs, 10_000),
    cacheEnabled: cache !== false,
    limits: {
      maxQueued: cache === false ? Infinity : positive('eventCache.size', cache?.size, Infinity),
      maxQueuedBytes: cache === false ? Infinity : positive('eventCache.maxBytes', cache?.maxBytes, 64 * 1024 * 1024),
      maxInFlight: positive('inFlight.maxEvents', options.inFlight?.maxEvents, 1000),
      maxInFlightBytes: positive('inFlight.maxBytes', options.inFlight?.maxBytes, 4 * 1024 * 1024),
    },
    registrationAnswerTimeoutMs: duration('registrationAnswerTimeoutMs', options.registrationAnswerTimeoutMs, 10_000),
    highWaterMark: positive('highWaterMark', options.highWaterMark, 1024 * 1024),
    signal: options.signal,
    connection: {
      url: resolved.url,
      sockJsFraming: options.sockJsFraming !== false,
      tls: options.tls,
      heartbeatMs: duration('heartbeatMs', options.heartbeatMs, 20_000, true),
      reconnect: options.reconnect === false ? false : options.reconnect === true || options.reconnect === undefined ? {} : reconnectOptions(options.reconnect),
      maxMessageBytes: positive('maxMessageBytes', options.maxMessageBytes, 10 * 1024 * 1024),
      handshakeTimeoutMs: 10_000,
      logger: options.logger ?? defaultLogger,
    },
  };
}

/** The reconnect timing as given, checked (the defaults are the backoff's). */
function reconnectOptions(r: ReconnectOptions): ReconnectOptions {
  for (const key of ['initialDelayMs', 'maxDelayMs', 'maxDelayWhileEventsWaitMs'] as const) duration(`reconnect.${key}`, r[key], 1);
  const factor = positive('reconnect.factor', r.factor, 2);
  if (factor < 1) throw new MsbOptionsError(`Option reconnect.factor must be at least 1, got ${factor}`);
  const jitter = positive('reconnect.jitter', r.jitter, 0.5, true);
  if (jitter > 1) throw new MsbOptionsError(`Option reconnect.jitter must be a fraction from 0 to 1, got ${jitter}`);
  return r;
}
