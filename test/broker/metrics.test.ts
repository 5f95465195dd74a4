import { expect } from 'chai';
import { Fixture, TestClient, until } from '../support';
import { PRODUCER_UUID, Producer, SINK_UUID, Sink, TICK_FLOW } from '../faults/services';

/** Every line of the text exposition format: a comment, or `name{labels} value`. */
const LINE = /^(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*",?)*\})? (-?[0-9.e+-]+|NaN|[+-]Inf))$/;

describe('broker: GET /metrics', () => {
  const f = new Fixture();
  afterEach(() => f.close());

  it('counts registrations, events, calls routed and undeliverable per flow, and refusals by status, in the Prometheus text format', async () => {
    const broker = await f.startBroker({ flows: [{ id: 'ticks', ...TICK_FLOW }] });
    const sink = await f.app(Sink, { url: broker.url });
    const producer = await f.app(Producer, { url: broker.url });
    for (let i = 0; i < 3; i++) await producer.instance.tick.emit(i, { acknowledged: true });
    await until(() => sink.instance.received.length === 3, 'three calls');
    await sink.close();
    await until(() => broker.stats().onlineServices === 1, 'the sink offline');
    await producer.instance.tick.emit(3, { acknowledged: true });
    const bad = await TestClient.connect(broker.url);
    bad.ws.send(JSON.stringify(['R {not json']));
    await bad.next((m) => m === 'NIO_REGISTRATION_ERROR');

    const response = await fetch(`${broker.httpUrl}/metrics`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    for (const line of text.trimEnd().split('\n')) expect(line).to.match(LINE);
    const value = (sample: string) => Number(new RegExp(`^${sample.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('msb_broker_registrations_total')).to.equal(2);
    expect(value('msb_broker_events_acknowledged_total')).to.equal(4);
    expect(value('msb_broker_calls_routed_total{flow="ticks"}')).to.equal(3);
    expect(value('msb_broker_calls_undeliverable_total{flow="ticks"}')).to.equal(1);
    expect(value('msb_broker_rejected_total{status="NIO_REGISTRATION_ERROR"}')).to.equal(1);
    expect(value('msb_broker_services_online')).to.equal(1);
    expect(text).to.contain('# TYPE msb_broker_limit_refusals_total counter');
    expect([PRODUCER_UUID, SINK_UUID].every((u) => !text.includes(u)), 'no uuids as labels (unbounded cardinality)').to.equal(true);
  });

  it('needs the admin secret like every other route but health', async () => {
    const broker = await f.startBroker({ adminSecret: 's3cret-for-metrics' });
    expect((await fetch(`${broker.httpUrl}/metrics`)).status).to.equal(401);
    const ok = await fetch(`${broker.httpUrl}/metrics`, { headers: { authorization: 'Bearer s3cret-for-metrics' } });
    expect(ok.status).to.equal(200);
    expect(await ok.text()).to.match(/^# HELP msb_broker_services_online /);
  });
});
