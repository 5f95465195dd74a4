import { EventEmitter } from 'node:events';
import { PONG, Status, encodeRegistration, parseServerMessage } from '../protocol';
import type { ConfigurationMessage, FunctionCallMessage, ServerMessage, StatusCode } from '../protocol';
import type { EmitOptions } from '../decorators/event';
import type { LoadedService, SelfDescription } from '../metadata/self-description';
import {
  MsbClosedError, MsbConnectionError, MsbError, MsbOfflineError, MsbProtocolError, MsbPublishError,
  MsbRegistrationError, MsbValidationError,
} from '../errors';
import { Backoff } from './backoff';
import { Connection, describeReconnect } from './connection';
import type { CloseInfo, ConnectionOptions } from './connection';
import { ServiceRuntime } from './service-runtime';
import type { EncodedEvent, RuntimeOptions, ServiceHost } from './service-runtime';
import { ServiceSet, loadSubService } from './service-set';
import type { SubService } from './service-set';
import type { OutboxCounters, OutboxLimits } from './outbox';
import type { LoggedEvent, OutboxLog } from './outbox-log';
import { Publisher } from './publisher';
import type { DroppedEventInfo, ServiceCounters } from './publisher';
import type { BootstrapOptions } from './options';

/** Where the service stands with the MSB. */
export type AppState = 'disconnected' | 'connecting' | 'connected' | 'registered' | 'closed';

/** A function call as it arrived. */
export interface FunctionCallInfo {
  functionId: string;
  correlationId?: string;
  /** The gateway sub-service called; absent for the main service. */
  uuid?: string;
  parameters: Record<string, unknown>;
}

/** The events of {@link MsbApp}. */
export interface MsbAppEvents {
  /** The MSB accepted the registration (after every (re)connect and re-registration). */
  registered: [];
  /** The connection was lost; `reconnectInMs` says when the next attempt is, if any. */
  disconnected: [info: { code: number; reason: string; reconnectInMs?: number }];
  /** Something failed without stopping the service: a refused event, a bad call, a throwing handler … */
  error: [error: MsbError];
  /** A function call arrived (before its handler runs). */
  functionCall: [call: FunctionCallInfo];
  /** Configuration parameters changed; keys are property names. `uuid` names a gateway sub-service. */
  configChanged: [changes: Record<string, unknown>, uuid?: string];
  /** Every state change. */
  stateChange: [state: AppState];
  /** An event was dropped from the full offline cache (never while registered), or was not sent for a removed gateway sub-service. */
  dropped: [event: DroppedEventInfo];
}

/** Delivery counters plus connection counts. */
export interface AppCounters extends OutboxCounters {
  reconnects: number;
  registrations: number;
}

type InternalOptions = RuntimeOptions & Required<Pick<BootstrapOptions, 'closeTimeoutMs' | 'ackTimeoutMs'>> & {
  cacheEnabled: boolean;
  /** The offline cache and in-flight window bounds. */
  limits: OutboxLimits;
  /** Bytes handed to the socket but not yet written out, above which sending pauses. */
  highWaterMark: number;
  /** How long the MSB may take to answer a registration before the service connects anew. */
  registrationAnswerTimeoutMs: number;
  durable?: { log: OutboxLog; events: LoggedEvent[] };
  connection: ConnectionOptions;
  signal?: AbortSignal;
  /** Signals that close the app (then raised again, so that the process ends as it would have). */
  closeOnSignals: readonly NodeJS.Signals[];
};

const IO_CONNECTED_GRACE_MS = 2000;
const REGISTRATION_STATUSES = new Set<string>([Status.NIO_REGISTRATION_ERROR, Status.NIO_UNEXPECTED_REGISTRATION_ERROR, Status.NIO_ALREADY_CONNECTED]);
const PUBLISH_REFUSALS = new Set<string>([Status.NIO_EVENT_FORWARDING_ERROR, Status.NIO_UNEXPECTED_EVENT_FORWARDING_ERROR]);

/**
 * A running MSB service: the instance, its connection, its event outbox and its dispatch.
 * Made by `bootstrap`; owns all the run-time state.
 */
