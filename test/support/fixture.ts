/**
 * The one test fixture: brokers, services and test clients a test starts, closed in reverse
 * order after it, with every event they emit announced to `until`.
 */
import { startBroker } from '../../lib/broker';
import type { Broker, BrokerOptions } from '../../lib/broker';
import { bootstrap } from '../../lib';
import type { BootstrapOptions, Logger, MsbApp, ServiceClass } from '../../lib';
import { reservedPort } from './ports';
import { TestClient } from './test-client';
import { announceChanges, changed } from './wait';

/** A logger that keeps what it was told, so tests can assert on warnings. */
export class RecordingLogger implements Logger {
  readonly lines: Array<{ level: string; message: string }> = [];
  debug(message: string): void { this.record('debug', message); }
  info(message: string): void { this.record('info', message); }
  warn(message: string): void { this.record('warn', message); }
  error(message: string): void { this.record('error', message); }
  text(): string { return this.lines.map((l) => `${l.level}: ${l.message}`).join('\n'); }
  has(level: string, pattern: RegExp): boolean { return this.lines.some((l) => l.level === level && pattern.test(l.message)); }
  private record(level: string, message: string): void {
    this.lines.push({ level, message });
    changed();
  }
}

/** An event the broker accepted, as `recordEvents` keeps it. */
export interface RecordedEvent {
  uuid: string;
  eventId: string;
  dataObject?: unknown;
  correlationId?: string;
  priority: unknown;
  postDate: string;
}

/** Collects the broker's accepted events, in order. */
export function recordEvents(broker: Broker): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  broker.on('event', ({ event }) => {
    out.push(event as RecordedEvent);
    changed();
  });
  return out;
}

// Not 'error': a service logs its errors only while nobody listens to them.
const APP_EVENTS = ['registered', 'disconnected', 'functionCall', 'configChanged', 'stateChange', 'dropped'] as const;
const BROKER_EVENTS = ['connection', 'registered', 'event', 'call', 'config', 'disconnected', 'rejected', 'protocolError', 'undeliverable'] as const;

/** Resources a test made (brokers, services, test clients), closed in reverse order after it. */
export class Fixture {
  private readonly closers: Array<() => Promise<unknown>> = [];
  readonly logger = new RecordingLogger();
  private current?: Broker;

  /**
   * @param brokerDefaults options every broker of this fixture starts with (the client tests turn
   *   the broker's rate limit off, since they send bursts on purpose)
   */
  constructor(private readonly brokerDefaults: BrokerOptions = { rateLimit: false }) {}

  /**
   * A fixture that starts a broker with `options` before each test of the enclosing `describe`
   * (as `broker`) and closes everything after it.
   */
  static eachTest(options: BrokerOptions = {}): Fixture {
    const fx = new Fixture({});
    beforeEach(async () => {
      await fx.startBroker(options);
    });
    afterEach(() => fx.close());
    return fx;
  }

  /** The broker this fixture started last. */
  get broker(): Broker {
    if (!this.current) throw new Error('no broker started yet: call startBroker() (or use Fixture.eachTest)');
    return this.current;
  }

  /**
   * Starts a broker on a reserved port (see `reservedPort`), so that a test may close it and start
   * another on the same port while other test files run in parallel.
   */
  async startBroker(options: BrokerOptions = {}): Promise<Broker> {
    const b = announceChanges(await startBroker({ ...this.brokerDefaults, ...options, port: options.port ?? (await reservedPort()) }), BROKER_EVENTS);
    this.closers.push(() => b.close());
    this.current = b;
    return b;
  }

  /** Closes the current broker and starts one with `options` in its place. */
  async restart(options: BrokerOptions = {}): Promise<Broker> {
    await this.current?.close();
    return this.startBroker(options);
  }

  /** Starts a service; a class with constructor arguments needs `instance` or `factory` in `options`, as with `bootstrap`. */
  async app<T extends object>(cls: ServiceClass<T>, options: BootstrapOptions<T>): Promise<MsbApp<T>> {
    const app = await bootstrap(cls as new () => T, { env: false, propertiesFile: false, logger: this.logger, reconnect: { initialDelayMs: 20, maxDelayMs: 200 }, ...options });
    announceChanges(app, APP_EVENTS);
    this.closers.push(() => app.close());
    return app;
  }

  /** Connects a test client to the current broker; it is closed after the test. */
  async connect(opts: Parameters<typeof TestClient.connect>[1] = {}): Promise<TestClient> {
    return this.track(await TestClient.connect(this.broker.url, opts));
  }

  /** Closes `c` after the test, like the clients `connect` makes. */
  track(c: TestClient): TestClient {
    this.closers.push(() => c.close());
    return c;
  }

  defer(close: () => Promise<unknown>): void {
    this.closers.push(close);
  }

  async close(): Promise<void> {
    for (const c of this.closers.reverse()) await c().catch(() => undefined);
    this.closers.length = 0;
    this.current = undefined;
  }
}
