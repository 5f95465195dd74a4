import type { FunctionCallMessage } from '../protocol';
import { loadService } from '../metadata/self-description';
import type { SelfDescription } from '../metadata/self-description';
import type { IdentityOptions } from '../metadata/identity';
import { MsbClosedError } from '../errors';
import type { MsbConfigParamError, MsbError } from '../errors';
import type { Logger } from '../client/logger';
import { ServiceRuntime } from '../client/service-runtime';
import type { EncodedEvent } from '../client/service-runtime';
import { givenInstance, runtimeOptions } from '../client/service-options';
import type { InstanceOptions, ServiceClass, ServiceRuntimeOptions } from '../client/service-options';

/** An event the service emitted, as it went out on the wire. */
export interface EmittedEvent {
  /** The service's uuid. */
  uuid: string;
  eventId: string;
  /** `dataObject` exactly as sent (the JSON form: a Date is its ISO text, a Buffer its base64); undefined without payload. */
  value: unknown;
  /** 0 (LOW), 1 (MEDIUM) or 2 (HIGH). */
  priority: 0 | 1 | 2;
  postDate: string;
  correlationId?: string;
}

/** Options of {@link testService}: those of `bootstrap` that shape the service itself. */
export interface TestServiceOptions<T extends object = object> extends IdentityOptions, InstanceOptions<T>, ServiceRuntimeOptions {}

/** Options of one {@link ServiceTestBed.call}. */
export interface TestCallOptions {
  /** The call's correlation id, handed to `@CorrelationId()` and put on the response events. */
  correlationId?: string;
}

/** A service built as `bootstrap` builds it, with no socket. */
export interface ServiceTestBed<T extends object> {
  /** The service instance; its `@Event` properties work (their events are recorded in `emitted`). */
  readonly instance: T;
  /** Every event the service emitted and that passed its checks, in order. */
  readonly emitted: EmittedEvent[];
  /** Failures reported while no caller waited (the `error` app event of a live service). */
  readonly errors: MsbError[];
  /**
   * Calls a function as an MSB `C` message would: `parameters` are the call's `functionParameters`
   * (`{ dataObject: … }` for a function with one unnamed payload), sent through JSON as the MSB
   * sends them. Resolves with the response events the call produced; rejects with the
   * `MsbValidationError` for a payload that does not fit, or the `MsbFunctionError` of the call.
   */
  call(functionId: string, parameters?: Record<string, unknown>, options?: TestCallOptions): Promise<EmittedEvent[]>;
  /**
   * Changes configuration parameters as an MSB `K` message would (checked, converted,
   * `@OnConfigChange` awaited). Resolves with the changed properties; rejects with the first
   * `MsbConfigParamError` (the values that fitted are applied all the same).
   */
  configure(params: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** The self-description as it would be registered now. */
  readonly selfDescription: SelfDescription;
  /** Runs `@OnClose` hooks, waits for running calls; later emits are refused. */
  close(): Promise<void>;
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Builds a service exactly as `bootstrap` does (the same reading, validation, dispatch and
 * responses) with no socket and no broker, for unit tests in any test runner. The service acts as
 * registered: `@OnRegistered` hooks have run when the promise resolves. The identity is read from
 * the decorator and these options only (not `MSB_*` nor `application.properties`), unless
 * `env`/`propertiesFile` say otherwise.
 *
 * @throws (rejects) {@link MsbDeclarationError} for a wrongly declared class, as `bootstrap` does.
 *
 * @example
 * ```ts
 * const bed = await testService(Drill);
 * const [done] = await bed.call('drill', { dataObject: { jobId: 'J1', depthMm: 12 } }, { correlationId: 'c1' });
 * expect(done).to.include({ eventId: 'drillFinished', correlationId: 'c1' });
 * ```
 */
export async function testService<T extends object>(ServiceClass: new () => T, options?: TestServiceOptions<T>): Promise<ServiceTestBed<T>>;
/** A class whose constructor takes arguments: its instance comes from `options.instance` or `options.factory`. */
export async function testService<T extends object>(
  ServiceClass: ServiceClass<T>,
  options: TestServiceOptions<T> & ({ instance: T } | { factory: () => T | Promise<T> }),
): Promise<ServiceTestBed<T>>;
export async function testService<T extends object>(ServiceClass: ServiceClass<T>, options: TestServiceOptions<T> = {}): Promise<ServiceTestBed<T>> {
  const instance = await givenInstance(ServiceClass, options);
  const loaded = loadService(ServiceClass, { env: false, propertiesFile: false, ...options, instance });
  const emitted: EmittedEvent[] = [];
  const errors: MsbError[] = [];
  const responses = new Map<FunctionCallMessage, EmittedEvent[]>();
  const runtime: ServiceRuntime<T> = new ServiceRuntime<T>(loaded, {
    send(event: EncodedEvent, call?: FunctionCallMessage): Promise<void> {
      const record = wireRecord(event);
      emitted.push(record);
      if (call) responses.get(call)?.push(record);
      return Promise.resolve();
    },
    report: (error) => void errors.push(error),
    configChanged: () => undefined,
  }, runtimeOptions({ ...options, logger: options.logger ?? silent }));
  let closing: Promise<void> | undefined;
  await runtime.runHooks('registered');
  return {
    instance: runtime.instance,
    emitted,
    errors,
    async call(functionId, parameters = {}, callOptions = {}) {
      if (closing) throw new MsbClosedError(`call(${JSON.stringify(functionId)}): the test bed is closed`);
      // Through JSON, as the MSB delivers it: a Date arrives as text, undefined keys vanish.
      const wireParameters = JSON.parse(JSON.stringify(parameters ?? {})) as Record<string, unknown>;
      const message: FunctionCallMessage = {
        uuid: runtime.uuid,
        functionId,
        functionParameters: wireParameters,
        ...(callOptions.correlationId !== undefined ? { correlationId: callOptions.correlationId } : {}),
      };
      const produced: EmittedEvent[] = [];
      responses.set(message, produced);
      try {
        const failures = await runtime.call(message);
        if (failures.length > 0) {
          // The caller hears of it: it is not also left among the unattended failures.
          for (const f of failures) {
          const at = errors.indexOf(f);
          if (at >= 0) errors.splice(at, 1);
        }
          throw failures[0];
        }
        return produced;
      } finally {
        responses.delete(message);
      }
    },
    async configure(params) {
      const { changes, rejected } = await runtime.configure(params, 'configure()');
      if (rejected.length > 0) throw rejected[0] as MsbConfigParamError;
      return changes;
    },
    get selfDescription() {
      return runtime.selfDescription();
    },
    close() {
      closing ??= (async () => {
        await runtime.runHooks('close');
        runtime.stop('the test bed is closed');
        await runtime.idle();
      })();
      return closing;
    },
  };
}

function wireRecord(event: EncodedEvent): EmittedEvent {
  // The message itself, read back: what a broker would receive, not what emit() was given.
  const wire = JSON.parse(event.message.slice(event.message.indexOf('{'))) as { dataObject?: unknown; correlationId?: string };
  return {
    uuid: event.uuid,
    eventId: event.eventId,
    value: wire.dataObject,
    priority: event.priority,
    postDate: event.postDate,
    ...(wire.correlationId !== undefined ? { correlationId: wire.correlationId } : {}),
  };
}
