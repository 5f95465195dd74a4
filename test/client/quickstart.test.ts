import { expect } from 'chai';
import { Drill } from '../../samples/quickstart';
import { Fixture, recordEvents, until } from './helpers';

describe('the README quickstart', () => {
  const f = new Fixture();
  afterEach(() => f.close());

  it('registers, streams temperatures and answers drill calls with drillFinished and the correlation id', async () => {
    const broker = await f.broker();
    const events = recordEvents(broker);
    const app = await f.app(Drill, { url: broker.url });
    await app.instance.temperature.emit(21.5);
    const log = console.log;
    console.log = () => undefined; // the sample prints what it drills
    try {
      await broker.callFunction(app.uuid, 'drill', { dataObject: { jobId: 'J-1', depthMm: 12 } }, 'q-1');
      await until(() => events.length === 2, 'the temperature and the response');
    } finally {
      console.log = log;
    }
    expect(events[0]).to.include({ eventId: 'temperature', dataObject: 21.5 });
    expect(events[1]).to.include({ eventId: 'drillFinished', correlationId: 'q-1', priority: 2 });
    expect(events[1].dataObject).to.deep.equal({ jobId: 'J-1', durationMs: 600 });
  });
});
