import { expect } from 'chai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MsbConnectionError, MsbRegistrationError } from '../../lib';
import { Fixture, recordEvents, until, waitFor } from '../support';
import { TestDrill } from './services';

describe('runtime: connection problems are loud, once, with their cause', function () {
  this.timeout(20_000);
  const f = new Fixture();
  afterEach(() => f.close());

  it('warns once, at the first failed attempt, with the url and the retry plan; not at every retry', async () => {
    const broker = await f.startBroker();
    const url = broker.url;
    await broker.close();
    const app = await f.app(TestDrill, { url, waitForRegistration: false, reconnect: { initialDelayMs: 10, maxDelayMs: 20 } });
    let failures = 0;
    app.on('disconnected', () => { failures++; });
    await until(() => failures >= 4, 'four failed attempts');
    const warnings = f.logger.lines.filter((l) => l.level === 'warn');
    expect(warnings.map((w) => w.message)).to.deep.equal([
      `Cannot connect to the MSB at ${url} (connect ECONNREFUSED 127.0.0.1:${new URL(url).port}); retrying with a growing delay from 10 ms up to 20 ms, first in ${warnings[0].message.match(/first in (\d+) ms/)![1]} ms`,
    ]);
  });

  it('fails bootstrap at once when the server refuses the websocket upgrade with an HTTP 4xx, naming the status and the url', async () => {
    const server = createServer((_req, res) => { res.writeHead(404).end('not here'); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    f.defer(() => new Promise((resolve) => server.close(resolve)));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Far beyond the test's own timeout: a retry loop would fail the test.
    const error = await f.app(TestDrill, { url, registrationTimeoutMs: 600_000 }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(MsbConnectionError);
    expect((error as Error).message).to.equal(`The MSB at ${url} refused the websocket upgrade with HTTP 404; is this the MSB's websocket interface (for example ws://host:8085)? Not retried`);
  });

  it('says once that it registered, and after a loss how long it was offline and how many cached events it sent', async () => {
    const broker = await f.startBroker();
    const port = Number(new URL(broker.url).port);
    const app = await f.app(TestDrill, { url: broker.url });
    const infos = () => f.logger.lines.filter((l) => l.level === 'info').map((l) => l.message);
    expect(infos()).to.deep.equal([`Registered Drill 7 (${app.uuid}) at ${broker.url}`]);
    await app.setConfig('speedRpm', 1500); // a re-registration that followed no loss says nothing at info level
    await waitFor(app, 'registered');
    await broker.close();
    await until(() => app.state !== 'registered', 'the loss is noticed');
    for (let i = 0; i < 3; i++) await app.instance.int32.emit(i);
    const broker2 = await f.startBroker({ port });
    const events = recordEvents(broker2);
    await app.flush(10_000);
    expect(events).to.have.length(3);
    const last = infos()[infos().length - 1];
    expect(last).to.match(/^Re-registered Drill 7 after \d+\.\d s offline; 3 cached events sent$/);
    expect(infos().filter((m) => /egistered/.test(m))).to.have.length(2);
  });

  it('names the likely causes of a registration refusal', () => {
    expect(new MsbRegistrationError('NIO_ALREADY_CONNECTED', 'u').message).to.equal(
      'The MSB refused the registration of service u: NIO_ALREADY_CONNECTED; another live connection holds this uuid: is a second instance of this service running? Give each instance its own uuid',
    );
    expect(new MsbRegistrationError('NIO_REGISTRATION_ERROR', 'u', 'token does not match').message).to.match(/NIO_REGISTRATION_ERROR \(token does not match\); likely causes: a wrong token for this uuid/);
    expect(new MsbRegistrationError('NIO_SOMETHING_NEW' as never, 'u').message).to.match(/NIO_SOMETHING_NEW; see the MSB log$/);
  });
});
