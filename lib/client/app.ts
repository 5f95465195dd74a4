import { EventEmitter } from 'node:events';
import { PONG, Status, encodeRegistration, eventEncoder, parseServerMessage } from '../protocol';
import type { ConfigurationMessage, EventEncoder, ServerMessage, StatusCode } from '../protocol';
import type { EmitOptions, MsbEvent } from '../decorators/event';
import { priorityNumber } from '../metadata/priority';
import type { EventModel, ServiceIdentity, ServiceModel } from '../metadata/model';
import { describe } from '../metadata/self-description';
import type { ConfigState, SelfDescription } from '../metadata/self-description';
import { compileCodec } from '../schema/value-codec';
import type { ValueCodec } from '../schema/value-codec';
import {
  MsbClosedError, MsbConfigError, MsbConnectionError, MsbError, MsbOfflineError, MsbProtocolError, MsbPublishError,
  MsbRegistrationError, MsbValidationError,
} from '../errors';
import { Backoff } from './backoff';
import { Connection, describeReconnect } from './connection';
import type { CloseInfo, ConnectionOptions } from './connection';
import { Dispatcher } from './dispatcher';
import type { OutboxCounters, OutboxLimits } from './outbox';
import type { LoggedEvent, OutboxLog } from './outbox-log';
import { Publisher } from './publisher';
import { describeThrown } from '../util/describe-thrown';
import { isoNow } from '../util/iso-now';
import type { DroppedEventInfo } from './publisher';
import type { Logger } from './logger';
import type { BootstrapOptions } from './options';

/** Where the service stands with the MSB. */
export type AppState = 'disconnected' | 'connecting' | 'connected' | 'registered' | 'closed';

/** A function call as it arrived. */
export interface FunctionCallInfo {
  functionId: string;
  correlationId?: string;
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
  /** Configuration parameters changed; keys are property names. */
  configChanged: [changes: Record<string, unknown>];
  /** Every state change. */
  stateChange: [state: AppState];
  /** An event was dropped from the full offline cache (never while registered). */
  dropped: [event: DroppedEventInfo];
}

/** Delivery counters plus connection counts. */
export interface AppCounters extends OutboxCounters {
  reconnects: number;
  registrations: number;
}

