import { expect } from 'chai';
import { generate } from 'selfsigned';
import type { Broker } from '../../lib/broker';
import { MsbConnectionError } from '../../lib';
import { Fixture, until, waitFor } from '../support';
import { TestDrill } from './services';

async function certificate(commonName: string, altNames: Array<{ type: 2 | 7; value?: string; ip?: string }>) {
  return generate([{ name: 'commonName', value: commonName }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames }],
  } as Parameters<typeof generate>[1]);
}

describe('runtime: TLS', function () {
  this.timeout(20_000);
  const f = new Fixture();
  afterEach(() => f.close());
  let localhost: Awaited<ReturnType<typeof certificate>>;
  let otherHost: Awaited<ReturnType<typeof certificate>>;
  before(async () => {
    localhost = await certificate('localhost', [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }]);
    otherHost = await certificate('msb.example.org', [{ type: 2, value: 'msb.example.org' }]);
  });

  it('refuses a self-signed certificate by default', async () => {
    const broker = await f.startBroker({ tls: { key: localhost.private, cert: localhost.cert } });
    expect(broker.url).to.match(/^wss:/);
    const error = await f.app(TestDrill, { url: broker.url, reconnect: false }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(MsbConnectionError);
    expect((error as Error).message).to.match(/self[- ]signed certificate/);
    expect(broker.services()).to.have.length(0);
    const retrying = await f.app(TestDrill, { url: broker.url, registrationTimeoutMs: 300 }).then(() => undefined, (e: unknown) => e);
    expect((retrying as Error).message).to.match(/within 300 ms \(last problem: .*self[- ]signed certificate/);
  });

  it('accepts it when its CA is given, over wss and https URLs alike', async () => {
    const broker = await f.startBroker({ tls: { key: localhost.private, cert: localhost.cert } });
    const app = await f.app(TestDrill, { url: broker.url.replace(/^wss:/, 'https:'), tls: { ca: localhost.cert } });
    expect(app.state).to.equal('registered');
  });

  it('checks the hostname even when the CA is trusted', async () => {
    const broker = await f.startBroker({ tls: { key: otherHost.private, cert: otherHost.cert } });
    const error = await f.app(TestDrill, { url: broker.url, tls: { ca: otherHost.cert }, reconnect: false }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(MsbConnectionError);
    expect((error as Error).message).to.match(/Hostname\/IP does not match|altnames/i);
    expect(broker.services()).to.have.length(0);
  });

  it('connects without checks only when rejectUnauthorized is false, and warns about it', async () => {
    const broker = await f.startBroker({ tls: { key: otherHost.private, cert: otherHost.cert } });
    const app = await f.app(TestDrill, { url: broker.url, tls: { rejectUnauthorized: false } });
    expect(app.state).to.equal('registered');
    expect(f.logger.has('warn', /TLS certificate and hostname checks are OFF/)).to.equal(true);
  });
});

describe('runtime: broker restarts while publishing', function () {
  this.timeout(30_000);
  const f = new Fixture();
  afterEach(() => f.close());

  for (const sockJsFraming of [true, false]) {
    it(`loses no event, duplicates none and keeps the order across three restarts (${sockJsFraming ? 'SockJS' : 'raw'})`, async () => {
      let broker: Broker = await f.startBroker();
      const port = broker.port;
      const received: number[] = [];
      const record = (b: Broker) => b.on('event', ({ event }) => received.push(event.dataObject as number));
      record(broker);
      const app = await f.app(TestDrill, { url: broker.url, sockJsFraming, heartbeatMs: 0 });
      // 1000 events/s, as in the field; the default cache (1000) holds every outage here.
      const total = 3000;
      const perMs = 1;
      let emitted = 0;
      const start = Date.now();
      const producer = (async () => {
        while (emitted < total) {
          const due = Math.min(total, Math.floor((Date.now() - start) * perMs));
          for (; emitted < due; emitted++) await app.instance.int32.emit(emitted);
          await new Promise((r) => setTimeout(r, 1));
        }
      })();
      for (let restart = 1; restart <= 3; restart++) {
        await until(() => emitted >= (total * restart) / 4, `the producer passed ${(total * restart) / 4}`, 10_000);
        await broker.close();
        broker = await f.startBroker({ port });
        record(broker);
        await waitFor(app, 'registered', () => true, 10_000);
      }
      await producer;
      await until(() => received.length >= total, () => `all ${total} events arrived (got ${received.length})`, 15_000);
      expect(received.length).to.equal(total);
      expect(received).to.deep.equal([...Array(total).keys()]);
      expect(app.counters().reconnects).to.be.greaterThanOrEqual(3);
    });
  }
});
