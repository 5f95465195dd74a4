import type { FunctionCallMessage } from '../protocol';
import type { EventModel, FunctionModel } from '../metadata/model';
import { compileCodec } from '../schema/value-codec';
import type { ValueCodec } from '../schema/value-codec';
import { MsbFunctionError, MsbValidationError } from '../errors';
import type { MsbError } from '../errors';
import { Deque } from '../util/deque';
import { isResponseEvent } from './respond';
import type { Logger } from './logger';
import { describeThrown } from '../util/describe-thrown';
import type { RespondOptions } from './respond';

export interface DispatcherOptions {
  validate: boolean;
  maxConcurrentCalls: number;
  maxQueuedCalls: number;
  callTimeoutMs: number;
  logger: Logger;
  /** Publishes a response event of `call` with the call's correlation id. */
  publish(event: EventModel, value: unknown, call: FunctionCallMessage, options?: RespondOptions): Promise<void>;
  /** Reports a failure to the app's `error` listeners. */
  report(error: MsbError): void;
}

interface PreparedFunction {
  readonly model: FunctionModel;
  readonly codecs: ReadonlyArray<{ key: string; index?: number; codec: ValueCodec }>;
  readonly responseEvents: readonly EventModel[];
}

/**
 * Routes function calls to the decorated methods: finds the function, converts and validates
 * the payload, calls the method (at most `maxConcurrentCalls` at once, each bounded in time),
 * and publishes its result as the response event. Nothing a handler does escapes as an
 * exception: every failure is reported with the function id and correlation id.
 */
