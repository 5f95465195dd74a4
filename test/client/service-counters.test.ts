import { expect } from 'chai';
import { Outbox } from '../../lib/client/outbox';
import type { OutgoingEvent } from '../../lib/client/outbox';
import { PerServiceCounts } from '../../lib/client/service-counters';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const ev = (seq: number, uuid: string): OutgoingEvent => ({ seq, eventId: 'E', message: `E {"uuid":"${uuid}","eventId":"E"}` });

describe('client/service-counters', () => {
  it('counts outcomes per service and finds its waiting and in-flight events in the shared outbox', () => {
    const outbox = new Outbox({ maxQueued: Infinity, maxQueuedBytes: Infinity, maxInFlight: 10, maxInFlightBytes: 1e9 });
    const counts = new PerServiceCounts();
    const events = [ev(1, A), ev(2, B), ev(3, A), ev(4, A)];
    for (const e of events) { outbox.add(e); counts.count(e, 'accepted'); }
    outbox.take(); // 1 (A) in flight
    outbox.take(); // 2 (B) in flight
    counts.count(outbox.acknowledge()!, 'acknowledged'); // 1 (A)
    expect(counts.of(A, outbox)).to.deep.equal({ accepted: 3, acknowledged: 1, refused: 0, dropped: 0, queued: 2, inFlight: 0 });
    expect(counts.of(B, outbox)).to.deep.equal({ accepted: 1, acknowledged: 0, refused: 0, dropped: 0, queued: 0, inFlight: 1 });
    expect(counts.of('unknown', outbox)).to.deep.equal({ accepted: 0, acknowledged: 0, refused: 0, dropped: 0, queued: 0, inFlight: 0 });
  });
});
