import { expect } from 'chai';
import { DeliveryError } from '../../lib/broker';
import { decodeServerFrame, parseServerMessage } from '../../lib/protocol';
import { Fixture, TestClient, bodyOf, isPublishAnswer, isRegistrationAnswer, smartObject, uid, waitFor } from '../support';

describe('broker: websocket protocol', function () {
  this.timeout(10000);
  const fx = Fixture.eachTest();
  const connect = (opts: Parameters<typeof fx.connect>[0] = {}): Promise<TestClient> => fx.connect(opts);

  it('SockJS: sends o, then a["IO_CONNECTED"] at once', async () => {
    const c = await connect();
    expect(c.frames.slice(0, 2)).to.deep.equal(['o', 'a["IO_CONNECTED"]']);
  });

  it('raw: sends the bare IO_CONNECTED', async () => {
    const c = await connect({ sockJs: false });
    expect(c.frames[0]).to.equal('IO_CONNECTED');
  });

  it('accepts the C# trailing slash, doubled slashes and 1-digit Java server ids', async () => {
    for (const path of ['/websocket/data/123/abcdef0123456789abcdef0123456789/websocket/', '//websocket/data/7/x/websocket', '/websocket//data/websocket/']) {
      const c = await connect({ path, sockJs: !path.includes('data/websocket') });
      expect(c.frames).to.include(c.sockJs ? 'a["IO_CONNECTED"]' : 'IO_CONNECTED');
    }
  });

  it('refuses upgrades on other paths with 404', async () => {
    for (const path of ['/', '/websocket', '/websocket/data/1234/abc/websocket', '/websocket/data/12/a.b/websocket']) {
      let err: Error | undefined;
      await TestClient.connect(fx.broker.url, { path }).catch((e: Error) => (err = e));
      expect(err?.message, path).to.equal('HTTP 404');
    }
  });

  it('serves GET /websocket/data/info for the Java client', async () => {
    const res = await fetch(`${fx.broker.httpUrl}/websocket/data/info`);
    expect(res.status).to.equal(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).to.include({ websocket: true, cookie_needed: false });
    expect(body.origins).to.deep.equal(['*:*']);
    expect(body.entropy).to.be.a('number');
  });

  it('registers (IO_REGISTERED), emits "registered" and lists the service', async () => {
    const c = await connect();
    const uuid = uid();
    const registered = waitFor(fx.broker, 'registered', (r: { uuid: string }) => r.uuid === uuid);
    expect(await c.registerAndWait(smartObject(uuid))).to.equal('IO_REGISTERED');
    expect((await registered).selfDescription.name).to.equal(`SO ${uuid}`);
    const s = fx.broker.services().find((x) => x.uuid === uuid);
    expect(s).to.include({ name: `SO ${uuid}`, '@class': 'SmartObject', connected: true });
  });

  it('refuses invalid self-descriptions with NIO_REGISTRATION_ERROR and the reason', async () => {
    const c = await connect();
    const cases: Array<[object, RegExp]> = [
      [{ '@class': 'SmartObject' }, /uuid: must be a non-empty string/],
      [smartObject(uid(), { '@class': 'Robot' }), /@class: must be one of SmartObject, Application, Gateway/],
      [smartObject(uid(), { events: [{ name: 'no id' }] }), /events\[0\]\.eventId/],
      [smartObject(uid(), { events: 'x' }), /events: must be an array/],
      [smartObject(uid(), { events: [{ eventId: 'A' }, { eventId: 'A' }] }), /duplicate event id "A"/],
      [smartObject(uid(), { events: [{ eventId: 'A', dataFormat: { dataObject: { type: 'integer', enum: [0], 'x-enumNames': ['a'] } } }] }), /x-enumNames/],
      [smartObject(uid(), { events: [{ eventId: 'A', dataFormat: { other: { type: 'string' } } }] }), /dataObject/],
      [smartObject(uid(), { functions: [{ functionId: 'f', dataFormat: { p: { $ref: '#/definitions/Nope' } } }] }), /names no definition/],
      [smartObject(uid(), { functions: [{ name: 'x' }] }), /functions\[0\]\.functionId/],
      [smartObject(uid(), { functions: [{ functionId: 'f', responseEvents: [99] }] }), /99 names no event @id/],
      [smartObject(uid(), { functions: [{ functionId: 'f', responseEvents: ['EV1'] }] }), /must be an event @id/],
      [smartObject(uid(), { configuration: { parameters: { p: { value: 1, type: 'DECIMAL' } } } }), /type: must be one of integer/],
      [smartObject(uid(), { services: [] }), /only a Gateway/],
    ];
    for (const [sd, re] of cases) {
      const rejected = waitFor(fx.broker, 'rejected', (r: { status: string }) => r.status === 'NIO_REGISTRATION_ERROR');
      expect(await c.registerAndWait(sd)).to.equal('NIO_REGISTRATION_ERROR');
      expect((await rejected).reason).to.match(re);
    }
    expect(fx.broker.services()).to.have.length(0);
  });

  it('accepts the Java dialect: duplicate @class, lower-case config types, function @ids, inline response events', async () => {
    const c = await connect();
    const uuid = uid();
    const frame =
      '["R {\\"@class\\":\\"SmartObject\\",\\"uuid\\":\\"' + uuid + '\\",\\"name\\":\\"name\\",\\"description\\":\\"desc\\",' +
      '\\"configuration\\":{\\"parameters\\":{\\"p1\\":{\\"value\\":123,\\"type\\":\\"integer\\",\\"format\\":\\"int32\\"}}},' +
      '\\"events\\":[{\\"@id\\":1,\\"eventId\\":\\"START\\",\\"dataFormat\\":{\\"dataObject\\":{\\"type\\":\\"string\\",\\"format\\":\\"date-time\\"}}},{\\"@id\\":2,\\"eventId\\":\\"PULSE\\"}],' +
      '\\"functions\\":[{\\"@id\\":1,\\"functionId\\":\\"/functionhandler/testCall\\",\\"dataFormat\\":{\\"param\\":{\\"type\\":\\"string\\"}},\\"responseEvents\\":[1,2]},' +
      '{\\"@id\\":2,\\"functionId\\":\\"/h/x\\",\\"responseEvents\\":[{\\"@id\\":3,\\"eventId\\":\\"LATE\\"}]}],' +
      '\\"token\\":\\"token\\",\\"@class\\":\\"SmartObject\\"}"]';
    c.sendFrame(frame);
    expect(await c.next(isRegistrationAnswer)).to.equal('IO_REGISTERED');
  });

  it('accepts the C# dialect: 0-based @id, {} data formats, trailing newline, two services on one socket', async () => {
    const c = await connect();
    const app = uid('app');
    const so = uid('so');
    const csharp = (uuid: string, cls: string): string =>
      JSON.stringify([
        'R ' +
          JSON.stringify({
            '@class': cls,
            uuid,
            name: 'n',
            description: 'd',
            token: 't',
            configuration: { parameters: { Parameter1: { value: 123, type: 'integer', format: 'int32' } } },
            events: [{ '@id': 0, eventId: 'TestResponseEvent', dataFormat: { dataObject: {} } }],
            functions: [{ functionId: 'Recv', dataFormat: {}, responseEvents: [0] }],
          }),
      ]) + '\n';
    c.sendFrame(csharp(app, 'Application'));
    expect(await c.next(isRegistrationAnswer)).to.equal('IO_REGISTERED');
    c.sendFrame(csharp(so, 'SmartObject'));
    expect(await c.next(isRegistrationAnswer)).to.equal('IO_REGISTERED');
    for (const uuid of [app, so]) {
      c.publish({ uuid, eventId: 'TestResponseEvent', dataObject: 'v' });
      expect(await c.next(isPublishAnswer)).to.equal('IO_PUBLISHED');
    }
    expect(fx.broker.services().map((s) => s.uuid).sort()).to.deep.equal([app, so].sort());
  });

  it('accepts Py pretty JSON in raw mode with real newlines and priority names', async () => {
    const c = await connect({ sockJs: false });
    const uuid = uid();
    c.sendFrame(`R ${JSON.stringify(smartObject(uuid), null, 4)}\n`);
    expect(await c.next(isRegistrationAnswer)).to.equal('IO_REGISTERED');
    const event = waitFor(fx.broker, 'event', (e: { uuid: string }) => e.uuid === uuid);
    c.sendFrame(`E {\n    "uuid": "${uuid}",\n    "eventId": "EV1",\n    "dataObject": "hello",\n    "priority": "HIGH",\n    "postDate": "2020-01-01 00:00:00"\n}`);
    expect(await c.next(isPublishAnswer)).to.equal('IO_PUBLISHED');
    expect((await event).event).to.deep.equal({ uuid, eventId: 'EV1', priority: 2, postDate: '2020-01-01 00:00:00', dataObject: 'hello' });
  });

  it('answers re-registration with IO_REGISTERED again and stores the new description', async () => {
    const c = await connect();
    const uuid = uid();
    expect(await c.registerAndWait(smartObject(uuid))).to.equal('IO_REGISTERED');
    expect(await c.registerAndWait(smartObject(uuid, { name: 'renamed' }))).to.equal('IO_REGISTERED');
    expect(fx.broker.services().filter((s) => s.uuid === uuid).map((s) => s.name)).to.deep.equal(['renamed']);
  });

  it('answers NIO_ALREADY_CONNECTED when another live connection holds the uuid, and frees it on disconnect', async () => {
    const a = await connect();
    const b = await connect();
    const uuid = uid();
    expect(await a.registerAndWait(smartObject(uuid))).to.equal('IO_REGISTERED');
    const rejected = waitFor(fx.broker, 'rejected', (r: { status: string }) => r.status === 'NIO_ALREADY_CONNECTED');
    expect(await b.registerAndWait(smartObject(uuid))).to.equal('NIO_ALREADY_CONNECTED');
    expect((await rejected).uuid).to.equal(uuid);
    const gone = waitFor(fx.broker, 'disconnected', (d: { uuids: string[] }) => d.uuids.includes(uuid));
    await a.close();
    await gone;
    expect(fx.broker.services().find((s) => s.uuid === uuid)?.connected).to.equal(false);
    expect(await b.registerAndWait(smartObject(uuid))).to.equal('IO_REGISTERED');
  });

  it('registers gateway sub-services, which may then publish', async () => {
    const c = await connect();
    const gw = uid('gw');
    const sub = uid('sub');
    const sd = { uuid: gw, '@class': 'Gateway', name: 'gw', token: 't', events: [], functions: [], services: [smartObject(sub)] };
    const subRegistered = waitFor(fx.broker, 'registered', (r: { uuid: string }) => r.uuid === sub);
    expect(await c.registerAndWait(sd)).to.equal('IO_REGISTERED');
    expect((await subRegistered).parent).to.equal(gw);
    c.publish({ uuid: sub, eventId: 'EV1', dataObject: 'x' });
    expect(await c.next(isPublishAnswer)).to.equal('IO_PUBLISHED');
  });

  it('answers exactly one IO_PUBLISHED per accepted E, in order', async () => {
    const c = await connect();
    const uuid = uid();
    await c.registerAndWait(smartObject(uuid));
    const seen: unknown[] = [];
    fx.broker.on('event', (e) => seen.push(e.event.dataObject));
    for (let i = 0; i < 50; i++) c.publish({ uuid, eventId: 'EV1', dataObject: `v${i}` });
    const answers: string[] = [];
    for (let i = 0; i < 50; i++) answers.push(await c.next(isPublishAnswer));
    expect(answers.every((a) => a === 'IO_PUBLISHED')).to.equal(true);
    await c.barrier(smartObject(uuid));
    expect(c.queue.filter(isPublishAnswer)).to.deep.equal([]);
    expect(seen).to.deep.equal(Array.from({ length: 50 }, (_, i) => `v${i}`));
  });

  it('refuses events of services not registered on this connection (NIO_UNAUTHORIZED_CONNECTION)', async () => {
    const owner = await connect();
    const thief = await connect();
    const uuid = uid();
    await owner.registerAndWait(smartObject(uuid));
    let events = 0;
    fx.broker.on('event', () => events++);
    thief.publish({ uuid, eventId: 'EV1', dataObject: 'forged' });
    expect(await thief.next(isPublishAnswer)).to.equal('NIO_UNAUTHORIZED_CONNECTION');
    thief.publish({ uuid: uid('nobody'), eventId: 'EV1' });
    expect(await thief.next(isPublishAnswer)).to.equal('NIO_UNAUTHORIZED_CONNECTION');
    expect(events).to.equal(0);
  });

  it('refuses undeclared event ids with NIO_EVENT_FORWARDING_ERROR', async () => {
    const c = await connect();
    const uuid = uid();
    await c.registerAndWait(smartObject(uuid));
    c.publish({ uuid, eventId: 'UNDECLARED' });
    expect(await c.next(isPublishAnswer)).to.equal('NIO_EVENT_FORWARDING_ERROR');
  });

  it('ignores pong (no answer)', async () => {
    const c = await connect();
    const uuid = uid();
    c.send('pong');
    await c.barrier(smartObject(uuid));
    expect(c.queue).to.deep.equal([]);
  });

  it('round-trips descriptions, event values and call parameters with quotes, backslashes, newlines, non-ASCII, U+2028', async () => {
    const c = await connect();
    const uuid = uid();
    const s = 'q"uote\' back\\slash \\n line\nbreak tab\t äöü 日本 🚀 \u2028\u2029 </script>';
    await c.registerAndWait(smartObject(uuid, { description: s, name: s }));
    expect(fx.broker.services().find((x) => x.uuid === uuid)?.selfDescription.description).to.equal(s);
    const ev = waitFor(fx.broker, 'event', (e: { uuid: string }) => e.uuid === uuid);
    c.publish({ uuid, eventId: 'EV1', dataObject: { s, list: [s] }, correlationId: s });
    const got = (await ev).event;
    expect(got.dataObject).to.deep.equal({ s, list: [s] });
    expect(got.correlationId).to.equal(s);
    await fx.broker.callFunction(uuid, 'fn', { dataObject: s, [s]: [s] }, s);
    const call = parseServerMessage(await c.next((m) => m.startsWith('C ')));
    expect(call).to.deep.equal({ type: 'call', call: { uuid, correlationId: s, functionId: 'fn', functionParameters: { dataObject: s, [s]: [s] } } });
  });

  it('callFunction and setConfig send C and K with correct JSON; offline/unknown targets reject clearly', async () => {
    const c = await connect({ sockJs: false });
    const uuid = uid();
    await c.registerAndWait(smartObject(uuid));
    const callEvent = waitFor(fx.broker, 'call', (x: { uuid: string }) => x.uuid === uuid);
    expect(await fx.broker.callFunction(uuid, '/arrayfun', { dataObject: ['a'] }, 'corr')).to.equal(true);
    expect(bodyOf(await c.next((m) => m.startsWith('C ')))).to.deep.equal({ uuid, correlationId: 'corr', functionId: '/arrayfun', functionParameters: { dataObject: ['a'] } });
    expect((await callEvent).functionId).to.equal('/arrayfun');
    expect(await fx.broker.setConfig(uuid, { p1: false })).to.equal(true);
    expect(await c.next((m) => m.startsWith('K '))).to.equal(`K {"uuid":"${uuid}","params":{"p1":false}}`);
    const gone = waitFor(fx.broker, 'disconnected', (d: { uuids: string[] }) => d.uuids.includes(uuid));
    await c.close();
    await gone;
    const offline = await fx.broker.callFunction(uuid, 'fn', {}).catch((e: unknown) => e);
    expect(offline).to.be.instanceOf(DeliveryError).and.to.include({ code: 'OFFLINE' });
    expect((offline as Error).message).to.match(/offline/);
    const unknown = await fx.broker.setConfig('nope', {}).catch((e: unknown) => e);
    expect(unknown).to.be.instanceOf(DeliveryError).and.to.include({ code: 'UNKNOWN_SERVICE' });
  });

  it('sends SockJS heartbeats and application pings when configured; pong is accepted', async () => {
    await fx.restart({ heartbeatMs: 30, pingMs: 30 });
    const c = await connect();
    const raw = await connect({ sockJs: false });
    expect(await c.nextFrame((f) => f === 'h')).to.equal('h');
    expect(await c.next((m) => m === 'ping')).to.equal('ping');
    c.send('pong');
    expect(await raw.next((m) => m === 'ping')).to.equal('ping');
    expect(raw.frames).to.not.include('h');
    await c.barrier(smartObject(uid()));
  });

  it('strictTokens: only tokens issued by the broker register; VERIFIED lifecycle', async () => {
    await fx.restart({ strictTokens: true });
    const c = await connect();
    const uuid = uid();
    expect(await c.registerAndWait(smartObject(uuid, { token: 'made-up' }))).to.equal('NIO_REGISTRATION_ERROR');
    const res = await fetch(`${fx.broker.httpUrl}/token/owner-1`, { method: 'POST' });
    expect(res.status).to.equal(201);
    const { token } = (await res.json()) as { token: string };
    expect(await c.registerAndWait(smartObject(uuid, { token }))).to.equal('IO_REGISTERED');
    expect(await c.registerAndWait(smartObject(uid(), { token }))).to.equal('NIO_REGISTRATION_ERROR');
    const svc = (await (await fetch(`${fx.broker.httpUrl}/service/${uuid}`)).json()) as Record<string, unknown>;
    expect(svc.lifecycleState).to.equal('VERIFIED');
  });

  it('close() closes every connection with 1001 (SockJS c-frame first) and resolves', async () => {
    const c = await connect();
    const raw = await connect({ sockJs: false });
    await fx.broker.close();
    expect((await c.waitClosed()).code).to.equal(1001);
    expect((await raw.waitClosed()).code).to.equal(1001);
    expect(c.frames).to.include('c[1001,"broker shutting down"]');
    expect(decodeServerFrame(c.frames[c.frames.length - 1], true)).to.deep.equal({ kind: 'close', code: 1001, reason: 'broker shutting down' });
    let err: Error | undefined;
    await TestClient.connect(fx.broker.url).catch((e: Error) => (err = e));
    expect(err).to.be.instanceOf(Error);
  });
});
