import { expect } from 'chai';
import { DataType, Event, MsbEvent, MsbFunction, Payload, SmartObject, CorrelationId, MsbFunctionError } from '../../lib';
import type { MsbError } from '../../lib';
import { Fixture, recordEvents, until } from '../support';

const UUID = '7f3e1c52-0d9a-4b8c-9e4f-5a6b7c8d9e0f';

@SmartObject({ uuid: UUID, name: 'Busy', token: 'busy-token' })
class Busy {
  running = 0;
  maxRunning = 0;
  release?: () => void;
  gate?: Promise<void>;

  @Event({ id: 'DONE', dataType: DataType.INT32 }) done!: MsbEvent<number>;

  @MsbFunction({ id: 'WORK', dataType: DataType.INT32, responseEvents: ['DONE'] })
  async work(@Payload() n: number, @CorrelationId() _id?: string): Promise<number> {
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    await (this.gate ?? new Promise((r) => setImmediate(r)));
    this.running--;
    return n * 2;
  }
}

describe('faults: many concurrent function calls', function () {
  this.timeout(30_000);
  const f = new Fixture();
  afterEach(() => f.close());

  it('answers 5000 calls sent at once, at most maxConcurrentCalls at a time, each with its own correlation id', async () => {
    const broker = await f.startBroker();
    const events = recordEvents(broker);
    const app = await f.app(Busy, { url: broker.url, maxConcurrentCalls: 64 });
    const n = 5000;
    await Promise.all(Array.from({ length: n }, (_, i) => broker.callFunction(UUID, 'WORK', { dataObject: i }, `c-${i}`)));
    await until(() => events.length === n, () => `${n} responses (have ${events.length})`, 20_000);
    expect(app.instance.maxRunning).to.equal(64);
    const byCorrelation = new Map(events.map((e) => [e.correlationId, e.dataObject]));
    for (let i = 0; i < n; i++) expect(byCorrelation.get(`c-${i}`), `c-${i}`).to.equal(i * 2);
  });

  it('refuses calls beyond maxQueuedCalls with a clear error and serves the rest', async () => {
    const broker = await f.startBroker();
    const events = recordEvents(broker);
    const app = await f.app(Busy, { url: broker.url, maxConcurrentCalls: 2, maxQueuedCalls: 3 });
    const errors: MsbError[] = [];
    app.on('error', (e) => errors.push(e));
    app.instance.gate = new Promise((resolve) => { app.instance.release = resolve; });
    for (let i = 0; i < 10; i++) await broker.callFunction(UUID, 'WORK', { dataObject: i }, `q-${i}`);
    await until(() => errors.length === 5, 'five refusals');
    expect(errors.every((e) => e instanceof MsbFunctionError && /refused: 3 calls are already waiting/.test(e.message))).to.equal(true);
    app.instance.release!();
    await until(() => events.length === 5, 'five answers');
    expect(events.map((e) => e.correlationId).sort()).to.deep.equal(['q-0', 'q-1', 'q-2', 'q-3', 'q-4']);
  });
});