export class MsbApp<T extends object = object> {
  /** The service instance; its `@Event` properties are emitters, its `@ConfigParam` properties current values. */
  readonly instance: T;
  private currentState: AppState = 'disconnected';
  private readonly emitter = new EventEmitter();
  private readonly connection: Connection;
  private readonly publisher: Publisher;
  private readonly services: ServiceSet;
  private readonly host: ServiceHost;
  private registrationPending = false;
  private graceTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private answerTimer?: NodeJS.Timeout;
  private readonly registrationBackoff: Backoff;
  private closing?: Promise<void>;
  private reconnects = 0;
  private registrations = 0;
  private lastConnectionProblem?: string;
  /** Connection attempts that failed since the last open socket. */
  private failedAttempts = 0;
  /** When the registered service lost its connection (for the log line at re-registration). */
  private lostAt?: number;
  private readonly abortListener = (): void => void this.close();
  private readonly signalListeners = new Map<NodeJS.Signals, () => void>();
  /** Gateway sub-services removed: their events still waiting are never sent. */
  private readonly removedServices = new Set<string>();

  /** @internal use `bootstrap` */
  constructor(loaded: LoadedService, subServices: readonly LoadedService[], private readonly options: InternalOptions) {
    this.host = {
      send: (event) => this.send(event),
      report: (error) => this.report(error),
      configChanged: (service, changes) => {
        this.emitter.emit('configChanged', changes, ...(service !== this.services.main ? [service.uuid] : []));
        // The MSB shows the values from the last registration, so tell it the new ones.
        if (this.connection.isOpen && (this.currentState === 'registered' || this.currentState === 'connected')) this.register();
      },
    };
    this.services = new ServiceSet(new ServiceRuntime(loaded, this.host, options));
    for (const sub of subServices) {
      this.services.check(sub);
      this.services.add(new ServiceRuntime(sub, this.host, options));
    }
    this.instance = this.services.main.instance as T;
    this.publisher = new Publisher(
      {
        send: (message, onWritten) => this.connection.send(message, onWritten),
        isOpen: () => this.connection.isOpen,
        logger: options.logger,
        report: (error) => this.report(error),
        dropped: (info) => this.emitter.emit('dropped', info),
      },
      { limits: options.limits, highWaterMark: options.highWaterMark, ackTimeoutMs: options.ackTimeoutMs, durable: options.durable },
    );
    if (loaded.identity.kind === 'Gateway') this.publisher.countPerService();
    if (options.durable && options.durable.events.length > 0) {
      options.logger.info(`Restored ${options.durable.events.length} events from the durable outbox; they are sent first`);
    }
    this.connection = new Connection({ ...options.connection, eventsWaiting: () => this.publisher.pending > 0 });
    this.registrationBackoff = new Backoff(options.connection.reconnect === false ? {} : options.connection.reconnect);
    this.connection.on('connecting', () => this.setState('connecting'));
    this.connection.on('open', () => this.onOpen());
    this.connection.on('message', (text) => this.onMessage(text));
    this.connection.on('close', (info) => this.onClose(info));
    options.signal?.addEventListener('abort', this.abortListener, { once: true });
  }

  /** The service's uuid. */
  get uuid(): string {
    return this.identity.uuid;
  }

  private get identity(): LoadedService['identity'] {
    return this.services.main.identity;
  }

  get state(): AppState {
    return this.currentState;
  }

