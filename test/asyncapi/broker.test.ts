import { expect } from 'chai';
import { Fixture } from '../support';
import { TestDrill, TestMes } from '../client/services';
import { parseStrict } from './helpers';

describe('asyncapi: the broker serves the documents of its registered services', function () {
  this.timeout(30_000);
  const f = new Fixture();
  afterEach(() => f.close());

  it('GET /asyncapi (every service) and GET /asyncapi/{uuid} (one): valid AsyncAPI 3.0, the broker as server, no tokens', async () => {
    const broker = await f.startBroker();
    const drill = await f.app(TestDrill, { url: broker.url });
    const mes = await f.app(TestMes, { url: broker.url });
    // Every request before the (slow) parser runs: a keep-alive connection idle past the server's
    // keepAliveTimeout on a loaded machine can be reset under a reused request.
    const combined = await (await fetch(`${broker.httpUrl}/asyncapi`)).json() as Record<string, any>;
    const one = await (await fetch(`${broker.httpUrl}/asyncapi/${drill.uuid}`)).json() as Record<string, any>;
    const missing = await fetch(`${broker.httpUrl}/asyncapi/00000000-0000-4000-8000-000000000000`);
    const missingBody = (await missing.json()) as { error: string };
    await parseStrict(combined, 'combined');
    await parseStrict(one, 'drill');
    expect(combined.asyncapi).to.match(/^3\./);
    expect(Object.keys(combined.channels)).to.have.length(2);
    expect(Object.keys(one.channels)).to.have.length(1);
    expect(JSON.stringify(one.servers)).to.contain(new URL(broker.url).host);
    for (const doc of [combined, one]) {
      const text = JSON.stringify(doc);
      for (const token of ['secret-token-1', 'mes-token']) expect(text).to.not.contain(token);
    }
    expect(mes.uuid).to.be.a('string');
    expect(missing.status).to.equal(404);
    expect(missingBody.error).to.match(/no service with uuid/);
  });
});
