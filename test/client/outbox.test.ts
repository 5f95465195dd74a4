import { expect } from 'chai';
import { EVENT_OVERHEAD_BYTES, Outbox } from '../../lib/client/outbox';
import type { OutboxLimits, OutgoingEvent } from '../../lib/client/outbox';

const roomy: OutboxLimits = { maxQueued: Infinity, maxQueuedBytes: Infinity, maxInFlight: 1000, maxInFlightBytes: 1e9 };
let seq = 0;
const ev = (message: string, correlationId?: string): OutgoingEvent => ({ seq: ++seq, eventId: 'E', ...(correlationId ? { correlationId } : {}), message });
const messages = (events: readonly OutgoingEvent[]) => events.map((e) => e.message);

describe('client/outbox', () => {
  beforeEach(() => { seq = 0; });

  it('keeps FIFO order through take, acknowledge and a loss; events in flight at the loss go first', () => {
    const o = new Outbox(roomy);
    for (const m of ['a', 'b', 'c', 'd']) o.add(ev(m));
    expect(o.take()!.message).to.equal('a');
    expect(o.take()!.message).to.equal('b');
    expect(o.acknowledge()!.message).to.equal('a');
    expect(o.requeueInFlight()).to.equal(1);
    expect(o.take()!.message).to.equal('b');
    expect(o.requeueInFlight()).to.equal(1); // a second loss before b was answered
    expect([o.take()!.message, o.take()!.message, o.take()!.message]).to.deep.equal(['b', 'c', 'd']);
    expect(o.take()).to.equal(undefined);
    expect(o.counters()).to.include({ acknowledged: 1, resent: 2, inFlight: 3, queued: 0, dropped: 0 });
  });

  it('trims only never-sent events, oldest first, beyond the byte bound (each counted with its overhead)', () => {
    const cost = 4 + EVENT_OVERHEAD_BYTES;
    const o = new Outbox({ ...roomy, maxQueuedBytes: 2 * cost });
    o.add(ev('aaaa'));
    o.take();
    o.requeueInFlight(); // 'aaaa' was handed to a socket once: never dropped
    o.add(ev('bbbb'));
    o.add(ev('cccc'));
    expect(messages(o.trimOffline())).to.deep.equal([]);
    o.add(ev('dddd'));
    expect(messages(o.trimOffline())).to.deep.equal(['bbbb']);
    expect(o.bytesQueued).to.equal(2 * cost);
    expect(messages(o.live())).to.deep.equal(['aaaa', 'cccc', 'dddd']);
  });

  it('trims only never-sent events, oldest first, beyond the count bound', () => {
    const o = new Outbox({ ...roomy, maxQueued: 2 });
    for (const m of ['a', 'b', 'c', 'd']) o.add(ev(m));
    expect(messages(o.trimOffline())).to.deep.equal(['a', 'b']);
    expect(o.counters()).to.include({ dropped: 2, queued: 2 });
  });

  it('never drops events that were in flight at a loss, however many offline events follow (hostile-run regression)', () => {
    const o = new Outbox({ ...roomy, maxQueued: 1000, maxInFlight: 2000 });
    for (let i = 0; i < 2000; i++) o.add(ev(`f${i}`));
    for (let i = 0; i < 2000; i++) o.take();
    o.requeueInFlight();
    let dropped = 0;
    for (let i = 0; i < 5000; i++) {
      o.add(ev(`o${i}`));
      dropped += o.trimOffline().length;
    }
    expect(dropped).to.equal(4000);
    const live = messages(o.live());
    expect(live.slice(0, 2000)).to.deep.equal([...Array(2000).keys()].map((i) => `f${i}`));
    expect(live.slice(2000)).to.deep.equal([...Array(1000).keys()].map((i) => `o${4000 + i}`));
  });

  it('opens the in-flight window by count and by bytes, and always for one event', () => {
    const o = new Outbox({ ...roomy, maxInFlight: 2, maxInFlightBytes: 2 * (1 + EVENT_OVERHEAD_BYTES) + 1 });
    o.add(ev('x'.repeat(1000)));
    o.add(ev('a'));
    o.add(ev('b'));
    o.add(ev('c'));
    expect(o.windowOpen).to.equal(true);
    o.take(); // over the byte bound, but the window was empty
    expect(o.windowOpen).to.equal(false);
    o.acknowledge();
    o.take();
    expect(o.windowOpen).to.equal(true);
    o.take();
    expect(o.windowOpen).to.equal(false); // two events
    o.refuse();
    expect(o.windowOpen).to.equal(true);
    expect(o.counters()).to.include({ acknowledged: 1, refused: 1, inFlight: 1, queued: 1 });
  });

  it('knows the lowest unfinished sequence number across its parts', () => {
    const o = new Outbox(roomy);
    expect(o.lowestPendingSeq()).to.equal(Infinity);
    o.add(ev('a'));
    o.add(ev('b'));
    o.take();
    expect(o.lowestPendingSeq()).to.equal(1);
    o.acknowledge();
    expect(o.lowestPendingSeq()).to.equal(2);
    o.take();
    o.acknowledgeAll();
    expect(o.lowestPendingSeq()).to.equal(Infinity);
  });

  it('puts restored events first and never drops them', () => {
    const o = new Outbox({ ...roomy, maxQueued: 1 }, [{ seq: 7, eventId: 'E', message: 'r7' }, { seq: 8, eventId: 'E', message: 'r8' }]);
    o.add({ seq: 9, eventId: 'E', message: 'n9' });
    o.add({ seq: 10, eventId: 'E', message: 'n10' });
    expect(messages(o.trimOffline())).to.deep.equal(['n9']);
    expect(messages(o.drain())).to.deep.equal(['r7', 'r8', 'n10']);
    expect(o.counters()).to.include({ restored: 2, queued: 0 });
  });
});
