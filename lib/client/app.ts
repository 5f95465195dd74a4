/*
 * The app a service's user holds: a thin facade that wires the parts (connection, registration,
 * publisher, services) and routes what arrives on the socket to them. The parts own the state and
 * the timers. One delivery rule stays here because it needs the app's state: while not
 * registered, an emit is refused unless it may be cached.
 */
import { EventEmitter } from 'node:events';
import { PONG, Status, parseServerMessage } from '../protocol';
import type { ConfigurationMessage, FunctionCallMessage, ServerMessage, StatusCode } from '../protocol';
import type { EmitOptions } from '../decorators/event';
import type { LoadedService, SelfDescription } from '../metadata/self-description';
import { MsbClosedError, MsbOfflineError, MsbProtocolError, MsbPublishError, MsbValidationError } from '../errors';
import type { MsbError } from '../errors';
import type { AppCounters, AppState, MsbAppEvents } from './app-events';
import type { AppOptions } from './app-options';
import { Connection } from './connection';
import type { CloseInfo } from './connection';
import { ConnectionLog } from './connection-log';
import { GatewayMembership } from './gateway';
import { Publisher } from './publisher';
import { Registration } from './registration';
import type { ServiceCounters } from './service-counters';
import { ServiceRuntime } from './service-runtime';
import type { EncodedEvent, ServiceHost } from './service-runtime';
import { ServiceSet } from './service-set';
import type { SubService } from './service-set';
import { closeOnSignals, drain, stopServices } from './shutdown';

const PUBLISH_REFUSALS = new Set<string>([Status.NIO_EVENT_FORWARDING_ERROR, Status.NIO_UNEXPECTED_EVENT_FORWARDING_ERROR]);

/**
 * A running MSB service: the instance, its connection, its event outbox and its dispatch.
 * Made by `bootstrap`.
 */
export class MsbApp<T extends object = object> {
  /** The service instance; its `@Event` properties are emitters, its `@ConfigParam` properties current values. */
  readonly instance: T;
  private readonly emitter = new EventEmitter();
  private readonly connection: Connection;
  private readonly connectionLog: ConnectionLog;
  private readonly registration: Registration;
  private readonly publisher: Publisher;
  private readonly services: ServiceSet;
  private readonly gateway: GatewayMembership;
  private readonly host: ServiceHost;
  private closing?: Promise<void>;
  private reconnects = 0;
  private readonly abortListener = (): void => void this.close();
  private uninstallSignals?: () => void;

