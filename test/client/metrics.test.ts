import { expect } from 'chai';
import { PROMETHEUS_CONTENT_TYPE, serviceMetrics } from '../../lib';
import { formatMetrics } from '../../lib/util/prometheus';
import { Fixture } from '../support';
import { TestDrill } from './services';

/** Every line of the text exposition format: a comment, or `name{labels} value`. */
const LINE = /^(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*",?)*\})? (-?[0-9.e+-]+|NaN|[+-]Inf))$/;

describe('metrics in the Prometheus text format', () => {
  const f = new Fixture();
  afterEach(() => f.close());

  it('formats families with HELP, TYPE and escaped label values', () => {
    const text = formatMetrics([{ name: 'x_total', help: 'a \\ help\nline', type: 'counter', samples: [{ labels: { a: 'q"u\\o\nte' }, value: 3 }, { value: Infinity }] }]);
    expect(text).to.equal('# HELP x_total a \\\\ help\\nline\n# TYPE x_total counter\nx_total{a="q\\"u\\\\o\\nte"} 3\nx_total +Inf\n');
    for (const line of text.trimEnd().split('\n')) expect(line).to.match(LINE);
    expect(PROMETHEUS_CONTENT_TYPE).to.equal('text/plain; version=0.0.4; charset=utf-8');
  });

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
