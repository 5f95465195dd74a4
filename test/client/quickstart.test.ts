import { expect } from 'chai';
import { join } from 'node:path';
import { ROOT, cleanEnv, start } from '../cli/processes';
import { Fixture, recordEvents, until, waitFor } from '../support';

const QUICKSTART = join(ROOT, 'dist', 'samples', 'quickstart.js');
const DRILL_UUID = '76499d88-34cf-4836-8cc1-7e0d9c54dac1';

describe('the README quickstart, run as a program', function () {
  this.timeout(20_000);
  const f = new Fixture();
  afterEach(() => f.close());

  it('registers, streams temperatures, answers drill calls with drillFinished and the correlation id, and stops on Ctrl-C', async () => {
    const broker = await f.startBroker();
    const events = recordEvents(broker);
    const registered = waitFor(broker, 'registered', (r: { uuid: string }) => r.uuid === DRILL_UUID, 15_000);
    const program = start(process.execPath, [QUICKSTART], cleanEnv({ MSB_URL: broker.url }));
    f.defer(async () => { program.signal('SIGKILL'); await program.exited; });
    await registered;
    await broker.callFunction(DRILL_UUID, 'drill', { dataObject: { jobId: 'J-1', depthMm: 12 } }, 'q-1');
    await until(() => events.some((e) => e.eventId === 'drillFinished') && events.some((e) => e.eventId === 'temperature'), 'the response and a temperature', 15_000);
    const finished = events.find((e) => e.eventId === 'drillFinished')!;
    expect(finished).to.include({ correlationId: 'q-1', priority: 2 });
    expect(finished.dataObject).to.deep.equal({ jobId: 'J-1', durationMs: 600 });
    expect(events.find((e) => e.eventId === 'temperature')!.dataObject).to.equal(21.5);
    await program.waitFor(/drilling J-1 \(correlation q-1\)/);
    program.signal('SIGINT');
    const { code, signal } = await program.exited;
    expect({ code, signal }, program.stderr).to.deep.equal({ code: 0, signal: null });
  });
});