  /** Subscribes to an app event. */
  on<K extends keyof MsbAppEvents>(event: K, listener: (...args: MsbAppEvents[K]) => void): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  /** Subscribes to the next occurrence of an app event. */
  once<K extends keyof MsbAppEvents>(event: K, listener: (...args: MsbAppEvents[K]) => void): this {
    this.emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  /** Unsubscribes. */
  off<K extends keyof MsbAppEvents>(event: K, listener: (...args: MsbAppEvents[K]) => void): this {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  /** The self-description as it is sent now (current configuration values included). */
  selfDescription(): SelfDescription {
    return this.services.selfDescription();
  }

  /** The instance of a gateway sub-service (or of the main service) by uuid; undefined for an unknown uuid. */
  serviceInstance<S extends object = object>(uuid: string): S | undefined {
    return this.services.get(uuid)?.instance as S | undefined;
  }

  /**
   * Adds a sub-service to this gateway at run time: a decorated class (made with its no-argument
   * constructor) or an instance. It is read and checked as `bootstrap` reads a service, then the
   * gateway registers once more with it. Returns the sub-service's instance.
   * @throws {MsbDeclarationError} for a wrongly declared service; {@link MsbOptionsError} when
   * this app is no gateway or the uuid is taken; {@link MsbClosedError} after `close()`.
   */
  addService<S extends object>(service: new () => S): S;
  /** Adds a sub-service instance (a class whose constructor takes arguments is given this way). */
  addService<S extends object>(instance: S extends Function ? never : S): S;
  addService<S extends object>(service: (new () => S) | S): S {
    if (this.closing) throw new MsbClosedError('addService(): the app is closing');
    const loaded = loadSubService(service as SubService);
    this.services.check(loaded);
    const runtime = new ServiceRuntime(loaded, this.host, this.options);
    this.services.add(runtime);
    this.removedServices.delete(runtime.uuid);
    this.options.logger.info(`Gateway ${this.identity.name}: added ${loaded.identity.name} (${loaded.identity.uuid})`);
    this.reRegister();
    return runtime.instance as S;
  }

  /**
   * Removes a sub-service from this gateway: its emits are refused from now on, its
   * `@OnClose` hooks and running calls are awaited, the events it already emitted are delivered
   * (within `closeTimeoutMs`), then the gateway registers once more without it.
   * Resolves false when no sub-service has this uuid.
   */
  async removeService(uuid: string): Promise<boolean> {
    const runtime = this.services.get(uuid);
    if (!runtime || runtime === this.services.main) return false;
    await runtime.runHooks('close');
    runtime.stop(`service ${uuid} was removed from the gateway`);
    await runtime.idle();
    // Events of a service the MSB no longer lists would be refused: deliver them while it still does.
    await this.publisher.flush(this.options.closeTimeoutMs || undefined).catch((e: MsbError) => this.report(e));
    this.services.remove(uuid);
    this.removedServices.add(uuid);
    this.discardRemoved();
    this.options.logger.info(`Gateway ${this.identity.name}: removed ${runtime.identity.name} (${uuid})`);
    this.reRegister();
    return true;
  }

  private discardRemoved(): void {
    if (this.removedServices.size === 0) return;
    this.publisher.discardServices(this.removedServices);
    // Nothing pending at all: no event of a removed service can turn up again.
    if (this.publisher.pending === 0) this.removedServices.clear();
  }

  private reRegister(): void {
    if (this.connection.isOpen && !this.closing) this.register();
  }

  /** Delivery and connection counters (of the whole connection: a gateway's sub-services included). */
  counters(): AppCounters {
    return { ...this.publisher.counters(), reconnects: this.reconnects, registrations: this.registrations };
  }

  /**
   * A gateway's delivery counters of one of its services (the gateway's own uuid or a sub-service's):
   * events accepted, acknowledged, refused, dropped, waiting and in flight. Undefined for a uuid that
   * is no service of this gateway, and for a plain service (use `counters()`).
   */
  serviceCounters(uuid: string): ServiceCounters | undefined {
    if (this.identity.kind !== 'Gateway' || !this.services.get(uuid)) return undefined;
    return this.publisher.serviceCounters(uuid);
  }

  /**
   * Resolves once every event accepted so far is finished: acknowledged by the MSB (or written
   * to the open socket, when the MSB does not acknowledge), refused or dropped; refusals and
   * drops are reported as they happen (`error`, `dropped`). Waits across reconnects.
   * @throws (rejects) {@link MsbTimeoutError} after `timeoutMs`; {@link MsbClosedError} when the app closes first.
   */
  flush(timeoutMs?: number): Promise<void> {
    if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs >= 0 && Number.isFinite(timeoutMs))) {
      return Promise.reject(new MsbValidationError('flush()', [`timeoutMs must be a non-negative number, got ${JSON.stringify(timeoutMs)}`]));
    }
    return this.publisher.flush(timeoutMs);
  }

