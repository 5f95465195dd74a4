import { eventEncoder } from '../protocol';
import type { EventEncoder, FunctionCallMessage } from '../protocol';
import type { EmitOptions, MsbEvent } from '../decorators/event';
import type { LifecycleHook } from '../decorators/lifecycle';
import { priorityNumber } from '../metadata/priority';
import type { EventModel, ServiceIdentity, ServiceModel } from '../metadata/model';
import { buildSelfDescription } from '../metadata/self-description';
import type { ConfigState, LoadedService, SelfDescription } from '../metadata/self-description';
import { compileCodec } from '../schema/value-codec';
import type { ValueCodec } from '../schema/value-codec';
import { MsbClosedError, MsbConfigParamError, MsbHookError, MsbValidationError } from '../errors';
import type { MsbError } from '../errors';
import { describeThrown } from '../util/describe-thrown';
import { isoNow } from '../util/iso-now';
import { Dispatcher } from './dispatcher';
import type { Logger } from './logger';

/** An event that passed every check of its service, encoded for the wire. */
export interface EncodedEvent {
  readonly uuid: string;
  readonly eventId: string;
  /** The value as it goes out (`dataObject`); undefined for an event without payload. */
  readonly dataObject: unknown;
  readonly priority: 0 | 1 | 2;
  readonly postDate: string;
  readonly correlationId?: string;
  /** The `E` message. */
  readonly message: string;
  /** Queue it while offline (`EmitOptions.cached`, default true). */
  readonly cached: boolean;
  /** Resolve only once the MSB acknowledged it. */
  readonly acknowledged: boolean;
}

/**
 * Where a service's checked events go, and who hears about its failures and configuration
 * changes: the connected app, or the test bed. One host may serve several services (a gateway).
 */
export interface ServiceHost {
  /** Takes a checked event; resolves (or rejects) as the `emit()` that made it. `call` is set for a response event. */
  send(event: EncodedEvent, call?: FunctionCallMessage): Promise<void>;
  /** A failure that no caller waits for. */
  report(error: MsbError): void;
  /** Configuration parameters of this service changed (after `@OnConfigChange` ran). */
  configChanged(runtime: ServiceRuntime, changes: Record<string, unknown>): void;
}

/** What a service runtime needs besides its host; `bootstrap` and the test bed fill these in alike. */
export interface RuntimeOptions {
  validate: boolean;
  maxConcurrentCalls: number;
  maxQueuedCalls: number;
  callTimeoutMs: number;
  /** Largest event frame sent. */
  maxEventBytes: number;
  /** Frames are SockJS arrays (the size check counts the extra escaping). */
  sockJsFraming: boolean;
  logger: Logger;
}

/** The result of a configuration change: what changed, and what was refused. */
export interface ConfigOutcome {
  changes: Record<string, unknown>;
  rejected: MsbConfigParamError[];
}

/**
 * One service at run time, without a socket: its `@Event` emitters, the checks and encoding of
 * its events, the dispatch of its calls, its configuration and its lifecycle hooks. The app
 * runs one (or, for a gateway, one per service) over its connection; the test bed runs one
 * over a recorder. Keeping this apart is what makes the test bed behave exactly like `bootstrap`.
 */
export class ServiceRuntime<T extends object = object> {
  readonly instance: T;
  readonly model: ServiceModel;
  readonly identity: ServiceIdentity;
  private readonly config: readonly ConfigState[];
  private readonly codecs = new Map<string, ValueCodec>();
  private readonly encoders = new Map<string, EventEncoder>();
  private readonly eventsById = new Map<string, EventModel>();
  private readonly dispatcher: Dispatcher;
  private stopped?: string;

