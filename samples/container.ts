import 'reflect-metadata';
import { DataType, Event, MsbFunction, OnClose, OnRegistered, Payload, SmartObject, bootstrap } from '../lib';
import type { BootstrapOptions, MsbApp, MsbEvent } from '../lib';

/** What the service needs from the machine; the real one talks to a PLC, tests use a fake. */
export interface SpindleDriver {
  setSpeed(rpm: number): Promise<void>;
  readTemperature(): number;
  park(): Promise<void>;
}

/** A stand-in for the PLC driver. */
export class SimulatedDriver implements SpindleDriver {
  rpm = 0;
  parked = false;
  async setSpeed(rpm: number): Promise<void> { this.rpm = rpm; this.parked = false; }
  readTemperature(): number { return 20 + this.rpm / 100; }
  async park(): Promise<void> { this.rpm = 0; this.parked = true; }
}

/**
 * A service with a dependency: its constructor takes the driver, so `bootstrap` (and
 * `testService`) get it from a factory. The lifecycle hooks start and stop the temperature
 * reports and park the spindle when the process is told to stop.
 */
@SmartObject({ uuid: '2e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b', name: 'Spindle', description: 'Spindle of drill 7', token: '1a0f9e8d7c6b' })
export class Spindle {
  @Event({ dataType: DataType.FLOAT, description: 'Spindle temperature in °C' }) temperature!: MsbEvent<number>;
  @Event({ dataType: DataType.INT32, description: 'The speed was set', priority: 'MEDIUM' }) speedSet!: MsbEvent<number>;
  @Event({ description: 'The spindle was parked for a shutdown', priority: 'HIGH' }) parked!: MsbEvent;

  private timer?: NodeJS.Timeout;

  constructor(private readonly driver: SpindleDriver, private readonly reportEveryMs = 1000) {}

  @MsbFunction({ id: 'setSpeed', description: 'Set the spindle speed', dataType: DataType.INT32, responseEvents: ['speedSet'] })
  async setSpeed(@Payload() rpm: number): Promise<number> {
    await this.driver.setSpeed(rpm);
    return rpm;
  }

  /** Reports start once registered (again after each reconnect: the timer is made once). */
  @OnRegistered()
  startReports(): void {
    this.timer ??= setInterval(() => void this.temperature.emit(this.driver.readTemperature()).catch(() => undefined), this.reportEveryMs);
  }

  /** Awaited by close(): the last event still goes out, then the outbox is flushed. */
  @OnClose()
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.driver.park();
    await this.parked.emit();
  }
}

/** The smallest container there is: a map of factories. NestJS, tsyringe or inversify play the same part. */
export function createContainer(driver: SpindleDriver = new SimulatedDriver()): { get(token: typeof Spindle): Spindle } {
  const spindle = new Spindle(driver);
  return { get: () => spindle };
}

/** Starts the spindle service; SIGINT/SIGTERM close it cleanly (spindle parked, events flushed). */
export function startSpindle(url: string, options: Omit<BootstrapOptions<Spindle>, 'instance' | 'factory'> = {}): Promise<MsbApp<Spindle>> {
  const container = createContainer();
  return bootstrap(Spindle, { url, factory: () => container.get(Spindle), closeOnSignals: ['SIGINT', 'SIGTERM'], ...options });
}

if (require.main === module) {
  startSpindle(process.argv[2] ?? process.env.MSB_URL ?? 'ws://localhost:8085').catch((e: unknown) => {
    console.error((e as Error).message);
    process.exitCode = 1;
  });
}
