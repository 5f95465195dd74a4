import { EventEmitter } from 'node:events';
import { PONG, Status, encodeEvent, encodeRegistration, parseServerMessage } from '../protocol';
import type { ConfigurationMessage, ServerMessage } from '../protocol';
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
import { Connection } from './connection';
import type { ConnectionOptions } from './connection';
import { Dispatcher } from './dispatcher';
import { Outbox } from './outbox';
import type { OutboxCounters, OutgoingEvent } from './outbox';
import type { LoggedEvent, OutboxLog } from './outbox-log';
import { Deque } from '../util/deque';
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
}

/** Delivery counters plus connection counts. */
export interface AppCounters extends OutboxCounters {
  reconnects: number;
  registrations: number;
}

type InternalOptions = Required<Pick<BootstrapOptions, 'validate' | 'maxConcurrentCalls' | 'maxQueuedCalls' | 'callTimeoutMs' | 'closeTimeoutMs' | 'ackTimeoutMs'>> & {
  logger: Logger;
  cacheEnabled: boolean;
  cacheSize: number;
  cacheBytes: number;
  /** Bytes handed to the socket but not yet written out, above which sending pauses. */
  highWaterMark: number;
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
  private readonly outbox: Outbox;
  private readonly dispatcher: Dispatcher;
  private readonly codecs = new Map<string, ValueCodec>();
  private readonly eventsById = new Map<string, EventModel>();
  private registrationPending = false;
  private staleAnswers = 0;
  private noAckMode = false;
  private ackSeenOnConnection = false;
  private ackTimer?: NodeJS.Timeout;
  private graceTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private registrationRetries = 0;
  private closing?: Promise<void>;
  private reconnects = 0;
  private registrations = 0;
  private drainWaiters: Array<() => void> = [];
  /** emit() calls waiting for their event to reach the socket (backpressure), oldest first. */
  private readonly sendWaiters = new Deque<{ event: OutgoingEvent; resolve: () => void }>();
  private unwrittenBytes = 0;
  private socketGeneration = 0;
  private lastConnectionProblem?: string;
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
    this.outbox = new Outbox(
      { maxEvents: options.cacheEnabled ? options.cacheSize : Number.MAX_SAFE_INTEGER, maxBytes: options.cacheBytes },
      options.durable?.log,
      options.durable?.events,
    );
    if (options.durable && options.durable.events.length > 0) {
      options.logger.info(`Restored ${options.durable.events.length} events from the durable outbox; they are sent first`);
    }
    for (const e of model.events) {
      this.eventsById.set(e.eventId, e);
      if (e.type) this.codecs.set(e.eventId, compileCodec(e.type, { validate: options.validate }));
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
      publish: (event, value, correlationId) => this.publishEvent(event, value, { correlationId }),
      report: (error) => this.report(error),
    });
    this.connection = new Connection(options.connection);
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
    return { ...this.outbox.counters(), reconnects: this.reconnects, registrations: this.registrations };
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
    } else postDate = new Date().toISOString();
    const correlationId = opts.correlationId;
    if (correlationId !== undefined && typeof correlationId !== 'string') {
      return Promise.reject(new MsbValidationError(`event ${event.eventId}`, ['correlationId must be a string']));
    }
    const registered = this.currentState === 'registered';
    const cache = opts.cached !== false && this.options.cacheEnabled;
    if (!registered && !cache) return Promise.reject(new MsbOfflineError(event.eventId));

    let message: string;
    try {
      message = encodeEvent({
        uuid: this.identity.uuid,
        eventId: event.eventId,
        priority,
        postDate,
        ...(correlationId !== undefined ? { correlationId } : {}),
        ...(codec ? { dataObject } : {}),
      });
    } catch (e) {
      // Cycles and BigInt values cannot be JSON.
      return Promise.reject(new MsbValidationError(`event ${event.eventId}`, [`the value cannot be serialised as JSON: ${(e as Error).message}`], correlationId));
    }
    const frameBytes = this.frameBytes(message);
    if (frameBytes > this.options.maxEventBytes) {
      return Promise.reject(new MsbValidationError(`event ${event.eventId}`, [`the encoded event is ${frameBytes} bytes; at most ${this.options.maxEventBytes} are sent (maxEventBytes)`], correlationId));
    }
    const { event: queued, dropped, durable } = this.outbox.push(event.eventId, correlationId, message);
    for (const d of dropped) {
      this.options.logger.warn(`Event cache full (${this.options.cacheSize} events / ${this.options.cacheBytes} bytes): dropped the oldest event ${d.eventId}${d.correlationId ? ` (correlationId ${d.correlationId})` : ''}; ${this.outbox.counters().dropped} dropped so far`);
      this.releaseSendWaiter(d);
    }
    this.pump();
    // Backpressure: while registered, resolve once the event reached the socket; offline, it is cached now.
    const handed = this.currentState === 'registered' && this.outbox.queued > 0 && this.connection.isOpen
      ? new Promise<void>((resolve) => this.sendWaiters.push({ event: queued, resolve }))
      : undefined;
    if (!this.outbox.durable) return handed ?? Promise.resolve();
    return handed ? Promise.all([handed, durable]).then(() => undefined) : durable;
  }

  /** Size of the websocket frame for a message; exact only when it could be near the limit. */
  private frameBytes(message: string): number {
    // UTF-8 takes at most 3 bytes per UTF-16 unit and JSON escaping at most 6 characters per one.
    if (message.length * 6 + 4 <= this.options.maxEventBytes) return message.length;
    return Buffer.byteLength(this.options.connection.sockJsFraming ? JSON.stringify([message]) : message);
  }

  /** Sends queued events, oldest first, while registered and the socket keeps up. */
  private pump(): void {
    if (this.currentState !== 'registered') return;
    const generation = this.socketGeneration;
    while (this.outbox.queued > 0 && this.connection.isOpen && this.unwrittenBytes < this.options.highWaterMark) {
      const next = this.outbox.take()!;
      const size = next.message.length;
      this.unwrittenBytes += size;
      this.connection.send(next.message, (err) => {
        // Callbacks of a socket that has since closed say nothing about the current one.
        if (generation !== this.socketGeneration) return;
        this.unwrittenBytes -= size;
        if (!err && this.noAckMode) {
          this.outbox.acknowledge();
          this.notifyDrain();
        }
        if (this.unwrittenBytes < this.options.highWaterMark / 2) this.pump();
      });
      this.releaseSendWaiter(next);
      if (!this.noAckMode && !this.ackSeenOnConnection && !this.ackTimer) this.startAckTimer();
    }
    this.notifyDrain();
  }

  /** Resolves the emit() waiting for `event`, and any older ones (FIFO). */
  private releaseSendWaiter(event: OutgoingEvent): void {
    for (let w = this.sendWaiters.peek(); w && w.event.seq <= event.seq; w = this.sendWaiters.peek()) {
      this.sendWaiters.shift();
      w.resolve();
    }
  }

  private releaseAllSendWaiters(): void {
    for (let w = this.sendWaiters.shift(); w; w = this.sendWaiters.shift()) w.resolve();
  }

  private startAckTimer(): void {
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      if (this.ackSeenOnConnection || this.outbox.inFlightCount === 0 || !this.connection.isOpen) return;
      this.noAckMode = true;
      const n = this.outbox.acknowledgeAll();
      this.options.logger.warn(`The MSB sent no IO_PUBLISHED within ${this.options.ackTimeoutMs} ms; from now on an event counts as delivered once written to the open socket (${n} taken as delivered)`);
      this.notifyDrain();
    }, this.options.ackTimeoutMs);
  }

  private notifyDrain(): void {
    if (this.outbox.queued + this.outbox.inFlightCount > 0) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  // ---- connection lifecycle -----------------------------------------------------------------

  private setState(state: AppState): void {
    if (this.currentState === state || this.currentState === 'closed') return;
    this.currentState = state;
    this.emitter.emit('stateChange', state);
  }

  private onOpen(): void {
    this.socketGeneration++;
    this.unwrittenBytes = 0;
    this.setState('connected');
    this.ackSeenOnConnection = false;
    this.staleAnswers = 0;
    // IO_CONNECTED should follow at once; some servers skip it, so register anyway after a grace period.
    this.graceTimer = setTimeout(() => {
      this.options.logger.debug('No IO_CONNECTED from the MSB; registering anyway');
      this.register();
    }, IO_CONNECTED_GRACE_MS);
  }

  private onClose(info: { code: number; reason: string; reconnectInMs?: number }): void {
    clearTimeout(this.graceTimer);
    clearTimeout(this.ackTimer);
    clearTimeout(this.retryTimer);
    this.ackTimer = undefined;
    this.registrationPending = false;
    const wasOpen = this.currentState === 'connected' || this.currentState === 'registered';
    this.socketGeneration++;
    this.unwrittenBytes = 0;
    this.refuseTooBigAfterRepeatedClose(info.code);
    const resent = this.outbox.requeueInFlight();
    if (resent > 0) this.options.logger.info(`${resent} events sent but not acknowledged will be sent again after reconnecting`);
    // Waiting emits are cached now, which is all emit() promises offline.
    this.releaseAllSendWaiters();
    if (this.closing) return;
    this.setState('disconnected');
    if (info.reconnectInMs !== undefined) this.reconnects++;
    if (wasOpen) this.options.logger.warn(`Lost the MSB connection (${info.code}${info.reason ? ` ${info.reason}` : ''})${info.reconnectInMs !== undefined ? `; reconnecting in ${info.reconnectInMs} ms` : ''}`);
    else this.options.logger.debug(`Could not connect to the MSB (${info.code} ${info.reason})`);
    if (info.reason) this.lastConnectionProblem = info.reason;
    this.emitter.emit('disconnected', info);
    if (info.reconnectInMs === undefined) {
      this.report(new MsbConnectionError(`${wasOpen ? 'Lost the connection to' : 'Cannot connect to'} the MSB at ${this.options.connection.url} and reconnecting is off${info.reason ? `: ${info.reason}` : ''}`));
    }
  }

  /**
   * A server that closes with 1009 (message too big) twice while the same event is the oldest
   * in flight will refuse it forever: report it and drop it rather than resend it on every
   * reconnect. (emit() already refuses events over maxEventBytes; this covers a server whose
   * limit is lower.)
   */
  private refuseTooBigAfterRepeatedClose(code: number): void {
    const head = this.outbox.peekInFlight();
    if (code !== 1009 || !head) {
      this.tooBigSuspect = undefined;
      return;
    }
    if (this.tooBigSuspect !== head.seq) {
      this.tooBigSuspect = head.seq;
      return;
    }
    this.tooBigSuspect = undefined;
    this.outbox.refuse();
    this.report(new MsbPublishError('CLOSED_1009_MESSAGE_TOO_BIG', head.eventId, head.correlationId));
  }

  private tooBigSuspect?: number;

  private register(): void {
    clearTimeout(this.graceTimer);
    if (!this.connection.isOpen || this.closing) return;
    this.registrationPending = true;
    // The self-description holds the token: it is sent, never logged.
    this.connection.send(encodeRegistration(this.selfDescription()));
    this.options.logger.debug(`Registering service ${this.identity.uuid}`);
  }

  private onMessage(text: string): void {
    let message: ServerMessage;
    try {
      message = parseServerMessage(text);
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

  private onStatus(status: string): void {
    if (status === Status.IO_CONNECTED) {
      this.register();
    } else if (status === Status.IO_REGISTERED) {
      this.registrationPending = false;
      this.registrationRetries = 0;
      this.registrations++;
      this.connection.resetBackoff();
      this.setState('registered');
      this.options.logger.info(`Registered service ${this.identity.uuid} (${this.identity.name})`);
      this.emitter.emit('registered');
      this.pump();
    } else if (REGISTRATION_STATUSES.has(status)) {
      this.registrationPending = false;
      this.setState('connected');
      this.releaseAllSendWaiters();
      this.report(new MsbRegistrationError(status, this.identity.uuid));
      this.scheduleRegistrationRetry();
    } else if (status === Status.IO_PUBLISHED) {
      if (this.consumeStale()) return;
      this.ackSeenOnConnection = true;
      if (this.noAckMode) {
        this.noAckMode = false;
        this.options.logger.info('The MSB acknowledges events again');
        return;
      }
      this.outbox.acknowledge();
      this.notifyDrain();
    } else if (PUBLISH_REFUSALS.has(status)) {
      if (this.consumeStale()) return;
      const refused = this.outbox.refuse();
      this.report(new MsbPublishError(status, refused?.eventId ?? '(unknown)', refused?.correlationId));
      this.notifyDrain();
    } else if (status === Status.NIO_UNAUTHORIZED_CONNECTION) {
      if (this.consumeStale()) return;
      // The MSB does not count this connection as registered: every event in flight was
      // refused with it. Send them again after registering anew.
      const n = this.outbox.requeueInFlight();
      this.staleAnswers = Math.max(0, n - 1);
      this.setState('connected');
      this.releaseAllSendWaiters();
      this.report(new MsbPublishError(status, '(in flight)'));
      if (!this.registrationPending) this.register();
    } else {
      this.options.logger.debug(`MSB status ${status}`);
    }
  }

  /** Answers to events that were already put back in the queue are ignored. */
  private consumeStale(): boolean {
    if (this.staleAnswers === 0) return false;
    this.staleAnswers--;
    return true;
  }

  private scheduleRegistrationRetry(): void {
    if (this.closing || this.options.connection.reconnect === false) return;
    // Retry on the same socket with a growing delay: no reconnect storm.
    const delay = Math.min(60_000, 1000 * 2 ** Math.min(this.registrationRetries++, 6));
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
        this.report(new MsbConfigError(Object.keys(changes).join(', '), `@OnConfigChange ${method} threw: ${e instanceof Error ? e.message : String(e)}`));
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
    const deadline = this.options.closeTimeoutMs;
    if (deadline > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, deadline); });
      const drained = Promise.all([
        this.dispatcher.idle(),
        this.outbox.queued + this.outbox.inFlightCount === 0 ? Promise.resolve() : new Promise<void>((resolve) => this.drainWaiters.push(resolve)),
      ]);
      await Promise.race([drained, timeout]);
      clearTimeout(timer);
    }
    clearTimeout(this.ackTimer);
    await this.connection.close();
    this.releaseAllSendWaiters();
    const left = await this.outbox.close();
    if (left.length > 0) {
      if (this.outbox.durable) this.options.logger.info(`Closed with ${left.length} events not yet delivered; the durable outbox sends them at the next start`);
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
