import type { EventEmitter } from 'node:events';
import { startBroker } from '../../lib/broker';
import type { Broker, BrokerOptions } from '../../lib/broker';
import { bootstrap } from '../../lib';
import type { BootstrapOptions, Logger, MsbApp, ServiceClass } from '../../lib';

/** A logger that keeps what it was told, so tests can assert on warnings. */
export class RecordingLogger implements Logger {
  readonly lines: Array<{ level: string; message: string }> = [];
  debug(message: string): void { this.lines.push({ level: 'debug', message }); }
  info(message: string): void { this.lines.push({ level: 'info', message }); }
  warn(message: string): void { this.lines.push({ level: 'warn', message }); }
  error(message: string): void { this.lines.push({ level: 'error', message }); }
  text(): string { return this.lines.map((l) => `${l.level}: ${l.message}`).join('\n'); }
  has(level: string, pattern: RegExp): boolean { return this.lines.some((l) => l.level === level && pattern.test(l.message)); }
}

/**
 * Resolves with the arguments of the first `event` that satisfies `predicate`; rejects after
 * `timeoutMs` naming what it waited for.
 */
export function waitFor<A extends unknown[]>(
  emitter: { on(e: string, l: (...a: any[]) => void): unknown; off(e: string, l: (...a: any[]) => void): unknown },
  event: string,
  predicate: (...args: A) => boolean = () => true,
  timeoutMs = 5000,
): Promise<A> {
  return new Promise((resolve, reject) => {
    const listener = (...args: unknown[]) => {
      if (!predicate(...(args as A))) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(args as A);
    };
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${event}"`));
    }, timeoutMs);
    emitter.on(event, listener);
  });
}

/**
 * Waits until `condition()` holds, checking every few milliseconds (no fixed sleeps). `what` may be a
 * function, so that a failure message shows the state at the time of failure.
 */
export async function until(condition: () => boolean, what: string | (() => string), timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting until ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Collects the broker's accepted events, in order. */
export function recordEvents(broker: Broker): Array<{ uuid: string; eventId: string; dataObject?: unknown; correlationId?: string; priority: unknown; postDate: string }> {
  const out: Array<{ uuid: string; eventId: string; dataObject?: unknown; correlationId?: string; priority: unknown; postDate: string }> = [];
  (broker as unknown as EventEmitter).on('event', ({ event }: { event: any }) => out.push(event));
  return out;
}

/** Resources a test made, closed in reverse order after it. */
export class Fixture {
  private readonly closers: Array<() => Promise<unknown>> = [];
  readonly logger = new RecordingLogger();

  async broker(options: BrokerOptions = {}): Promise<Broker> {
    const b = await startBroker({ rateLimit: false, ...options });
    this.closers.push(() => b.close());
    return b;
  }

  /** Starts a service; a class with constructor arguments needs `instance` or `factory` in `options`, as with `bootstrap`. */
  async app<T extends object>(cls: ServiceClass<T>, options: BootstrapOptions<T>): Promise<MsbApp<T>> {
    const pending = bootstrap(cls as new () => T, { env: false, propertiesFile: false, logger: this.logger, reconnect: { initialDelayMs: 20, maxDelayMs: 200 }, ...options });
    const app = await pending;
    this.closers.push(() => app.close());
    return app;
  }

  defer(close: () => Promise<unknown>): void {
    this.closers.push(close);
  }

  async close(): Promise<void> {
    for (const c of this.closers.reverse()) await c().catch(() => undefined);
    this.closers.length = 0;
  }
}
