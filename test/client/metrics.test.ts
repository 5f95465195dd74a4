import { expect } from 'chai';
import { PROMETHEUS_CONTENT_TYPE, serviceMetrics } from '../../lib';
import type { AppCounters, MetricsSource } from '../../lib';
import { Fixture } from '../support';
import { TestDrill } from './services';

/** Every line of the text exposition format: a comment, or `name{labels} value`. */
const LINE = /^(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*",?)*\})? (-?[0-9.e+-]+|NaN|[+-]Inf))$/;

/** A source whose every counter is distinct, so that a value in the wrong family shows. */
function source(uuid: string, state: string, base: number): MetricsSource {
  const counters: AppCounters = {
    accepted: base + 1, acknowledged: base + 2, refused: base + 3, dropped: base + 4, resent: base + 5, restored: base + 6,
    unexpectedAcks: base + 7, reconnects: base + 8, registrations: base + 9, queued: base + 10, inFlight: base + 11,
  };
  return { uuid, state, counters: () => counters };
}

describe('client/metrics', () => {
  it('writes every counter and gauge of each source, labelled with its uuid', () => {
    const text = serviceMetrics(source('u1', 'registered', 0), source('u2', 'connecting', 100));
    const family = (name: string, help: string, type: string, v1: number, v2: number): string[] =>
      [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name}{service="u1"} ${v1}`, `${name}{service="u2"} ${v2}`];
    expect(text.split('\n')).to.deep.equal([
      ...family('msb_events_accepted_total', 'Events accepted by emit()', 'counter', 1, 101),
      ...family('msb_events_acknowledged_total', 'Events acknowledged by the MSB (IO_PUBLISHED), or written when it does not acknowledge', 'counter', 2, 102),
      ...family('msb_events_refused_total', 'Events the MSB refused', 'counter', 3, 103),
      ...family('msb_events_dropped_total', 'Events dropped from the full offline cache', 'counter', 4, 104),
      ...family('msb_events_resent_total', 'Events sent again after a connection loss', 'counter', 5, 105),
      ...family('msb_events_restored_total', 'Events restored from the durable outbox at start', 'counter', 6, 106),
      ...family('msb_unexpected_acks_total', 'IO_PUBLISHED answers that matched no event in flight', 'counter', 7, 107),
      ...family('msb_reconnects_total', 'Reconnect attempts after losses', 'counter', 8, 108),
      ...family('msb_registrations_total', 'Registrations the MSB accepted', 'counter', 9, 109),
      ...family('msb_events_queued', 'Events waiting to be sent (cached, or to be sent again)', 'gauge', 10, 110),
      ...family('msb_events_in_flight', 'Events sent and not yet acknowledged', 'gauge', 11, 111),
      ...family('msb_registered', '1 while the service is registered with the MSB', 'gauge', 1, 0),
      '',
    ]);
    for (const line of text.trimEnd().split('\n')) expect(line).to.match(LINE);
  });

  it('exports the content type to serve them with', () => {
    expect(PROMETHEUS_CONTENT_TYPE).to.equal('text/plain; version=0.0.4; charset=utf-8');
  });

  it('escapes a uuid that is not one, as the format requires', () => {
    expect(serviceMetrics(source('a"b\\c', 'registered', 0))).to.contain('msb_registered{service="a\\"b\\\\c"} 1\n');
  });

  it('lists the families without samples when given no source', () => {
    const text = serviceMetrics();
    expect(text.split('\n').filter((l) => !l.startsWith('#'))).to.deep.equal(['']);
    expect(text.split('\n').filter((l) => l.startsWith('# TYPE'))).to.have.length(12);
  });

  describe('with a live service', () => {
    const f = new Fixture();
    afterEach(() => f.close());

    it("serves a service's counters, labelled with its uuid", async () => {
      const broker = await f.startBroker();
      const app = await f.app(TestDrill, { url: broker.url });
      for (let i = 0; i < 3; i++) await app.instance.int32.emit(i);
      await app.flush(10_000);
      const text = serviceMetrics(app);
      for (const line of text.trimEnd().split('\n')) expect(line).to.match(LINE);
      expect(text).to.contain(`msb_events_accepted_total{service="${app.uuid}"} 3\n`);
      expect(text).to.contain(`msb_events_acknowledged_total{service="${app.uuid}"} 3\n`);
      expect(text).to.contain(`msb_events_dropped_total{service="${app.uuid}"} 0\n`);
      expect(text).to.contain(`msb_registered{service="${app.uuid}"} 1\n`);
      expect(text).to.contain('# TYPE msb_events_in_flight gauge\n');
    });
  });
});
