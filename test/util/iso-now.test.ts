import { expect } from 'chai';
import { isoNow } from '../../lib/util/iso-now';

describe('util/iso-now', () => {
  const realNow = Date.now;
  afterEach(() => {
    Date.now = realNow;
  });

  it('is the ISO 8601 form of the current time', () => {
    const before = realNow();
    const iso = isoNow();
    const after = realNow();
    expect(iso).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(iso)).to.be.within(before, after);
  });

  it('follows the clock from one millisecond to the next, and back', () => {
    // a clock of our own: the cache must never return another millisecond's text
    let now = Date.UTC(2026, 10, 30, 2, 30, 0, 0);
    Date.now = () => now;
    expect(isoNow()).to.equal('2026-11-30T02:30:00.000Z');
    expect(isoNow()).to.equal('2026-11-30T02:30:00.000Z');
    now += 1;
    expect(isoNow()).to.equal('2026-11-30T02:30:00.001Z');
    now -= 1_000;
    expect(isoNow(), 'a clock set back').to.equal('2026-11-30T02:29:59.001Z');
  });
});
