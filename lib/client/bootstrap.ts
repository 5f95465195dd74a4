import { loadService } from '../metadata/self-description';
import { normalizeMsbUrl } from '../protocol';
import { MsbOptionsError } from '../errors';
import { MsbApp } from './app';
import { defaultLogger } from './logger';
import { appOptions } from './app-options';
import type { DurableOutbox } from './app-options';
import { OutboxLog } from './outbox-log';
import type { BootstrapOptions } from './options';
import { duration, givenInstance } from './service-options';
import type { ServiceClass } from './service-options';
import { loadSubService } from './service-set';

const SIGNALS = new Set(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGBREAK', 'SIGUSR1', 'SIGUSR2']);

/**
 * Starts an annotated class as a live MSB service: reads its declaration, creates the
 * instance (unless `options.instance` or `options.factory` gives it), connects, registers, and
 * from then on publishes its events and routes calls and configuration changes to it. A
 * `@Gateway` registers the sub-services of `options.services` with it, over the one connection.
 *
 * @throws {MsbDeclarationError} when the class is declared wrongly (all problems at once).
 * @throws {MsbOptionsError} for missing or malformed options (no URL, a factory that throws or
 * gives no instance of the class, sub-services for a class that is no gateway, …).
 * @throws {MsbRegistrationError} when the MSB refuses the registration (with `waitForRegistration`).
 * @throws {MsbConnectionError} when no registration happened within `registrationTimeoutMs`.
 *
 * @example
 * ```ts
 * const app = await bootstrap(Drill, { url: 'ws://localhost:8085' });
 * await app.instance.temperature.emit(21.5);
 * ```
 */
export async function bootstrap<T extends object>(ServiceClass: new () => T, options?: BootstrapOptions<T>): Promise<MsbApp<T>>;
/**
 * Starts a class whose constructor takes arguments: its instance comes from `options.instance`
 * or `options.factory` (a DI container, a constructor call with the dependencies).
 */
export async function bootstrap<T extends object>(
  ServiceClass: ServiceClass<T>,
  options: BootstrapOptions<T> & ({ instance: T } | { factory: () => T | Promise<T> }),
): Promise<MsbApp<T>>;
export async function bootstrap<T extends object>(ServiceClass: ServiceClass<T>, options: BootstrapOptions<T> = {}): Promise<MsbApp<T>> {
  const instance = await givenInstance(ServiceClass, options);
  const loaded = loadService(ServiceClass, { ...options, instance });
  const { model, identity } = loaded;
  if (options.services !== undefined && !Array.isArray(options.services)) throw new MsbOptionsError('Option services must be an array of service classes or instances');
  const subServices = (options.services ?? []).map(loadSubService);
  if (subServices.length > 0 && identity.kind !== 'Gateway') {
    throw new MsbOptionsError(`Option services: ${model.className} is not a @Gateway, so it cannot have sub-services (make it one with @Gateway or MSB_TYPE=Gateway)`);
  }
  const closeOnSignals = options.closeOnSignals ?? [];
  if (!Array.isArray(closeOnSignals) || closeOnSignals.some((sig) => !SIGNALS.has(sig))) {
    throw new MsbOptionsError(`Option closeOnSignals must list signals among ${[...SIGNALS].join(', ')}, got ${JSON.stringify(options.closeOnSignals)}`);
  }

  const rawUrl = options.url ?? identity.url;
  if (!rawUrl) throw new MsbOptionsError(`No MSB url for ${model.className}: pass options.url, or set msb.url or MSB_URL`);
  let url: string;
  try {
    url = normalizeMsbUrl(rawUrl);
  } catch (e) {
    throw new MsbOptionsError((e as Error).message);
  }
  if (options.tls?.rejectUnauthorized === false) {
    (options.logger ?? defaultLogger).warn('TLS certificate and hostname checks are OFF (tls.rejectUnauthorized: false); use this for testing only');
  }
  // Every option is checked before the durable outbox opens its file, so a bad one leaves nothing open.
  const resolved = appOptions(options, { url, closeOnSignals });
  const registrationTimeoutMs = duration('registrationTimeoutMs', options.registrationTimeoutMs, 30_000);
  const cache = options.eventCache;
  let durable: DurableOutbox | undefined;
  if (cache && cache.persist !== undefined) {
    if (typeof cache.persist !== 'string' || cache.persist === '') throw new MsbOptionsError('Option eventCache.persist must be a directory or a .log file path');
    try {
      const opened = OutboxLog.open(OutboxLog.pathFor(cache.persist, identity.uuid));
      durable = opened;
      if (opened.damagedLines > 0) {
        (options.logger ?? defaultLogger).warn(`The durable outbox had ${opened.damagedLines} damaged line(s) (a write torn by a crash or a full disk); they were skipped`);
      }
    } catch (e) {
      throw new MsbOptionsError((e as Error).message);
    }
  }
  const app = new MsbApp<T>(loaded, subServices, { ...resolved, durable });
  if (options.signal?.aborted) {
    await app.close();
    return app;
  }
  app.start();
  if (options.waitForRegistration !== false) {
    try {
      await app.waitForRegistration(registrationTimeoutMs);
    } catch (e) {
      await app.close();
      throw e;
    }
  }
  return app;
}
