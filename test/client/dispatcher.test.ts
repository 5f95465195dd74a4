import { expect } from 'chai';
import { DataType, Event, MsbFunction, Payload, CorrelationId, SmartObject, respond } from '../../lib';
import type { MsbError, MsbEvent, ResponseEvent } from '../../lib';
import { Dispatcher } from '../../lib/client/dispatcher';
import type { EventModel } from '../../lib/metadata/model';
import { loadService } from '../../lib/metadata/self-description';

@SmartObject({ uuid: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', name: 'Unit', token: 't' })
class Unit {
  release?: () => void;
  @Event({ dataType: DataType.INT32 }) doubled!: MsbEvent<number>;
  @Event({ dataType: DataType.STRING }) said!: MsbEvent<string>;

  @MsbFunction({ id: 'double', dataType: DataType.INT32, responseEvents: ['doubled'] })
  double(@Payload() n: number): number { return 2 * n; }

  @MsbFunction({ id: '/either', dataType: DataType.STRING, responseEvents: ['doubled', 'said'] })
  either(@Payload() s: string, @CorrelationId() id?: string): ResponseEvent<unknown> {
    return s === 'n' ? respond('doubled', 1) : respond('said', `${s}:${id}`);
  }

  @MsbFunction({ id: 'slow' })
  slow(): Promise<void> { return new Promise((resolve) => { this.release = resolve; }); }
}

function dispatcher(options: Partial<{ maxConcurrentCalls: number; maxQueuedCalls: number; callTimeoutMs: number }> = {}) {
  const { model, instance } = loadService(Unit, { env: false, propertiesFile: false });
  const published: Array<{ eventId: string; value: unknown; correlationId?: string }> = [];
  const reported: MsbError[] = [];
  const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const d = new Dispatcher(instance, model.functions, model.events, {
    validate: true, maxConcurrentCalls: 2, maxQueuedCalls: 1, callTimeoutMs: 0, logger: quiet, ...options,
    publish: async (event: EventModel, value, call) => { published.push({ eventId: event.eventId, value, correlationId: call.correlationId }); },
    report: (e) => reported.push(e),
  });
  return { d, published, reported, instance: instance as Unit };
}

describe('client/dispatcher (no socket)', () => {
  it('validates, calls, and publishes the response with the correlation id; "/x" and "x" reach the same function', async () => {
    const { d, published } = dispatcher();
    expect(await d.handle({ uuid: 'u', functionId: '/double', correlationId: 'c1', functionParameters: { dataObject: 21 } })).to.deep.equal([]);
    expect(await d.handle({ uuid: 'u', functionId: 'either', correlationId: 'c2', functionParameters: { dataObject: 'hi' } })).to.deep.equal([]);
    expect(published).to.deep.equal([{ eventId: 'doubled', value: 42, correlationId: 'c1' }, { eventId: 'said', value: 'hi:c2', correlationId: 'c2' }]);
  });

  it('reports an unknown function and an invalid payload, naming them, and calls nothing', async () => {
    const { d, published, reported } = dispatcher();
    const [unknown] = await d.handle({ uuid: 'u', functionId: 'nope', correlationId: 'c3', functionParameters: {} });
    const [invalid] = await d.handle({ uuid: 'u', functionId: 'double', correlationId: 'c4', functionParameters: { dataObject: 'x' } });
    expect(unknown.message).to.equal('Function nope (correlationId c3): no such function in this service; the call is ignored');
    expect(invalid.message).to.match(/^Invalid value for function double \(correlationId c4\): /);
    expect(reported).to.deep.equal([unknown, invalid]);
    expect(published).to.deep.equal([]);
  });

  it('runs at most maxConcurrentCalls at once, queues up to maxQueuedCalls, refuses beyond, and says when it is idle', async () => {
    const { d, reported, instance } = dispatcher({ maxConcurrentCalls: 1, maxQueuedCalls: 1 });
    const first = d.handle({ uuid: 'u', functionId: 'slow', functionParameters: {} });
    const second = d.handle({ uuid: 'u', functionId: 'slow', functionParameters: {} });
    const [refused] = await d.handle({ uuid: 'u', functionId: 'slow', correlationId: 'c5', functionParameters: {} });
    expect(refused.message).to.equal('Function slow (correlationId c5): refused: 1 calls are already waiting');
    expect(d.pending).to.equal(2);
    let idle = false;
    const whenIdle = d.idle().then(() => { idle = true; });
    instance.release!();
    expect(await first).to.deep.equal([]);
    expect(idle).to.equal(false);
    instance.release!();
    expect(await second).to.deep.equal([]);
    await whenIdle;
    expect(d.pending).to.equal(0);
    expect(reported).to.have.length(1);
  });
});
