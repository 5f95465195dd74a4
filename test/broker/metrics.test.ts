import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type { BrokerStats } from '../../lib/broker';
import { BrokerMetrics } from '../../lib/broker/metrics';
import type { MetricsBroker } from '../../lib/broker/metrics';
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

describe('broker/metrics: units', () => {
  /** Stats whose every value is distinct, so that a value in the wrong family shows. */
  const stats: BrokerStats = {
    connections: 1, services: 2, onlineServices: 3, registryBytes: 4, flows: 5, flowBytes: 6, tokens: 7, queuedMessages: 8, messagesHandled: 9, servicesEvicted: 10,
    refused: { messageBytes: 11, services: 12, selfDescriptionBytes: 13, flows: 14, flowBytes: 15, callBytes: 16, tokens: 17, connections: 18, bufferedBytes: 19, rateLimit: 20, responseBytes: 21, eventStreams: 22 },
    eventStreams: 23, eventStreamsDropped: 24, throttled: 25, suppressedWarnings: 26,
  };

  function fakeBroker(): EventEmitter & MetricsBroker {
    return Object.assign(new EventEmitter(), { stats: () => stats }) as unknown as EventEmitter & MetricsBroker;
  }

  /** The sample lines of the text, without the HELP and TYPE comments. */
  const samples = (text: string): string[] => text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));

  it('counts the broker\'s events: calls by flow (a call no flow made is not counted), undeliverable calls by flow, refusals by status', () => {
    const broker = fakeBroker();
    const metrics = new BrokerMetrics(broker);
    broker.emit('connection', {});
    broker.emit('connection', {});
    broker.emit('registered', {});
    for (let i = 0; i < 3; i++) broker.emit('event', {});
    broker.emit('protocolError', {});
    broker.emit('call', { flowId: 'ticks' });
    broker.emit('call', { flowId: 'ticks' });
    broker.emit('call', { flowId: 7 });
    broker.emit('call', {});
    broker.emit('undeliverable', { flowId: 7 });
    broker.emit('rejected', { status: 'NIO_REGISTRATION_ERROR' });
    broker.emit('rejected', { status: '401' });
    broker.emit('rejected', { status: 'NIO_REGISTRATION_ERROR' });
    expect(samples(metrics.text())).to.deep.equal([
      'msb_broker_services_online 3',
      'msb_broker_services 2',
      'msb_broker_connections 1',
      'msb_broker_flows 5',
      'msb_broker_registry_bytes 4',
      'msb_broker_queued_messages 8',
      'msb_broker_connections_opened_total 2',
      'msb_broker_registrations_total 1',
      'msb_broker_messages_handled_total 9',
      'msb_broker_events_acknowledged_total 3',
      'msb_broker_protocol_errors_total 1',
      'msb_broker_calls_routed_total{flow="ticks"} 2',
      'msb_broker_calls_routed_total{flow="7"} 1',
      'msb_broker_calls_undeliverable_total{flow="7"} 1',
      'msb_broker_rejected_total{status="NIO_REGISTRATION_ERROR"} 2',
      'msb_broker_rejected_total{status="401"} 1',
      ...Object.entries(stats.refused).map(([limit, value]) => `msb_broker_limit_refusals_total{limit="${limit}"} ${value}`),
      'msb_broker_throttled_total 25',
    ]);
  });

  it('writes every family with its type even before anything happened', () => {
    const text = new BrokerMetrics(fakeBroker()).text();
    for (const line of text.trimEnd().split('\n')) expect(line).to.match(LINE);
    expect(text.split('\n').filter((l) => l.startsWith('# TYPE'))).to.deep.equal([
      ...['services_online', 'services', 'connections', 'flows', 'registry_bytes', 'queued_messages'].map((n) => `# TYPE msb_broker_${n} gauge`),
      ...['connections_opened', 'registrations', 'messages_handled', 'events_acknowledged', 'protocol_errors', 'calls_routed', 'calls_undeliverable', 'rejected', 'limit_refusals', 'throttled'].map((n) => `# TYPE msb_broker_${n}_total counter`),
    ]);
    expect(samples(text).filter((l) => /routed|undeliverable|rejected/.test(l)), 'no samples for label values never seen').to.deep.equal([]);
  });
});
