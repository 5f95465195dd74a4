import { expect } from 'chai';
import { AckTracker } from '../../lib/client/acknowledgements';
import type { AckHost } from '../../lib/client/acknowledgements';
import type { Logger } from '../../lib/client/logger';

function recorder(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const none = (): void => {};
  return { warnings, debug: none, info: none, error: none, warn: (m: string) => { warnings.push(m); } };
}

/** A host with `inFlight` events in flight on an open socket; `timedOut` resolves with what the tracker took as delivered. */
function host(inFlight: number): { host: AckHost; logger: ReturnType<typeof recorder>; timedOut: Promise<number> } {
  const logger = recorder();
  let took!: (n: number) => void;
  const timedOut = new Promise<number>((resolve) => { took = resolve; });
  return { host: { inFlight: () => inFlight, isOpen: () => true, takeAsDelivered: (n) => took(n), logger }, logger, timedOut };
}

describe('client/acknowledgements', () => {
  it('skips the answers due for events put back in the queue, then matches again', () => {
    const t = new AckTracker(host(3).host, 60_000);
    t.putBack(3); // the MSB answered one of three with NIO_UNAUTHORIZED_CONNECTION: two answers still due
    expect([t.stale(), t.stale(), t.stale()]).to.deep.equal([true, true, false]);
    t.putBack(2);
    t.opened(); // a new socket: nothing is due on it
    expect(t.stale()).to.equal(false);
  });

  it('counts answers that match no event and logs only the first', () => {
    const { host: h, logger } = host(0);
    const t = new AckTracker(h, 60_000);
    t.unexpectedAck('with no event in flight');
    t.unexpectedAck('with no event in flight');
    expect(t.unexpected).to.equal(2);
    expect(logger.warnings).to.have.length(1);
    expect(logger.warnings[0]).to.contain('Ignoring an IO_PUBLISHED with no event in flight');
  });

  it('after ackTimeoutMs without an answer, takes the events in flight as delivered; the mode holds for the next connection unless an answer came', async () => {
    const { host: h, logger, timedOut } = host(4);
    const t = new AckTracker(h, 1);
    t.sent();
    expect(await timedOut).to.equal(4);
    expect(t.noAckMode).to.equal(true);
    expect(logger.warnings[0]).to.contain('no IO_PUBLISHED within 1 ms').and.contain('4 taken as delivered');
    t.opened(); // no IO_PUBLISHED on the last connection: the next one is taken to behave the same
    expect(t.noAckMode).to.equal(true);
    // In this mode a late answer cannot be matched to an event: counted, not matched.
    expect(t.published()).to.equal(false);
    expect(t.unexpected).to.equal(1);
    t.opened(); // an IO_PUBLISHED did come on the last connection: expect them again
    expect(t.noAckMode).to.equal(false);
    expect(t.published()).to.equal(true);
    t.stop();
  });
});
