import { expect } from 'chai';
import { generate } from 'selfsigned';
import WebSocket from 'ws';
import { Fixture, TestClient, bodyOf, smartObject, uid, waitFor } from '../support';

async function json(res: Response): Promise<any> {
  return res.json();
}

describe('broker: REST API', function () {
  this.timeout(10000);
  const fx = Fixture.eachTest();
  const connect = (opts: Parameters<typeof fx.connect>[0] = {}): Promise<TestClient> => fx.connect(opts);
  const url = (p: string): string => fx.broker.httpUrl + p;

  it('health and info: 200 {"status":"UP"} on every spelling', async () => {
    for (const p of ['/actuator/health', '/actuator/info', '/info', '/health']) {
      const res = await fetch(url(p));
      expect(res.status, p).to.equal(200);
      expect(await json(res)).to.deep.equal({ status: 'UP' });
    }
  });

  it('tokens: GET /service/token/{owner} and POST /token/{owner} → 201 with fresh tokens', async () => {
    const a = await fetch(url('/service/token/owner-1'));
    const b = await fetch(url('/token/owner-1'), { method: 'POST' });
    expect(a.status).to.equal(201);
    expect(b.status).to.equal(201);
    const ta = (await json(a)).token;
    const tb = (await json(b)).token;
    expect(ta).to.be.a('string').with.length.above(8);
    expect(ta).to.not.equal(tb);
  });

  it('services: GET by kind, lifecycleState CREATED/VERIFIED, 404 for unknown and wrong kind, list', async () => {
    const c = await connect();
    const so = uid('so');
    const app = uid('app');
    const { token } = await json(await fetch(url('/token/o'), { method: 'POST' }));
    await c.registerAndWait(smartObject(so, { token }));
    await c.registerAndWait(smartObject(app, { '@class': 'Application', token: 'not-issued' }));
    const s = await fetch(url(`/service/${so}`));
    expect(s.status).to.equal(200);
    const body = await json(s);
    expect(body).to.include({ uuid: so, name: `SO ${so}`, lifecycleState: 'VERIFIED', '@class': 'SmartObject', connected: true });
    expect(body.events).to.have.length(3);
    expect(body).to.not.have.property('token');
    expect((await json(await fetch(url(`/service/${app}`)))).lifecycleState).to.equal('CREATED');
    expect((await fetch(url(`/smartobject/${so}`))).status).to.equal(200);
    expect((await fetch(url(`/application/${app}`))).status).to.equal(200);
    expect((await fetch(url(`/application/${so}`))).status).to.equal(404);
    const missing = await fetch(url('/service/unknown-uuid'));
    expect(missing.status).to.equal(404);
    expect((await json(missing)).error).to.match(/unknown-uuid/);
    expect((await json(await fetch(url('/service')))).map((x: { uuid: string }) => x.uuid).sort()).to.deep.equal([app, so].sort());
    expect((await json(await fetch(url('/smartobject')))).map((x: { uuid: string }) => x.uuid)).to.deep.equal([so]);
  });

  it('DELETE /smartobject|application|service/{uuid}: 409 while connected (it keeps publishing), 200 once offline, then GET → 404', async () => {
    const c = await connect();
    const ids = [uid('a'), uid('b'), uid('c')];
    await c.registerAndWait(smartObject(ids[0]));
    await c.registerAndWait(smartObject(ids[1], { '@class': 'Application' }));
    await c.registerAndWait(smartObject(ids[2]));
    const kinds = ['smartobject', 'application', 'service'];
    const live = await fetch(url(`/service/${ids[0]}`), { method: 'DELETE' });
    expect(live.status).to.equal(409);
    expect((await json(live)).error).to.match(/is connected/);
    c.publish({ uuid: ids[0], eventId: 'EV1' });
    expect(await c.next((m) => m.startsWith('NIO') || m === 'IO_PUBLISHED')).to.equal('IO_PUBLISHED');
    const gone = waitFor(fx.broker, 'disconnected', (d: { uuids: string[] }) => d.uuids.includes(ids[0]));
    await c.close();
    await gone;
    for (let i = 0; i < 3; i++) {
      expect((await fetch(url(`/${kinds[i]}/${ids[i]}`), { method: 'DELETE' })).status).to.equal(200);
      expect((await fetch(url(`/service/${ids[i]}`))).status).to.equal(404);
    }
    expect((await fetch(url(`/service/${ids[0]}`), { method: 'DELETE' })).status).to.equal(404);
  });

  it('integration flows: create 201 {id}, create/deploy 201, get, deploy/undeploy, customer list, delete → 404', async () => {
    const flow = { name: 'f', ownerUuid: 'owner-x', from: { service: 'a', event: 'e' }, to: { service: 'b', function: 'f' } };
    const r1 = await fetch(url('/integrationFlow/create'), { method: 'POST', body: JSON.stringify(flow) });
    expect(r1.status).to.equal(201);
    const { id } = await json(r1);
    expect(id).to.be.a('number');
    const r2 = await fetch(url('/integrationFlow/create/deploy'), { method: 'POST', body: JSON.stringify({ ...flow, ownerUuid: 'other' }) });
    expect(r2.status).to.equal(201);
    const created2 = await json(r2);
    expect(created2.deployed).to.equal(true);
    expect(created2.id).to.be.above(id);
    const got = await json(await fetch(url(`/integrationFlow/${id}`)));
    expect(got).to.include({ id, deployed: false, name: 'f' });
    expect((await fetch(url(`/integrationFlow/${id}/deploy`), { method: 'PUT' })).status).to.equal(200);
    expect((await json(await fetch(url(`/integrationFlow/${id}`)))).deployed).to.equal(true);
    expect((await fetch(url(`/integrationFlow/${id}/undeploy`), { method: 'PUT' })).status).to.equal(200);
    expect((await json(await fetch(url(`/integrationFlow/${id}`)))).deployed).to.equal(false);
    const mine = await fetch(url('/integrationFlow/customer/owner-x'));
    expect(mine.status).to.equal(200);
    expect((await json(mine)).map((f: { id: number }) => f.id)).to.deep.equal([id]);
    expect((await fetch(url(`/integrationFlow/${id}`), { method: 'DELETE' })).status).to.equal(200);
    expect((await fetch(url(`/integrationFlow/${id}`))).status).to.equal(404);
    expect((await fetch(url(`/integrationFlow/${id}/deploy`), { method: 'PUT' })).status).to.equal(404);
    expect((await fetch(url(`/integrationFlow/${id}`), { method: 'DELETE' })).status).to.equal(404);
  });

  it('POST /service/{uuid}/configuration and /call send K and C; 404 unknown, 409 offline', async () => {
    const c = await connect();
    const uuid = uid();
    await c.registerAndWait(smartObject(uuid));
    const k1 = await fetch(url(`/service/${uuid}/configuration`), { method: 'POST', body: JSON.stringify({ params: { p1: false } }) });
    expect(k1.status).to.equal(200);
    expect(bodyOf(await c.next((m) => m.startsWith('K ')))).to.deep.equal({ uuid, params: { p1: false } });
    await fetch(url(`/service/${uuid}/configuration`), { method: 'POST', body: JSON.stringify({ p1: true }) });
    expect(bodyOf(await c.next((m) => m.startsWith('K ')))).to.deep.equal({ uuid, params: { p1: true } });
    const call = await fetch(url(`/service/${uuid}/call`), { method: 'POST', body: JSON.stringify({ functionId: 'fn', parameters: { dataObject: 'x' }, correlationId: 'r' }) });
    expect(call.status).to.equal(200);
    expect(await json(call)).to.deep.equal({ delivered: true, functionId: 'fn', correlationId: 'r' });
    expect(bodyOf(await c.next((m) => m.startsWith('C ')))).to.deep.equal({ uuid, correlationId: 'r', functionId: 'fn', functionParameters: { dataObject: 'x' } });
    expect((await fetch(url('/service/nope/call'), { method: 'POST', body: '{"functionId":"fn"}' })).status).to.equal(404);
    expect((await fetch(url(`/service/${uuid}/call`), { method: 'POST', body: '{"parameters":{}}' })).status).to.equal(400);
    await c.close();
    const offline = await fetch(url(`/service/${uuid}/configuration`), { method: 'POST', body: '{"params":{}}' });
    expect(offline.status).to.equal(409);
    expect((await json(offline)).error).to.match(/offline/);
    expect((await fetch(url(`/service/${uuid}/call`), { method: 'POST', body: '{"functionId":"fn","parameters":{"dataObject":"x"}}' })).status).to.equal(409);
  });

  it('bad JSON → 400, too large → 413, unknown path → 404, wrong method → 405, Basic auth ignored', async () => {
    const bad = await fetch(url('/integrationFlow/create'), { method: 'POST', body: '{nope' });
    expect(bad.status).to.equal(400);
    expect((await json(bad)).error).to.match(/not valid JSON/);
    await fx.restart({ maxBodyBytes: 100 });
    const big = await fetch(url('/integrationFlow/create'), { method: 'POST', body: JSON.stringify({ x: 'y'.repeat(1000) }) });
    expect(big.status).to.equal(413);
    expect((await fetch(url('/nothing/here'))).status).to.equal(404);
    expect((await fetch(url('/actuator/health'), { method: 'DELETE' })).status).to.equal(405);
    const auth = await fetch(url('/service/token/o'), { headers: { authorization: `Basic ${Buffer.from('user:password').toString('base64')}` } });
    expect(auth.status).to.equal(201);
  });

  it('msbPorts with port 0s: websocket, smart-object and flow ports serve only their paths', async () => {
    await fx.restart({ msbPorts: { websocket: 0, smartObjects: 0, flows: 0 } });
    const msb = fx.broker.msb!;
    expect(new Set([msb.websocketPort, msb.smartObjectsPort, msb.flowsPort, fx.broker.port]).size).to.equal(4);
    const c = fx.track(await TestClient.connect(msb.websocketUrl));
    const uuid = uid();
    expect(await c.registerAndWait(smartObject(uuid))).to.equal('IO_REGISTERED');
    expect((await fetch(`${msb.websocketUrl.replace('ws:', 'http:')}/websocket/data/info`)).status).to.equal(200);
    expect((await fetch(`${msb.websocketUrl.replace('ws:', 'http:')}/actuator/health`)).status).to.equal(200);
    expect((await fetch(`${msb.smartObjectsUrl}/smartobject/${uuid}`)).status).to.equal(200);
    expect((await fetch(`${msb.smartObjectsUrl}/token/o`, { method: 'POST' })).status).to.equal(201);
    expect((await fetch(`${msb.smartObjectsUrl}/integrationFlow/1`)).status).to.equal(404);
    const created = await fetch(`${msb.flowsUrl}/integrationFlow/create`, { method: 'POST', body: JSON.stringify({ from: { service: uuid, event: 'EV1' }, to: { service: uuid, function: 'fn' } }) });
    expect(created.status).to.equal(201);
    expect((await fetch(`${msb.flowsUrl}/service/${uuid}`)).status).to.equal(404);
    let err: Error | undefined;
    await TestClient.connect(msb.smartObjectsUrl.replace('http:', 'ws:')).catch((e: Error) => (err = e));
    expect(err?.message).to.equal('HTTP 404');
  });

  it('serves wss:// and https:// with tls', async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048 } as never);
    await fx.restart({ tls: { key: pems.private, cert: pems.cert } });
    expect(fx.broker.url).to.match(/^wss:\/\//);
    const c = await fx.connect({ ws: { rejectUnauthorized: false } as WebSocket.ClientOptions });
    expect(await c.registerAndWait(smartObject(uid()))).to.equal('IO_REGISTERED');
  });
});