  /**
   * Publishes an event by id; the same as `instance.<property>.emit(value, options)`.
   * @throws (rejects) {@link MsbValidationError} for a value that does not fit the event's data format.
   */
  publish(eventId: string, value?: unknown, options: EmitOptions = {}): Promise<void> {
    return this.services.main.publish(eventId, value, options);
  }

  /**
   * Changes a configuration parameter locally, as an MSB `K` message would: the property is
   * updated, `@OnConfigChange` and `configChanged` run, and the service re-registers.
   * @throws (rejects) {@link MsbConfigParamError} for an unknown name or a value that does not fit.
   */
  async setConfig(name: string, value: unknown): Promise<void> {
    const { rejected } = await this.services.main.configure({ [name]: value }, 'setConfig');
    if (rejected.length > 0) throw rejected[0];
  }

  /**
   * Stops the service: no more reconnects; waits up to `closeTimeoutMs` for queued events to
   * be sent and acknowledged and for running calls to finish; then closes the socket. Leaves
   * no timers or sockets behind. Safe to call more than once.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = this.shutdown();
    return this.closing;
  }

  /** @internal starts connecting; used by `bootstrap`. */
  start(): void {
    for (const signal of this.options.closeOnSignals) {
      const listener = (): void => {
        this.options.logger.info(`${signal} received: closing`);
        void this.close().then(() => {
          // Without our listener the signal ends the process as it would have without us.
          if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
        });
      };
      this.signalListeners.set(signal, listener);
      process.once(signal, listener);
    }
    this.connection.start();
  }