  constructor(loaded: LoadedService, private readonly host: ServiceHost, private readonly options: RuntimeOptions) {
    const { model, identity, config } = loaded;
    this.model = model;
    this.identity = identity;
    this.config = config;
    const instance = loaded.instance as T;
    this.instance = instance;
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
      publish: (event, value, call, respondOptions) => this.publishEvent(event, value, { ...respondOptions, correlationId: call.correlationId }, call),
      report: (error) => host.report(error),
    });
  }

  get uuid(): string {
    return this.identity.uuid;
  }

  /** The self-description with the current configuration values; event `@id`s start at `firstAtId`. */
  selfDescription(firstAtId = 1): SelfDescription {
    return buildSelfDescription(this.model, this.identity, this.config, this.instance, firstAtId);
  }

  /** Publishes an event by id, as `instance.<property>.emit(value, options)` does. */
  publish(eventId: string, value?: unknown, options: EmitOptions = {}): Promise<void> {
    const event = this.eventsById.get(eventId);
    if (!event) return Promise.reject(new MsbValidationError(`event ${eventId}`, [`${this.model.className} declares no event "${eventId}" (known: ${[...this.eventsById.keys()].join(', ')})`]));
    return this.publishEvent(event, value, options);
  }

  /** Handles one `C` message addressed to this service; resolves with the failures it caused (also reported). */
  call(call: FunctionCallMessage): Promise<MsbError[]> {
    return this.dispatcher.handle(call);
  }

  /** Resolves when no call is running or waiting. */
  idle(): Promise<void> {
    return this.dispatcher.idle();
  }

  /** From now on every emit is refused with {@link MsbClosedError} naming `why`. */
  stop(why: string): void {
    this.stopped ??= why;
  }

  /**
   * Applies configuration values as a `K` message would: each value is checked and converted, the
   * properties updated, `@OnConfigChange` awaited, then the host told (which re-registers).
   */
  async configure(params: Record<string, unknown>, source: string): Promise<ConfigOutcome> {
    const changes: Record<string, unknown> = {};
    const rejected: MsbConfigParamError[] = [];
    const target = this.instance as Record<string, unknown>;
    for (const [name, raw] of Object.entries(params)) {
      const param = this.config.find((c) => c.name === name);
      if (!param) {
        rejected.push(new MsbConfigParamError(name, `unknown parameter (known: ${this.config.map((c) => c.name).join(', ') || 'none'})`));
        continue;
      }
      const r = param.accept(raw);
      if (!r.ok) {
        rejected.push(new MsbConfigParamError(name, r.reason));
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
      if (source === 'MSB') this.host.report(e);
    }
    if (Object.keys(changes).length === 0) return { changes, rejected };
    this.options.logger.info(`Configuration changed by ${source}: ${Object.keys(changes).join(', ')}`);
    for (const method of this.model.configListeners) {
      try {
        await (target[method] as (c: Record<string, unknown>) => unknown).call(this.instance, { ...changes });
      } catch (e) {
        this.host.report(new MsbConfigParamError(Object.keys(changes).join(', '), `@OnConfigChange ${method} threw: ${describeThrown(e)}`));
      }
    }
    this.host.configChanged(this, { ...changes });
    return { changes, rejected };
  }

  /**
   * Runs the methods marked for `hook`, one after the other; a failure is reported, never
   * thrown, so one faulty hook cannot stop a shutdown.
   */
  async runHooks(hook: LifecycleHook, ...args: unknown[]): Promise<void> {
    for (const method of this.model.lifecycle[hook]) {
      try {
        await (this.instance as Record<string, (...a: unknown[]) => unknown>)[method](...args);
      } catch (e) {
        this.host.report(new MsbHookError(this.model.className, method, hook, describeThrown(e), { cause: e }));
      }
    }
  }

  private publishEvent(event: EventModel, value: unknown, opts: EmitOptions, call?: FunctionCallMessage): Promise<void> {
    if (this.stopped !== undefined) return Promise.reject(new MsbClosedError(`Event ${event.eventId} was not sent: ${this.stopped}`));
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
    const encoded: EncodedEvent = {
      uuid: this.identity.uuid, eventId: event.eventId, dataObject, priority, postDate, correlationId, message,
      cached: opts.cached !== false, acknowledged: opts.acknowledged === true,
    };
    return this.host.send(encoded, call);
  }

  /** Size of the websocket frame for a message; exact only when it could be near the limit. */
  private frameBytes(message: string): number {
    // UTF-8 takes at most 3 bytes per UTF-16 unit and JSON escaping at most 6 characters per one.
    if (message.length * 6 + 4 <= this.options.maxEventBytes) return message.length;
    return Buffer.byteLength(this.options.sockJsFraming ? JSON.stringify([message]) : message);
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  return Object.is(a, b);
}
