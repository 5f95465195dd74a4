import { expect } from 'chai';
import { Backoff } from '../../lib/client/backoff';

describe('client/backoff', () => {
  it('grows by the factor up to the maximum, with the jitter taken off the top, and starts over after reset', () => {
    const noJitter = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5 }, () => 0);
    expect([1, 2, 3, 4, 5, 6].map(() => noJitter.next())).to.deep.equal([100, 200, 400, 800, 1000, 1000]);
    noJitter.reset();
    expect(noJitter.next()).to.equal(100);
    const fullJitter = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.5 }, () => 1);
    expect([1, 2, 3].map(() => fullJitter.next())).to.deep.equal([50, 100, 200]);
  });

  it('caps the delay lower while events wait (maxDelayWhileEventsWaitMs, default 5 s), jitter kept', () => {
    const b = new Backoff({ initialDelayMs: 1000, maxDelayMs: 30_000 }, () => 0);
    expect([1, 2, 3, 4, 5].map(() => b.next(true))).to.deep.equal([1000, 2000, 4000, 5000, 5000]);
    expect(b.next(false)).to.equal(30_000);
    const jittered = new Backoff({ initialDelayMs: 1000, maxDelayMs: 30_000, maxDelayWhileEventsWaitMs: 3000 }, () => 1);
    for (let i = 0; i < 5; i++) jittered.next(true);
    expect(jittered.next(true)).to.equal(1500);
  });

  it('keeps its settings within sense: initial at least 1 ms, maximum at least the initial, factor at least 1, jitter within 0..1', () => {
    const b = new Backoff({ initialDelayMs: 0, maxDelayMs: -5, factor: 0.5, jitter: 7 }, () => 0);
    expect([b.next(), b.next()]).to.deep.equal([1, 1]);
  });
});
