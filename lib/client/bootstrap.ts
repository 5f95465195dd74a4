import { loadService } from '../metadata/self-description';
import { normalizeMsbUrl } from '../protocol';
import { MsbConfigurationError } from '../errors';
import { MsbApp } from './app';
import { defaultLogger } from './logger';
import { OutboxLog } from './outbox-log';
import type { LoggedEvent } from './outbox-log';
import type { BootstrapOptions } from './options';

function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new MsbConfigurationError(`Option ${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Starts an annotated class as a live MSB service: reads its declaration, creates the
 * instance (unless `options.instance` is given), connects, registers, and from then on
 * publishes its events and routes calls and configuration changes to it.
 *
 * @throws {MsbDeclarationError} when the class is declared wrongly (all problems at once).
 * @throws {MsbConfigurationError} for missing or malformed options (no URL, …).
 * @throws {MsbRegistrationError} when the MSB refuses the registration (with `waitForRegistration`).
 * @throws {MsbConnectionError} when no registration happened within `registrationTimeoutMs`.
 *
 * @example
 * ```ts
 * const app = await bootstrap(Drill, { url: 'ws://localhost:8085' });
 * await app.instance.temperature.emit(21.5);
 * ```
 */
export async function bootstrap<T extends object>(ServiceClass: new () => T, options: BootstrapOptions<T> = {}): Promise<MsbApp<T>> {
  const loaded = loadService(ServiceClass, options);
  const { model, identity, config } = loaded;
  const instance = loaded.instance as T;

  const rawUrl = options.url ?? identity.url;
  if (!rawUrl) throw new MsbConfigurationError(`No MSB url for ${model.className}: pass options.url, or set msb.url or MSB_URL`);
  let url: string;
  try {
    url = normalizeMsbUrl(rawUrl);
  } catch (e) {
    throw new MsbConfigurationError((e as Error).message);
  }
  if (options.tls?.rejectUnauthorized === false) {
    (options.logger ?? defaultLogger).warn('TLS certificate and hostname checks are OFF (tls.rejectUnauthorized: false); use this for testing only');
  }
  const cache = options.eventCache;
  let durable: { log: OutboxLog; events: LoggedEvent[] } | undefined;
  if (cache && cache.persist !== undefined) {
    if (typeof cache.persist !== 'string' || cache.persist === '') throw new MsbConfigurationError('Option eventCache.persist must be a directory or a .log file path');
    try {
      const opened = OutboxLog.open(OutboxLog.pathFor(cache.persist, identity.uuid));
      durable = opened;
      if (opened.damagedLines > 0) {
        (options.logger ?? defaultLogger).warn(`The durable outbox had ${opened.damagedLines} damaged line(s) (a write torn by a crash or a full disk); they were skipped`);
      }
    } catch (e) {
      throw new MsbConfigurationError((e as Error).message);
    }
  }
  const app = new MsbApp<T>(model, identity, config, instance, {
    validate: options.validate !== false,
    maxConcurrentCalls: positive('maxConcurrentCalls', options.maxConcurrentCalls, 64),
    maxQueuedCalls: positive('maxQueuedCalls', options.maxQueuedCalls, 10_000, true),
    callTimeoutMs: positive('callTimeoutMs', options.callTimeoutMs, 30_000, true),
    closeTimeoutMs: positive('closeTimeoutMs', options.closeTimeoutMs, 5_000, true),
    ackTimeoutMs: positive('ackTimeoutMs', options.ackTimeoutMs, 10_000),
    logger: options.logger ?? defaultLogger,
    cacheEnabled: cache !== false,
    limits: {
      maxQueued: cache === false ? Infinity : positive('eventCache.size', cache?.size, Infinity),
      maxQueuedBytes: cache === false ? Infinity : positive('eventCache.maxBytes', cache?.maxBytes, 64 * 1024 * 1024),
      maxInFlight: positive('inFlight.maxEvents', options.inFlight?.maxEvents, 1000),
      maxInFlightBytes: positive('inFlight.maxBytes', options.inFlight?.maxBytes, 4 * 1024 * 1024),
    },
    registrationAnswerTimeoutMs: positive('registrationAnswerTimeoutMs', options.registrationAnswerTimeoutMs, 10_000),
    highWaterMark: positive('highWaterMark', options.highWaterMark, 1024 * 1024),
    maxEventBytes: positive('maxEventBytes', options.maxEventBytes, 1_000_000),
    durable,
    signal: options.signal,
    connection: {
      url,
      sockJsFraming: options.sockJsFraming !== false,
      tls: options.tls,
      heartbeatMs: positive('heartbeatMs', options.heartbeatMs, 20_000, true),
      reconnect: options.reconnect === false ? false : options.reconnect === true || options.reconnect === undefined ? {} : options.reconnect,
      maxMessageBytes: positive('maxMessageBytes', options.maxMessageBytes, 10 * 1024 * 1024),
      handshakeTimeoutMs: 10_000,
      logger: options.logger ?? defaultLogger,
    },
  });
  if (options.signal?.aborted) {
    await app.close();
    return app;
  }
  app.start();
  if (options.waitForRegistration !== false) {
    try {
      await app.waitForRegistration(positive('registrationTimeoutMs', options.registrationTimeoutMs, 30_000));
    } catch (e) {
      await app.close();
      throw e;
    }
  }
  return app;
}
