import { expect } from 'chai';
import { PROMETHEUS_CONTENT_TYPE, formatMetrics } from '../../lib/util/prometheus';

/** Every line of the text exposition format: a comment, or `name{labels} value`. */
const LINE = /^(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*",?)*\})? (-?[0-9.e+-]+|NaN|[+-]Inf))$/;

describe('util/prometheus', () => {
  it('formats families with HELP, TYPE and escaped label values', () => {
    const text = formatMetrics([{ name: 'x_total', help: 'a \\ help\nline', type: 'counter', samples: [{ labels: { a: 'q"u\\o\nte' }, value: 3 }, { value: Infinity }] }]);
    expect(text).to.equal('# HELP x_total a \\\\ help\\nline\n# TYPE x_total counter\nx_total{a="q\\"u\\\\o\\nte"} 3\nx_total +Inf\n');
    for (const line of text.trimEnd().split('\n')) expect(line).to.match(LINE);
    expect(PROMETHEUS_CONTENT_TYPE).to.equal('text/plain; version=0.0.4; charset=utf-8');
  });

  it('writes the special values as the format spells them, and numbers as JavaScript does', () => {
    const text = formatMetrics([{ name: 'g', help: 'h', type: 'gauge', samples: [NaN, -Infinity, Infinity, 0, -1.5, 1e21, 2 ** 53].map((value) => ({ value })) }]);
    expect(text.split('\n').slice(2, -1)).to.deep.equal(['g NaN', 'g -Inf', 'g +Inf', 'g 0', 'g -1.5', 'g 1e+21', 'g 9007199254740992']);
    for (const line of text.trimEnd().split('\n')) expect(line).to.match(LINE);
  });

  it('writes several labels in the order given, no braces for none, and the families in order', () => {
    const text = formatMetrics([
      { name: 'a_total', help: 'first', type: 'counter', samples: [{ labels: { service: 's1', kind: 'x' }, value: 1 }, { labels: {}, value: 2 }] },
      { name: 'b', help: 'second', type: 'gauge', samples: [] },
    ]);
    expect(text).to.equal('# HELP a_total first\n# TYPE a_total counter\na_total{service="s1",kind="x"} 1\na_total 2\n# HELP b second\n# TYPE b gauge\n');
  });

  it('formats no families as an empty line', () => {
    expect(formatMetrics([])).to.equal('\n');
  });
});
