import 'reflect-metadata';
import { DataType, Event, MsbFunction, OnClose, OnDisconnected, OnRegistered, Payload, SmartObject } from '../../lib';
import type { MsbEvent } from '../../lib';

/** A dependency handed in by a container: the service has no no-argument constructor. */
export class Counter {
  private n = 0;
  next(): number { return ++this.n; }
}

export const LIFECYCLE_UUID = '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';

/** Records its lifecycle; emits `bye` from @OnClose. */
@SmartObject({ uuid: LIFECYCLE_UUID, name: 'Lifecycle', token: 'lifecycle-token' })
export class Lifecycle {
  @Event({ dataType: DataType.INT32 }) tick!: MsbEvent<number>;
  @Event({ dataType: DataType.STRING }) bye!: MsbEvent<string>;
  readonly log: string[] = [];
  failOnClose = false;

  constructor(private readonly counter: Counter) {}

  @MsbFunction({ id: 'next', responseEvents: ['tick'] })
  next(): number {
    return this.counter.next();
  }

  @MsbFunction({ id: 'echo', dataType: DataType.STRING })
  echo(@Payload() text: string): void {
    this.log.push(`echo ${text}`);
  }

  @OnRegistered() registered(): void { this.log.push('registered'); }
  @OnDisconnected() disconnected(info: { code: number; reconnectInMs?: number }): void {
    this.log.push(`disconnected ${info.reconnectInMs !== undefined ? 'reconnecting' : 'for good'}`);
  }

  @OnClose() async closing(): Promise<void> {
    this.log.push('closing');
    if (this.failOnClose) throw new Error('cannot park the spindle');
    await this.bye.emit(`closed after ${this.counter.next() - 1} ticks`);
  }
}
