import { expect } from 'chai';
import { WarningLimiter } from '../../lib/broker/log-limiter';
import type { BrokerLogger } from '../../lib/broker';

/** A logger that keeps its warnings; `next()` resolves at the next one. */
function recorder(): BrokerLogger & { lines: string[]; next(): Promise<string> } {
  const lines: string[] = [];
  let waiting: ((line: string) => void) | undefined;
  const fail = (level: string) => (m: string) => {
    throw new Error(`the limiter wrote a ${level} line: ${m}`);
  };
  return {
    lines,
    debug: fail('debug'),
    info: fail('info'),
    error: fail('error'),
    warn: (m) => {
      lines.push(m);
      waiting?.(m);
      waiting = undefined;
    },
    next: () => new Promise<string>((resolve) => (waiting = resolve)),
  };
}

describe('broker/log-limiter', () => {
  it('writes the first warning of a kind, counts the repeats, and summarises them with the last one when the period ends', () => {
    const log = recorder();
    const limiter = new WarningLimiter(log, 60_000);
    for (let i = 0; i < 1000; i++) limiter.warn('k', `bad message ${i}`);
    limiter.warn('other', 'another kind');
    expect(log.lines).to.deep.equal(['bad message 0', 'another kind']);
    limiter.flush();
    expect(log.lines.slice(2), 'no summary for a kind that did not repeat').to.deep.equal(['999 more like this in the last 60 s; the last: bad message 999']);
    limiter.warn('k', 'again');
    expect(log.lines[3], 'a new period writes the first one again').to.equal('again');
    expect(limiter.suppressed).to.equal(999);
    limiter.close();
  });

  it('summarises by itself at the end of each period', async () => {
    const log = recorder();
    const limiter = new WarningLimiter(log, 1);
    try {
      const summary = log.next();
      limiter.warn('k', 'first');
      const next = log.next();
      limiter.warn('k', 'second');
      limiter.warn('k', 'third');
      expect(await summary).to.equal('first');
      // a 1 ms period rounds to 0 s in the summary
      expect(await next).to.equal('2 more like this in the last 0 s; the last: third');
      expect(limiter.suppressed).to.equal(2);
    } finally {
      limiter.close();
    }
  });

  it('remembers at most maxKinds kinds at once: further kinds are only counted until the period ends', () => {
    const log = recorder();
    const limiter = new WarningLimiter(log, 60_000, 2);
    limiter.warn('a', 'a1');
    limiter.warn('b', 'b1');
    limiter.warn('c', 'c1');
    limiter.warn('a', 'a2');
    expect(log.lines).to.deep.equal(['a1', 'b1']);
    expect(limiter.suppressed).to.equal(2);
    limiter.flush();
    expect(log.lines.slice(2)).to.deep.equal(['1 more like this in the last 60 s; the last: a2']);
    limiter.warn('c', 'c2');
    expect(log.lines.slice(3)).to.deep.equal(['c2']);
    limiter.close();
  });

  it('close() writes what is pending; a flush with nothing pending writes nothing', () => {
    const log = recorder();
    const limiter = new WarningLimiter(log, 10_000);
    limiter.flush();
    expect(log.lines).to.deep.equal([]);
    limiter.warn('k', 'one');
    limiter.warn('k', 'two');
    limiter.close();
    expect(log.lines).to.deep.equal(['one', '1 more like this in the last 10 s; the last: two']);
    limiter.close();
    expect(log.lines).to.have.length(2);
  });
});
