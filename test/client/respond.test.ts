import { expect } from 'chai';
import { DataType, Event, MsbFunction, Payload, SmartObject, respond } from '../../lib';
import type { MsbEvent, ResponseEvent } from '../../lib';
import { Fixture, recordEvents, until } from '../support';

@SmartObject({ uuid: '3c4d5e6f-7081-4923-a4b5-c6d7e8f90a1b', name: 'Responder', token: 'responder-token' })
class Responder {
  @Event({ dataType: DataType.STRING, priority: 'MEDIUM' }) done!: MsbEvent<string>;
  @Event({ dataType: DataType.STRING }) failed!: MsbEvent<string>;

  @MsbFunction({ id: 'work', dataType: DataType.STRING, responseEvents: ['done', 'failed'] })
  work(@Payload() how: string): ResponseEvent<string> {
    if (how === 'urgent-failure') return respond('failed', 'urgent', { priority: 'HIGH', postDate: new Date('2020-01-02T03:04:05.678Z') });
    return respond('done', how);
  }
}

describe('runtime: response events with their own options', () => {
  const f = new Fixture();
  afterEach(() => f.close());

  it('a response event has its @Event priority by default, and respond(…, { priority, postDate }) overrides them', async () => {
    const broker = await f.startBroker();
    const events = recordEvents(broker);
    const app = await f.app(Responder, { url: broker.url });
    await broker.callFunction(app.uuid, 'work', { dataObject: 'fine' }, 'c1');
    await broker.callFunction(app.uuid, 'work', { dataObject: 'urgent-failure' }, 'c2');
    await until(() => events.length === 2, 'both responses');
    expect(events[0]).to.include({ eventId: 'done', priority: 1, correlationId: 'c1', dataObject: 'fine' });
    expect(events[1]).to.include({ eventId: 'failed', priority: 2, correlationId: 'c2', postDate: '2020-01-02T03:04:05.678Z' });
  });
});