  /** @internal use `bootstrap` */
  constructor(loaded: LoadedService, subServices: readonly LoadedService[], private readonly options: AppOptions) {
    this.host = {
      send: (event) => this.send(event),
      report: (error) => this.report(error),
      configChanged: (service, changes) => {
        this.emitter.emit('configChanged', changes, ...(service !== this.services.main ? [service.uuid] : []));
        // The MSB shows the values from the last registration, so tell it the new ones.
        const state = this.registration.state;
        if (this.connection.isOpen && (state === 'registered' || state === 'connected')) this.registration.register();
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
    const { url, reconnect } = options.connection;
    this.connection = new Connection({ ...options.connection, eventsWaiting: () => this.publisher.pending > 0 });
    this.connectionLog = new ConnectionLog({ url, reconnect, logger: options.logger });
    this.registration = new Registration(this.connection, this.emitter, {
      selfDescription: () => this.services.selfDescription(),
      pending: () => this.publisher.pending,
      closing: () => this.closing !== undefined,
      registered: () => {
        // Events of a removed sub-service that were put back after a connection loss.
        this.gateway.discardRemoved();
        this.publisher.registered();
        for (const s of this.services.all()) void s.runHooks('registered');
      },
      refused: (error) => {
        this.publisher.unregistered();
        this.report(error);
      },
    }, { uuid: loaded.identity.uuid, name: loaded.identity.name, url, answerTimeoutMs: options.registrationAnswerTimeoutMs, reconnect, logger: options.logger });
    this.gateway = new GatewayMembership(this.services, this.publisher, {
      runtime: (sub) => new ServiceRuntime(sub, this.host, options),
      reRegister: () => { if (this.connection.isOpen && !this.closing) this.registration.register(); },
      report: (error) => this.report(error),
    }, options);
    this.connection.on('connecting', () => this.registration.setState('connecting'));
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

  /** Where the service stands with the MSB. */
  get state(): AppState {
    return this.registration.state;
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
    return this.gateway.add(service as SubService).instance as S;
  }

  /**
   * Removes a sub-service from this gateway: its emits are refused from now on, its
   * `@OnClose` hooks and running calls are awaited, the events it already emitted are delivered
   * (within `closeTimeoutMs`), then the gateway registers once more without it.
   * Resolves false when no sub-service has this uuid.
   */
  removeService(uuid: string): Promise<boolean> {
    return this.gateway.remove(uuid);
  }

  /** Delivery and connection counters (of the whole connection: a gateway's sub-services included). */
  counters(): AppCounters {
    return { ...this.publisher.counters(), reconnects: this.reconnects, registrations: this.registration.registrations };
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
    this.uninstallSignals = closeOnSignals(this.options.closeOnSignals, this.options.logger, () => this.close());
    this.connection.start();
  }

  /** @internal resolves at the first registration; rejects on a refusal, a timeout or close. */
  waitForRegistration(timeoutMs: number): Promise<void> {
    return this.registration.waitFor(timeoutMs, () => this.connectionLog.lastProblem);
  }

  // ---- what the parts ask of the app ------------------------------------------------------

  private send(event: EncodedEvent): Promise<void> {
    if (this.registration.state !== 'registered' && (!event.cached || !this.options.cacheEnabled)) return Promise.reject(new MsbOfflineError(event.eventId));
    return this.publisher.accept(event.eventId, event.correlationId, event.message, event.acknowledged);
  }

  private report(error: MsbError): void {
    this.options.logger.error(error.message);
    // An 'error' event without listeners would throw and take the process down.
    if (this.emitter.listenerCount('error') > 0) this.emitter.emit('error', error);
  }

  // ---- what arrives on the connection -----------------------------------------------------

  private onOpen(): void {
    this.connectionLog.opened();
    this.publisher.opened();
    this.registration.opened();
  }

  private onClose(info: CloseInfo): void {
    const wasOpen = this.registration.lost();
    this.publisher.lost(info.code);
    if (this.closing) return;
    this.registration.setState('disconnected');
    if (info.reconnectInMs !== undefined) this.reconnects++;
    this.connectionLog.closed(info, wasOpen);
    this.emitter.emit('disconnected', info);
    const hookInfo = { code: info.code, reason: info.reason, ...(info.reconnectInMs !== undefined ? { reconnectInMs: info.reconnectInMs } : {}) };
    // A loss, not each failed attempt to reconnect: the hook hears once per connection.
    if (wasOpen) for (const s of this.services.all()) void s.runHooks('disconnected', hookInfo);
    const failure = this.connectionLog.finalFailure(info, wasOpen);
    if (failure) this.report(failure);
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
    if (status === Status.IO_PUBLISHED) {
      this.publisher.published();
    } else if (PUBLISH_REFUSALS.has(status)) {
      this.publisher.refused(status);
    } else if (status === Status.NIO_UNAUTHORIZED_CONNECTION) {
      // The MSB does not count this connection as registered: register anew, then resend.
      this.registration.setState('connected');
      this.publisher.unauthorized();
      this.report(new MsbPublishError(status, '(in flight)'));
      this.registration.registerUnlessPending();
    } else if (!this.registration.onStatus(status)) {
      this.options.logger.debug(`MSB status ${status}`);
    }
  }

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

  private async shutdown(): Promise<void> {
    this.options.signal?.removeEventListener('abort', this.abortListener);
    this.registration.stop();
    this.uninstallSignals?.();
    const services = this.services.all();
    if (this.options.closeTimeoutMs > 0) await drain(services, this.publisher, this.options.closeTimeoutMs);
    stopServices(services);
    await this.connection.close();
    const left = await this.publisher.close();
    if (left.length > 0) {
      if (this.publisher.durable) this.options.logger.info(`Closed with ${left.length} events not yet delivered; the durable outbox sends them at the next start`);
      else this.options.logger.warn(`Closed with ${left.length} events not delivered to the MSB`);
    }
    this.registration.setState('closed');
  }
}