export class Dispatcher {
  private readonly byId = new Map<string, PreparedFunction>();
  private readonly waiting = new Deque<() => void>();
  private running = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly instance: object,
    functions: readonly FunctionModel[],
    events: readonly EventModel[],
    private readonly options: DispatcherOptions,
  ) {
    for (const model of functions) {
      const prepared: PreparedFunction = {
        model,
        codecs: model.payload.map((p) => ({ key: p.key, index: p.index, codec: compileCodec(p.type, { validate: options.validate }) })),
        responseEvents: model.responseEvents.map((id) => events.find((e) => e.eventId === id)!),
      };
      this.byId.set(model.functionId, prepared);
    }
    // A call for "/x" reaches a function registered as "x" and the other way round: the MSB
    // copies ids verbatim, but the Python client strips one slash, so both forms occur.
    for (const model of functions) {
      const alt = model.functionId.startsWith('/') ? model.functionId.slice(1) : `/${model.functionId}`;
      if (!this.byId.has(alt)) this.byId.set(alt, this.byId.get(model.functionId)!);
    }
  }

  /** Calls in progress or waiting. */
  get pending(): number {
    return this.running + this.waiting.length;
  }

  /** Resolves when no call is running or waiting. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Accepts one `C` message. Never throws; resolves once the call is finished with the failures
   * it caused (each also reported), so that a caller in the same process (the test bed) can tell
   * a call's outcome without a correlation id.
   */
  handle(call: FunctionCallMessage): Promise<MsbError[]> {
    const failures: MsbError[] = [];
    const fail = (e: MsbError): void => { failures.push(e); this.fail(e); };
    const fn = this.byId.get(call.functionId);
    if (!fn) {
      fail(new MsbFunctionError(call.functionId, call.correlationId, 'no such function in this service; the call is ignored'));
      return Promise.resolve(failures);
    }
    if (this.running >= this.options.maxConcurrentCalls) {
      if (this.waiting.length >= this.options.maxQueuedCalls) {
        fail(new MsbFunctionError(fn.model.functionId, call.correlationId, `refused: ${this.options.maxQueuedCalls} calls are already waiting`));
        return Promise.resolve(failures);
      }
      return new Promise((resolve) => this.waiting.push(() => this.run(fn, call, fail).then(() => resolve(failures))));
    }
    return this.run(fn, call, fail).then(() => failures);
  }

  private run(fn: PreparedFunction, call: FunctionCallMessage, fail: (e: MsbError) => void): Promise<void> {
    this.running++;
    return this.invoke(fn, call, fail)
      .catch((e: unknown) => fail(new MsbFunctionError(fn.model.functionId, call.correlationId, `unexpected failure: ${describeThrown(e)}`, { cause: e })))
      .finally(() => {
        this.running--;
        const next = this.waiting.shift();
        if (next) next();
        else if (this.running === 0) {
          const waiters = this.idleWaiters;
          this.idleWaiters = [];
          for (const w of waiters) w();
        }
      });
  }

  private async invoke(fn: PreparedFunction, call: FunctionCallMessage, fail: (e: MsbError) => void): Promise<void> {
    const { model } = fn;
    const args: unknown[] = [];
    const violations: string[] = [];
    for (const { key, index, codec } of fn.codecs) {
      const r = codec.fromWire(call.functionParameters[key]);
      if (!r.ok) violations.push(...r.violations.map((v) => (v.startsWith('value') ? `${key}${v.slice(5)}` : `${key}.${v}`)));
      else if (index !== undefined) args[index] = r.value;
    }
    if (violations.length > 0) {
      fail(new MsbValidationError(`function ${model.functionId}`, violations, call.correlationId));
      return;
    }
    if (model.correlationIdIndex !== undefined) args[model.correlationIdIndex] = call.correlationId;

    const method = (this.instance as Record<string, unknown>)[model.methodName] as (...a: unknown[]) => unknown;
    let result: unknown;
    try {
      result = method.apply(this.instance, args);
      // A synchronous handler answers at once; only a pending promise needs the time bound.
      if (result instanceof Promise || (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function')) {
        result = await this.withTimeout(Promise.resolve(result as PromiseLike<unknown>), model.functionId, call.correlationId);
      }
    } catch (e) {
      if (e instanceof MsbFunctionError) fail(e);
      else fail(new MsbFunctionError(model.functionId, call.correlationId, `the handler threw: ${describeThrown(e)}`, { cause: e }));
      return;
    }
    await this.respond(fn, result, call, fail);
  }

  private async respond(fn: PreparedFunction, result: unknown, call: FunctionCallMessage, fail: (e: MsbError) => void): Promise<void> {
    const { model } = fn;
    const { correlationId } = call;
    const responses = Array.isArray(result) && result.length > 0 && result.every(isResponseEvent) ? result : isResponseEvent(result) ? [result] : undefined;
    if (responses) {
      for (const r of responses) {
        const event = fn.responseEvents.find((e) => e.eventId === r.eventId);
        if (!event) {
          fail(new MsbFunctionError(model.functionId, correlationId, `respond("${r.eventId}") names no response event of this function (${model.responseEvents.join(', ') || 'none declared'})`));
          continue;
        }
        await this.publishResponse(model, event, r.value, call, fail, r.options);
      }
      return;
    }
    if (fn.responseEvents.length === 1) {
      const event = fn.responseEvents[0];
      // As in the Java client: a payload-less response event always goes out, a payload
      // event only when the method returned something.
      if (!event.type) await this.publishResponse(model, event, undefined, call, fail);
      else if (result !== undefined && result !== null) await this.publishResponse(model, event, result, call, fail);
      return;
    }
    if (fn.responseEvents.length > 1 && result !== undefined && result !== null) {
      fail(new MsbFunctionError(model.functionId, correlationId, `returned a plain value but declares ${fn.responseEvents.length} response events; return respond(eventId, value) to pick one`));
    }
  }

  private async publishResponse(model: FunctionModel, event: EventModel, value: unknown, call: FunctionCallMessage, fail: (e: MsbError) => void, options?: RespondOptions): Promise<void> {
    const { correlationId } = call;
    try {
      await this.options.publish(event, value, call, options);
    } catch (e) {
      const detail = e instanceof MsbValidationError ? e.violations.join('; ') : describeThrown(e);
      fail(new MsbFunctionError(model.functionId, correlationId, `response event ${event.eventId} not sent: ${detail}`, { cause: e }));
    }
  }

  private withTimeout<R>(work: Promise<R>, functionId: string, correlationId: string | undefined): Promise<R> {
    const ms = this.options.callTimeoutMs;
    if (!(ms > 0)) return work;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new MsbFunctionError(functionId, correlationId, `the handler did not settle within ${ms} ms; its slot is freed and a late result is ignored`)), ms);
    });
    work.catch(() => undefined); // a late rejection after the timeout must not go unhandled
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  private fail(error: MsbError): void {
    this.options.report(error);
  }
}
