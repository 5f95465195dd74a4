import { expect } from 'chai';
import { MsbClosedError, MsbDroppedError, MsbTimeoutError } from '../../lib/errors';
import { DeliveryWaiters } from '../../lib/client/delivery-waiters';

/** Which of the promises have settled, and how, once the microtasks ran. */
async function outcomes(promises: Record<string, Promise<void>>): Promise<Record<string, string>> {
  const seen: Record<string, string> = {};
  for (const [name, p] of Object.entries(promises)) {
    p.then(() => { seen[name] = 'resolved'; }, (e: Error) => { seen[name] = `rejected: ${e.constructor.name}`; });
  }
  await new Promise<void>((resolve) => setImmediate(resolve));
  return seen;
}

describe('client/delivery-waiters', () => {
  it('releases emits waiting for the socket in order, up to the event handed over', async () => {
    const w = new DeliveryWaiters();
    const p = { one: w.untilSent(1), two: w.untilSent(2), three: w.untilSent(3) };
    w.sentUpTo(2);
    expect(await outcomes(p)).to.deep.equal({ one: 'resolved', two: 'resolved' });
    w.sentUpTo(Infinity);
    expect(await outcomes(p)).to.deep.equal({ one: 'resolved', two: 'resolved', three: 'resolved' });
  });

  it('settles the emit waiting for one event with its outcome, and nothing else', async () => {
    const w = new DeliveryWaiters();
    const p = { one: w.untilAcknowledged(1), two: w.untilAcknowledged(2), three: w.untilAcknowledged(3) };
    w.settle(2, new MsbDroppedError('E', undefined, 2));
    w.settle(1);
    w.settle(7); // no one waits for it
    expect(await outcomes(p)).to.deep.equal({ one: 'resolved', two: 'rejected: MsbDroppedError' });
  });

  it('resolves a flush once every event up to its own is finished, and times out with the error given then', async () => {
    const w = new DeliveryWaiters();
    const p = { upTo3: w.untilFinished(3, undefined, () => new MsbTimeoutError('never')), upTo5: w.untilFinished(5, undefined, () => new MsbTimeoutError('never')) };
    expect(w.flushing).to.equal(true);
    w.finishedBelow(3); // event 3 still pending
    expect(await outcomes(p)).to.deep.equal({});
    w.finishedBelow(4);
    expect(await outcomes(p)).to.deep.equal({ upTo3: 'resolved' });
    let asked = 0;
    const timedOut = w.untilFinished(9, 1, () => { asked++; return new MsbTimeoutError('flush timed out'); });
    await timedOut.then(() => expect.fail('resolved'), (e: Error) => expect(e.message).to.equal('flush timed out'));
    expect(asked).to.equal(1);
    w.finishedBelow(6);
    expect(await outcomes(p)).to.deep.equal({ upTo3: 'resolved', upTo5: 'resolved' });
    expect(w.flushing).to.equal(false);
  });

  it('at close, releases the emits waiting for the socket and rejects those waiting for an outcome or a flush', async () => {
    const w = new DeliveryWaiters();
    const p = { sent: w.untilSent(1), acked: w.untilAcknowledged(2), flushed: w.untilFinished(2, 60_000, () => new MsbTimeoutError('never')) };
    w.close((seq) => new MsbClosedError(`event ${seq}`), () => new MsbClosedError('flush'));
    expect(await outcomes(p)).to.deep.equal({ sent: 'resolved', acked: 'rejected: MsbClosedError', flushed: 'rejected: MsbClosedError' });
    expect(w.flushing).to.equal(false);
  });
});