type InternalOptions = Required<Pick<BootstrapOptions, 'validate' | 'maxConcurrentCalls' | 'maxQueuedCalls' | 'callTimeoutMs' | 'closeTimeoutMs' | 'ackTimeoutMs'>> & {
  logger: Logger;
  cacheEnabled: boolean;
  /** The offline cache and in-flight window bounds. */
  limits: OutboxLimits;
  /** Bytes handed to the socket but not yet written out, above which sending pauses. */
  highWaterMark: number;
  /** How long the MSB may take to answer a registration before the service connects anew. */
  registrationAnswerTimeoutMs: number;
  /** Largest event frame sent. */
  maxEventBytes: number;
  durable?: { log: OutboxLog; events: LoggedEvent[] };
  connection: ConnectionOptions;
  signal?: AbortSignal;
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
  private readonly dispatcher: Dispatcher;
  private readonly codecs = new Map<string, ValueCodec>();
  private readonly encoders = new Map<string, EventEncoder>();
  private readonly eventsById = new Map<string, EventModel>();
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

  /** @internal use `bootstrap` */
  constructor(
    private readonly model: ServiceModel,
    private readonly identity: ServiceIdentity,
    private readonly config: readonly ConfigState[],
    instance: T,
    private readonly options: InternalOptions,
  ) {
    this.instance = instance;
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
    if (options.durable && options.durable.events.length > 0) {
      options.logger.info(`Restored ${options.durable.events.length} events from the durable outbox; they are sent first`);
    }
    for (const e of model.events) {
      this.eventsById.set(e.eventId, e);
      if (e.type) this.codecs.set(e.eventId, compileCodec(e.type, { validate: options.validate }));
      this.encoders.set(e.eventId, eventEncoder(identity.uuid, e.eventId));
      const emitter: MsbEvent<unknown> = {
        eventId: e.eventId,
        emit: (value?: unknown, opts?: EmitOptions) => this.publishEvent(e, value, opts ?? {}),
      };
      Object.defineProperty(instance, e.propertyKey, { value: emitter, enumerable: false, configurable: true, writable: false });
    }
    this.dispatcher = new Dispatcher(instance, model.functions, model.events, {
      validate: options.validate,
      maxConcurrentCalls: options.maxConcurrentCalls,
      maxQueuedCalls: options.maxQueuedCalls,
      callTimeoutMs: options.callTimeoutMs,
      logger: options.logger,
      publish: (event, value, correlationId, respondOptions) => this.publishEvent(event, value, { ...respondOptions, correlationId }),
      report: (error) => this.report(error),
    });
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
    return describe(this.model, this.identity, this.config, this.instance);
  }

  /** Delivery and connection counters. */
  counters(): AppCounters {
    return { ...this.publisher.counters(), reconnects: this.reconnects, registrations: this.registrations };
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
    const event = this.eventsById.get(eventId);
    if (!event) return Promise.reject(new MsbValidationError(`event ${eventId}`, [`${this.model.className} declares no event "${eventId}" (known: ${[...this.eventsById.keys()].join(', ')})`]));
    return this.publishEvent(event, value, options);
  }

  /**
   * Changes a configuration parameter locally, as an MSB `K` message would: the property is
   * updated, `@OnConfigChange` and `configChanged` run, and the service re-registers.
   * @throws (rejects) {@link MsbConfigError} for an unknown name or a value that does not fit.
   */
  async setConfig(name: string, value: unknown): Promise<void> {
    const { rejected } = await this.applyConfig({ [name]: value }, 'setConfig');
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

  private publishEvent(event: EventModel, value: unknown, opts: EmitOptions): Promise<void> {
    if (this.closing) return Promise.reject(new MsbClosedError(`Event ${event.eventId} was not sent: the app is closing`));
    const codec = this.codecs.get(event.eventId);
    let dataObject: unknown;
    if (codec) {
      const r = codec.toWire(value);
      if (!r.ok) return Promise.reject(new MsbValidationError(`event ${event.eventId}`, r.violations, opts.correlationId));
      dataObject = r.value;
    } else if (value !== undefined && value !== null && this.options.validate) {
      return Promise.reject(new MsbValidationError(`event ${event.eventId}`, ['the event carries no payload, but a value was given'], opts.correlationId));
    }
    let priority: 0 | 1 | 2 = event.priority;
    if (opts.priority !== undefined) {
      const p = priorityNumber(opts.priority);
      if (p === undefined) return Promise.reject(new MsbValidationError(`event ${event.eventId}`, [`priority ${JSON.stringify(opts.priority)} is not LOW, MEDIUM, HIGH, 0, 1 or 2`]));
      priority = p;
    }
    let postDate: string;
    if (opts.postDate !== undefined) {
      if (!(opts.postDate instanceof Date) || Number.isNaN(opts.postDate.getTime())) {
        return Promise.reject(new MsbValidationError(`event ${event.eventId}`, ['postDate must be a valid Date']));
      }
      postDate = opts.postDate.toISOString();
    } else postDate = isoNow();
    const correlationId = opts.correlationId;
    if (correlationId !== undefined && typeof correlationId !== 'string') {
      return Promise.reject(new MsbValidationError(`event ${event.eventId}`, ['correlationId must be a string']));
    }
    const registered = this.currentState === 'registered';
    const cache = opts.cached !== false && this.options.cacheEnabled;
    if (!registered && !cache) return Promise.reject(new MsbOfflineError(event.eventId));

    let message: string;
    try {
      message = this.encoders.get(event.eventId)!(priority, postDate, correlationId, codec !== undefined, dataObject);
    } catch (e) {
      // Cycles and BigInt values cannot be JSON.
      return Promise.reject(new MsbValidationError(`event ${event.eventId}`, [`the value cannot be serialised as JSON: ${(e as Error).message}`], correlationId));
    }
    const frameBytes = this.frameBytes(message);
    if (frameBytes > this.options.maxEventBytes) {
      return Promise.reject(new MsbValidationError(`event ${event.eventId}`, [`the encoded event is ${frameBytes} bytes; at most ${this.options.maxEventBytes} are sent (maxEventBytes)`], correlationId));
    }
    return this.publisher.accept(event.eventId, correlationId, message, opts.acknowledged === true);
  }

  /** Size of the websocket frame for a message; exact only when it could be near the limit. */
  private frameBytes(message: string): number {
    // UTF-8 takes at most 3 bytes per UTF-16 unit and JSON escaping at most 6 characters per one.
    if (message.length * 6 + 4 <= this.options.maxEventBytes) return message.length;
    return Buffer.byteLength(this.options.connection.sockJsFraming ? JSON.stringify([message]) : message);
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
    this.connection.send(encodeRegistration(this.selfDescription()));
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
      case 'call': {
        const call = message.call;
        if (call.uuid && call.uuid !== this.identity.uuid) {
          this.options.logger.warn(`Ignoring a call of ${call.functionId} addressed to service ${call.uuid}, not to this one`);
          return;
        }
        this.emitter.emit('functionCall', { functionId: call.functionId, correlationId: call.correlationId, parameters: call.functionParameters });
        this.dispatcher.handle(call);
        break;
      }
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
      this.publisher.registered();
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

  private async onConfiguration(k: ConfigurationMessage): Promise<void> {
    if (k.uuid !== this.identity.uuid) {
      this.options.logger.warn(`Ignoring a configuration message for service ${k.uuid}, not for this one`);
      return;
    }
    await this.applyConfig(k.params, 'MSB');
  }

  private async applyConfig(params: Record<string, unknown>, source: string): Promise<{ changes: Record<string, unknown>; rejected: MsbConfigError[] }> {
    const changes: Record<string, unknown> = {};
    const rejected: MsbConfigError[] = [];
    const target = this.instance as Record<string, unknown>;
    for (const [name, raw] of Object.entries(params)) {
      const param = this.config.find((c) => c.name === name);
      if (!param) {
        rejected.push(new MsbConfigError(name, `unknown parameter (known: ${this.config.map((c) => c.name).join(', ') || 'none'})`));
        continue;
      }
      const r = param.accept(raw);
      if (!r.ok) {
        rejected.push(new MsbConfigError(name, r.reason));
        continue;
      }
      const current = target[param.propertyKey];
      // Keep the property's JavaScript type: a DATETIME held as a string stays a string.
      const value = r.value instanceof Date && typeof current === 'string' ? r.value.toISOString() : r.value;
      if (sameValue(current, value)) continue;
      target[param.propertyKey] = value;
      changes[param.propertyKey] = value;
    }
    for (const e of rejected) {
      this.options.logger.warn(`Configuration change from ${source} rejected: ${e.message}`);
      if (source === 'MSB') this.report(e);
    }
    if (Object.keys(changes).length === 0) return { changes, rejected };
    this.options.logger.info(`Configuration changed by ${source}: ${Object.keys(changes).join(', ')}`);
    for (const method of this.model.configListeners) {
      try {
        await (target[method] as (c: Record<string, unknown>) => unknown).call(this.instance, { ...changes });
      } catch (e) {
        this.report(new MsbConfigError(Object.keys(changes).join(', '), `@OnConfigChange ${method} threw: ${describeThrown(e)}`));
      }
    }
    this.emitter.emit('configChanged', { ...changes });
    // The MSB shows the values from the last registration, so tell it the new ones.
    if (this.connection.isOpen && (this.currentState === 'registered' || this.currentState === 'connected')) this.register();
    return { changes, rejected };
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
    const deadline = this.options.closeTimeoutMs;
    if (deadline > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, deadline); });
      // Running calls may still publish their response events: wait for them, then for delivery.
      const drained = this.dispatcher.idle().then(() => this.publisher.flush()).catch(() => undefined);
      await Promise.race([drained, timeout]);
      clearTimeout(timer);
    }
    await this.connection.close();
    const left = await this.publisher.close();
    if (left.length > 0) {
      if (this.publisher.durable) this.options.logger.info(`Closed with ${left.length} events not yet delivered; the durable outbox sends them at the next start`);
      else this.options.logger.warn(`Closed with ${left.length} events not delivered to the MSB`);
    }
    this.setState('closed');
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  return Object.is(a, b);
}
