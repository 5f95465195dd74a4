import { MsbOptionsError } from '../errors';
import { defaultLogger } from './logger';
import type { Logger } from './logger';
import type { RuntimeOptions } from './service-runtime';
import { MAX_TIMER_MS } from '../util/timers';

/** A class with any constructor: its instance comes from `instance` or `factory` when it takes arguments. */
export type ServiceClass<T extends object> = abstract new (...args: never[]) => T;

/** How a service's instance is made: by the class's no-argument constructor, or given. */
export interface InstanceOptions<T extends object> {
  /** Use this instance instead of creating one with the class's no-argument constructor. */
  instance?: T;
  /**
   * Makes the instance (a DI container's `get`, a constructor with dependencies …); awaited. For a
   * class whose constructor takes arguments, give this or `instance`.
   */
  factory?: () => T | Promise<T>;
}

/** The run-time options a service has with `bootstrap` and in the test bed alike. */
export interface ServiceRuntimeOptions {
  /** Validate event values, responses and call payloads against their data formats (default true). */
  validate?: boolean;
  /** Function calls handled at the same time (default 64); more wait in order. */
  maxConcurrentCalls?: number;
  /** Function calls waiting for a slot (default 10 000); beyond it a call is refused and reported. */
  maxQueuedCalls?: number;
  /** A handler that has not settled after this many ms is reported and its slot freed (default 30 000; 0: no limit). */
  callTimeoutMs?: number;
  /**
   * Largest event frame sent, in bytes (default 1 000 000, the Java client's limit; the MSB's own is
   * not published). A bigger event is refused by `emit()` instead of being cut off by the server.
   */
  maxEventBytes?: number;
  /** Where log lines go (default: warnings and errors to the console). Tokens are never logged. */
  logger?: Logger;
}

/** Checks a numeric option. */
export function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    // JSON.stringify would print Infinity and NaN as "null"
    const given = typeof value === 'number' ? String(value) : JSON.stringify(value);
    throw new MsbOptionsError(`Option ${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${given}`);
  }
  return value;
}

/** A duration option, in ms: {@link positive}, and no longer than Node's longest timer. */
export function duration(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  const ms = positive(name, value, fallback, allowZero);
  if (ms > MAX_TIMER_MS) throw new MsbOptionsError(`Option ${name} must be at most ${MAX_TIMER_MS} ms (about 24.8 days: Node's longest timer), got ${ms}`);
  return ms;
}

/** The runtime options with their defaults. @throws {MsbOptionsError} for a malformed one. */
export function runtimeOptions(options: ServiceRuntimeOptions & { sockJsFraming?: boolean }): RuntimeOptions {
  return {
    validate: options.validate !== false,
    maxConcurrentCalls: positive('maxConcurrentCalls', options.maxConcurrentCalls, 64),
    maxQueuedCalls: positive('maxQueuedCalls', options.maxQueuedCalls, 10_000, true),
    callTimeoutMs: duration('callTimeoutMs', options.callTimeoutMs, 30_000, true),
    maxEventBytes: positive('maxEventBytes', options.maxEventBytes, 1_000_000),
    sockJsFraming: options.sockJsFraming !== false,
    logger: options.logger ?? defaultLogger,
  };
}

/**
 * The instance `instance` or `factory` gives, checked to be one of the class; undefined when
 * neither is given (then the reading makes one with the no-argument constructor).
 * @throws {MsbOptionsError} when both are given, the factory throws, or gives something else.
 */
export async function givenInstance<T extends object>(target: ServiceClass<T>, options: InstanceOptions<T>): Promise<T | undefined> {
  const cls = target.name || '(anonymous class)';
  if (options.instance !== undefined && options.factory !== undefined) throw new MsbOptionsError(`${cls}: give options.instance or options.factory, not both`);
  let instance = options.instance;
  if (options.factory !== undefined) {
    if (typeof options.factory !== 'function') throw new MsbOptionsError(`${cls}: options.factory must be a function returning the instance`);
    try {
      instance = await options.factory();
    } catch (e) {
      throw new MsbOptionsError(`${cls}: options.factory threw: ${(e as Error)?.message ?? String(e)}`);
    }
  }
  if (instance === undefined) return undefined;
  // A wrong instance would be described with the class's declaration and dispatched to methods it lacks.
  if (instance === null || typeof instance !== 'object' || !(instance instanceof target)) {
    const what = instance === null || typeof instance !== 'object' ? JSON.stringify(instance) : `an instance of ${(instance as object).constructor?.name ?? 'another class'}`;
    throw new MsbOptionsError(`${cls}: options.${options.factory !== undefined ? 'factory returned' : 'instance is'} ${what}, not an instance of ${cls}`);
  }
  return instance;
}
