import { expect } from 'chai';
import * as net from 'node:net';
import { Broker, startBroker } from '../../lib/broker';
import { TestClient, isPublishAnswer, isRegistrationAnswer, smartObject, uid, waitFor, within } from '../support';

describe('broker: bad input never crashes it or disturbs other connections', function () {
  this.timeout(10000);
  let broker: Broker;
  let bystander: TestClient;
  let bystanderUuid: string;
  const clients: TestClient[] = [];
  const connect = async (opts: Parameters<typeof TestClient.connect>[1] = {}): Promise<TestClient> => {
    const c = await TestClient.connect(broker.url, opts);
    clients.push(c);
    return c;
  };
  const start = async (options: Parameters<typeof startBroker>[0] = {}): Promise<void> => {
    if (broker) await broker.close();
    broker = await startBroker(options);
    bystander = await connect();
    bystanderUuid = uid('bystander');
    expect(await bystander.registerAndWait(smartObject(bystanderUuid))).to.equal('IO_REGISTERED');
  };
  /** The bystander still registers and publishes normally. */
  const bystanderWorks = async (): Promise<void> => {
    bystander.publish({ uuid: bystanderUuid, eventId: 'EV1', dataObject: 'still here' });
    expect(await bystander.next(isPublishAnswer)).to.equal('IO_PUBLISHED');
    expect(bystander.closeInfo).to.equal(undefined);
  };

  beforeEach(async () => {
    await start();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await broker.close();
    broker = undefined as unknown as Broker;
  });

  it('a SockJS frame that is not JSON → close 1007 with a reason, protocolError emitted', async () => {
    const c = await connect();
    const err = waitFor(broker, 'protocolError', (e: { reason: string }) => e.reason.includes('bad JSON'));
    c.sendFrame('R {"uuid":"x"}');
    const closed = await c.waitClosed();
    expect(closed.code).to.equal(1007);
    expect(closed.reason).to.match(/JSON array of strings/);
    expect((await err).excerpt).to.equal('R {"uuid":"x"}');
    await bystanderWorks();
  });

  it('SockJS frames of the wrong shape → close 1007', async () => {
    for (const frame of ['{"a":1}', '[1,2]', '"R {}"', 'null']) {
      const c = await connect();
      c.sendFrame(frame);
      expect((await c.waitClosed()).code, frame).to.equal(1007);
    }
    await bystanderWorks();
  });

  it('unknown prefixes → NIO, the connection stays usable', async () => {
    const c = await connect();
    c.send('X {"a":1}');
    expect(await c.next((m) => m.startsWith('NIO'))).to.equal('NIO');
    c.send('');
    expect(await c.next((m) => m.startsWith('NIO'))).to.equal('NIO');
    expect(await c.registerAndWait(smartObject(uid()))).to.equal('IO_REGISTERED');
  });

  it('bad JSON in R / E → NIO_REGISTRATION_ERROR / NIO_EVENT_FORWARDING_ERROR (raw and SockJS)', async () => {
    for (const sockJs of [true, false]) {
      const c = await connect({ sockJs });
      c.send('R {"uuid": "desc line1\\line2"}'); // the Py newline bug
      expect(await c.next(isRegistrationAnswer)).to.equal('NIO_REGISTRATION_ERROR');
      c.send('R [1,2]');
      expect(await c.next(isRegistrationAnswer)).to.equal('NIO_REGISTRATION_ERROR');
      c.send('E {"uuid":');
      expect(await c.next(isPublishAnswer)).to.equal('NIO_EVENT_FORWARDING_ERROR');
      c.send('E {"uuid":"u"}');
      expect(await c.next(isPublishAnswer)).to.equal('NIO_EVENT_FORWARDING_ERROR');
    }
    await bystanderWorks();
  });

  it('binary frames → close 1003', async () => {
    const c = await connect();
    c.sendFrame(Buffer.from('["R {}"]'), true);
    const closed = await c.waitClosed();
    expect(closed.code).to.equal(1003);
    expect(closed.reason).to.match(/binary/);
    await bystanderWorks();
  });

  it('oversized messages → close 1009', async () => {
    await start({ maxMessageBytes: 2000 });
    const c = await connect();
    const err = waitFor(broker, 'protocolError', (e: { reason: string }) => /websocket error/.test(e.reason));
    c.register(smartObject(uid(), { description: 'x'.repeat(5000) }));
    expect((await c.waitClosed()).code).to.equal(1009);
    expect((await err).reason).to.match(/WS_ERR_UNSUPPORTED_MESSAGE_LENGTH|Max payload/i);
    expect(broker.stats().refused.messageBytes).to.equal(1);
    await bystanderWorks();
  });

  it('floods → close 1008 once the per-connection rate limit is exceeded', async () => {
    await start({ rateLimit: { burst: 20, perSecond: 5 } });
    const c = await connect();
    const uuid = uid();
    c.register(smartObject(uuid));
    for (let i = 0; i < 200; i++) c.publish({ uuid, eventId: 'EV1', dataObject: i });
    const closed = await c.waitClosed();
    expect(closed.code).to.equal(1008);
    expect(closed.reason).to.match(/rate limit/);
    const published = c.queue.filter((m) => m === 'IO_PUBLISHED').length;
    expect(published).to.be.at.most(20);
    expect(broker.stats().refused.rateLimit).to.equal(1);
    await bystanderWorks();
  });

  it('half-open sockets (no answer to websocket pings) are terminated', async () => {
    await start({ keepAliveMs: 40 });
    const c = await connect({ ws: { autoPong: false } });
    const uuid = uid();
    await c.registerAndWait(smartObject(uuid));
    const gone = await waitFor(broker, 'disconnected', (d: { uuids: string[] }) => d.uuids.includes(uuid), 3000);
    expect(gone.code).to.equal(1006);
    expect((await c.waitClosed()).code).to.equal(1006);
    // the bystander answers pings (ws does by default) and survives several periods
    await bystanderWorks();
    await bystander.barrier(smartObject(bystanderUuid));
    expect(broker.services().find((s) => s.uuid === bystanderUuid)?.connected).to.equal(true);
  });

  it('random garbage frames on a raw connection get NIO answers and never crash the broker', async () => {
    await start({ rateLimit: false });
    const c = await connect({ sockJs: false });
    const garbage = ['', ' ', 'R', 'E', 'R {', 'E null', 'K {}', 'C {}', '\u0000', 'pong pong', '{"a":1}', '["R {}"]', 'R {"@class":"SmartObject"}', 'x'.repeat(10000)];
    for (const g of garbage) c.sendFrame(g);
    for (let i = 0; i < garbage.length; i++) expect(await c.next((m) => m.startsWith('NIO'))).to.match(/^NIO/);
    expect(await c.registerAndWait(smartObject(uid()))).to.equal('IO_REGISTERED');
    await bystanderWorks();
  });

  it('registrations with __proto__ keys do not pollute prototypes', async () => {
    const c = await connect();
    const uuid = uid();
    c.send(`R {"__proto__":{"polluted":true},"uuid":"${uuid}","@class":"SmartObject","events":[{"eventId":"A","__proto__":{"polluted":1}}],"constructor":{"prototype":{"polluted":2}}}`);
    expect(await c.next(isRegistrationAnswer)).to.equal('IO_REGISTERED');
    const res = await fetch(`${broker.httpUrl}/service/${uuid}`);
    expect(res.status).to.equal(200);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('a throwing "event" listener does not break the protocol', async () => {
    broker.on('event', () => {
      throw new Error('listener bug');
    });
    await bystanderWorks();
    await bystanderWorks();
  });

  it('garbage instead of HTTP, and maxConnections → 503 on upgrade', async () => {
    const sock = net.connect(broker.port, '127.0.0.1');
    await within(new Promise((r) => sock.once('connect', r)), 2000, 'tcp connect');
    const answer = within(new Promise<string>((r) => sock.once('data', (d) => r(d.toString()))), 2000, 'HTTP answer');
    sock.write('THIS IS NOT HTTP\r\n\r\n');
    expect(await answer).to.match(/^HTTP\/1.1 400/);
    sock.destroy();
    await bystanderWorks();
    await start({ maxConnections: 1 });
    let err: Error | undefined;
    await TestClient.connect(broker.url).catch((e: Error) => (err = e));
    expect(err?.message).to.equal('HTTP 503');
    await bystanderWorks();
  });
});

describe('broker: shutdown leaves no handles', () => {
  it('close() releases every server socket it created', async () => {
    // Only this broker's servers count: other test files may share the process.
    const listening = (ports: number[]): number[] =>
      (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles()
        .filter((h): h is net.Server => h instanceof net.Server && h.listening)
        .map((s) => (s.address() as net.AddressInfo).port)
        .filter((p) => ports.includes(p));
    const broker = await startBroker({ heartbeatMs: 10, pingMs: 10, keepAliveMs: 10, msbPorts: { websocket: 0, smartObjects: 0, flows: 0 } });
    const msb = broker.msb!;
    const ports = [broker.port, msb.websocketPort, msb.smartObjectsPort, msb.flowsPort];
    expect(listening(ports).sort()).to.deep.equal([...ports].sort());
    const c = await TestClient.connect(broker.url);
    await c.registerAndWait(smartObject(uid()));
    await fetch(`${broker.httpUrl}/service`);
    await broker.close();
    await c.waitClosed();
    expect(listening(ports)).to.deep.equal([]);
    await broker.close(); // idempotent
  });
});