  /** @internal resolves at the first registration; rejects on a refusal, a timeout or close. */
  waitForRegistration(timeoutMs: number): Promise<void> {
    if (this.currentState === 'registered') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.off('registered', onRegistered);
        this.off('error', onError);
        this.off('stateChange', onState);
      };
      const onRegistered = () => { cleanup(); resolve(); };
      const onError = (e: MsbError) => {
        if (e instanceof MsbRegistrationError || e instanceof MsbConnectionError) { cleanup(); reject(e); }
      };
      const onState = (s: AppState) => {
        if (s === 'closed') { cleanup(); reject(new MsbClosedError('The app was closed before it registered')); }
      };
      const timer = setTimeout(() => {
        cleanup();
        const last = this.lastConnectionProblem ? ` (last problem: ${this.lastConnectionProblem})` : '';
        reject(new MsbConnectionError(`Service ${this.identity.uuid} did not register with the MSB at ${this.options.connection.url} within ${timeoutMs} ms${last}`));
      }, timeoutMs);
      this.on('registered', onRegistered);
      this.on('error', onError);
      this.on('stateChange', onState);
    });
  }

  // ---- publishing ------------------------------------------------------------------------

  private send(event: EncodedEvent): Promise<void> {
    if (this.currentState !== 'registered' && (!event.cached || !this.options.cacheEnabled)) return Promise.reject(new MsbOfflineError(event.eventId));
    return this.publisher.accept(event.eventId, event.correlationId, event.message, event.acknowledged);
  }

  // ---- connection lifecycle -----------------------------------------------------------------

  private setState(state: AppState): void {
    if (this.currentState === state || this.currentState === 'closed') return;
    this.currentState = state;
    this.emitter.emit('stateChange', state);
  }

  private onOpen(): void {
    this.failedAttempts = 0;
    this.publisher.opened();
    this.setState('connected');
    // IO_CONNECTED should follow at once; some servers skip it, so register anyway after a grace period.
    this.graceTimer = setTimeout(() => {
      this.options.logger.debug('No IO_CONNECTED from the MSB; registering anyway');
      this.register();
    }, IO_CONNECTED_GRACE_MS);
  }

  private onClose(info: CloseInfo): void {
    clearTimeout(this.graceTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.answerTimer);
    this.registrationPending = false;
    const wasOpen = this.currentState === 'connected' || this.currentState === 'registered';
    if (this.currentState === 'registered') this.lostAt = Date.now();
    this.publisher.lost(info.code);
    if (this.closing) return;
    this.setState('disconnected');
    if (info.reconnectInMs !== undefined) this.reconnects++;
    const url = this.options.connection.url;
    if (wasOpen) this.options.logger.warn(`Lost the MSB connection (${info.code}${info.reason ? ` ${info.reason}` : ''})${info.reconnectInMs !== undefined ? `; reconnecting in ${info.reconnectInMs} ms` : ''}`);
    else if (this.failedAttempts++ === 0 && info.reconnectInMs !== undefined) {
      // Once per run of failures: a broker that is down must not go unnoticed, nor fill the log.
      this.options.logger.warn(`Cannot connect to the MSB at ${url}${info.reason ? ` (${info.reason})` : ''}; ${describeReconnect(this.options.connection.reconnect)}, first in ${info.reconnectInMs} ms`);
    } else this.options.logger.debug(`Could not connect to the MSB (${info.code} ${info.reason})`);
    if (info.reason) this.lastConnectionProblem = info.reason;
    this.emitter.emit('disconnected', info);
    const hookInfo = { code: info.code, reason: info.reason, ...(info.reconnectInMs !== undefined ? { reconnectInMs: info.reconnectInMs } : {}) };
    // A loss, not each failed attempt to reconnect: the hook hears once per connection.
    if (wasOpen) for (const s of this.services.all()) void s.runHooks('disconnected', hookInfo);
    if (info.httpStatus !== undefined) {
      this.report(new MsbConnectionError(`The MSB at ${url} refused the websocket upgrade with HTTP ${info.httpStatus}; is this the MSB's websocket interface (for example ws://host:8085)? Not retried`));
    } else if (info.reconnectInMs === undefined) {
      this.report(new MsbConnectionError(`${wasOpen ? 'Lost the connection to' : 'Cannot connect to'} the MSB at ${url} and reconnecting is off${info.reason ? `: ${info.reason}` : ''}`));
    }
  }

  private register(): void {
    clearTimeout(this.graceTimer);
    if (!this.connection.isOpen || this.closing) return;
    this.registrationPending = true;
    // The self-description holds the token: it is sent, never logged.
    this.connection.send(encodeRegistration(this.services.selfDescription()));
    this.options.logger.debug(`Registering service ${this.identity.uuid}`);
    // A server that never answers would leave the service connected and silent for good.
    clearTimeout(this.answerTimer);
    this.answerTimer = setTimeout(() => {
      if (!this.registrationPending || this.closing) return;
      this.options.logger.warn(`The MSB did not answer the registration of ${this.identity.uuid} within ${this.options.registrationAnswerTimeoutMs} ms; connecting anew`);
      this.connection.drop('no answer to the registration');
    }, this.options.registrationAnswerTimeoutMs);
  }

  private onMessage(text: string): void {
    let message: ServerMessage;
    try {
      message = parseServerMessage(text, { maxLength: this.options.connection.maxMessageBytes });
    } catch (e) {
      this.report(new MsbProtocolError(`Ignoring a message from the MSB that cannot be understood: ${(e as Error).message}`));
      return;
    }
    switch (message.type) {
      case 'status': this.onStatus(message.status); break;
      case 'ping': this.connection.send(PONG); break;
      case 'call': this.onCall(message.call); break;
      case 'config': void this.onConfiguration(message.config); break;
    }
  }

  private onStatus(status: StatusCode): void {
    if (status === Status.IO_CONNECTED) {
      this.register();
    } else if (status === Status.IO_REGISTERED) {
      this.registrationPending = false;
      clearTimeout(this.answerTimer);
      this.registrationBackoff.reset();
      this.registrations++;
      this.connection.resetBackoff();
      this.setState('registered');
      const waiting = this.publisher.pending;
      if (this.registrations === 1) this.options.logger.info(`Registered ${this.identity.name} (${this.identity.uuid}) at ${this.options.connection.url}`);
      else if (this.lostAt !== undefined) {
        const offline = ((Date.now() - this.lostAt) / 1000).toFixed(1);
        this.options.logger.info(`Re-registered ${this.identity.name} after ${offline} s offline; ${waiting.toLocaleString('en')} cached events sent`);
      } else this.options.logger.debug(`Registered ${this.identity.uuid} again`);
      this.lostAt = undefined;
      this.emitter.emit('registered');
      // Events of a removed sub-service that were put back after a connection loss.
      this.discardRemoved();
      this.publisher.registered();
      for (const s of this.services.all()) void s.runHooks('registered');
    } else if (REGISTRATION_STATUSES.has(status)) {
      this.registrationPending = false;
      clearTimeout(this.answerTimer);
      this.setState('connected');
      this.publisher.unregistered();
      this.report(new MsbRegistrationError(status, this.identity.uuid));
      this.scheduleRegistrationRetry();
    } else if (status === Status.IO_PUBLISHED) {
      this.publisher.published();
    } else if (PUBLISH_REFUSALS.has(status)) {
      this.publisher.refused(status);
    } else if (status === Status.NIO_UNAUTHORIZED_CONNECTION) {
      // The MSB does not count this connection as registered: register anew, then resend.
      this.setState('connected');
      this.publisher.unauthorized();
      this.report(new MsbPublishError(status, '(in flight)'));
      if (!this.registrationPending) this.register();
    } else {
      this.options.logger.debug(`MSB status ${status}`);
    }
  }

  private scheduleRegistrationRetry(): void {
    if (this.closing || this.options.connection.reconnect === false) return;
    // Retry on the same socket with the reconnect timing: no reconnect storm.
    const delay = this.registrationBackoff.next();
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.register(), delay);
  }

  // ---- configuration ------------------------------------------------------------------------

  private onCall(call: FunctionCallMessage): void {
    const service = this.services.get(call.uuid);
    if (!service) {
      this.options.logger.warn(`Ignoring a call of ${call.functionId} addressed to service ${call.uuid}, not to this one${this.identity.kind === 'Gateway' ? ' nor to a sub-service' : ''}`);
      return;
    }
    this.emitter.emit('functionCall', { functionId: call.functionId, correlationId: call.correlationId, parameters: call.functionParameters, ...(service !== this.services.main ? { uuid: service.uuid } : {}) });
    void service.call(call);
  }

  private async onConfiguration(k: ConfigurationMessage): Promise<void> {
    const service = this.services.get(k.uuid);
    if (!service) {
      this.options.logger.warn(`Ignoring a configuration message for service ${k.uuid}, not for this one${this.identity.kind === 'Gateway' ? ' nor for a sub-service' : ''}`);
      return;
    }
    await service.configure(k.params, 'MSB');
  }

  // ---- errors and shutdown ------------------------------------------------------------------

  private report(error: MsbError): void {
    this.options.logger.error(error.message);
    // An 'error' event without listeners would throw and take the process down.
    if (this.emitter.listenerCount('error') > 0) this.emitter.emit('error', error);
  }

  private async shutdown(): Promise<void> {
    this.options.signal?.removeEventListener('abort', this.abortListener);
    clearTimeout(this.graceTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.answerTimer);
    for (const [signal, listener] of this.signalListeners) process.off(signal, listener);
    const services = this.services.all();
    const stop = (): void => { for (const s of services) s.stop('the app is closing'); };
    const withHooks = services.filter((s) => s.model.lifecycle.close.length > 0);
    // Without @OnClose hooks an emit after close() is refused at once; with them, the hooks may still emit.
    if (withHooks.length === 0) stop();
    const deadline = this.options.closeTimeoutMs;
    if (deadline > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, deadline); });
      // Running calls may still publish their response events: wait for them, then for delivery.
      const drained = Promise.all(withHooks.map((s) => s.runHooks('close')))
        .then(() => { stop(); return Promise.all(services.map((s) => s.idle())); })
        .then(() => this.publisher.flush())
        .catch(() => undefined);
      await Promise.race([drained, timeout]);
      clearTimeout(timer);
    }
    stop();
    await this.connection.close();
    const left = await this.publisher.close();
    if (left.length > 0) {
      if (this.publisher.durable) this.options.logger.info(`Closed with ${left.length} events not yet delivered; the durable outbox sends them at the next start`);
      else this.options.logger.warn(`Closed with ${left.length} events not delivered to the MSB`);
    }
    this.setState('closed');
  }
}
