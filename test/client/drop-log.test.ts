import { expect } from 'chai';
import { DropLog } from '../../lib/client/drop-log';
import type { Logger } from '../../lib/client/logger';

describe('client/drop-log', () => {
  it('logs the first drop at once, then at most one summary a second, and what is left at close', () => {
    const warnings: string[] = [];
    const at: number[] = [];
    const none = (): void => {};
    const logger: Logger = { debug: none, info: none, error: none, warn: (m: string) => { warnings.push(m); at.push(Date.now()); } };
    let total = 0;
    const log = new DropLog({ maxQueued: 100, maxQueuedBytes: 5000, maxInFlight: 1, maxInFlightBytes: 1 }, logger, () => total);
    total++;
    log.note();
    expect(warnings).to.deep.equal(['Offline event cache full (100 events / 5000 bytes): dropped 1 event in the last second; 1 so far (oldest first)']);
    for (let i = 0; i < 1234; i++) { total++; log.note(); }
    log.close();
    const closedWith = warnings.length;
    log.close();
    expect(warnings).to.have.length(closedWith);
    // Every drop is in one summary; the last one is close()'s, the ones before it a second apart.
    const counted = warnings.map((w) => Number(/dropped ([\d,]+) events? in/.exec(w)![1].replace(/,/g, '')));
    expect(counted.reduce((a, b) => a + b)).to.equal(1235);
    expect(warnings[warnings.length - 1]).to.match(/; 1,235 so far \(oldest first\)$/);
    for (let i = 1; i < at.length - 1; i++) expect(at[i] - at[i - 1], `summaries ${i} and ${i + 1}`).to.be.at.least(1000);
    // On a machine that did not stall for a second within this test: one summary, then close()'s.
    if (at[at.length - 1] - at[0] < 1000) expect(warnings[1]).to.contain('dropped 1,234 events in the last second');
  });
});
