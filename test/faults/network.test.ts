import { expect } from 'chai';
import { Fixture, recordEvents, until, waitFor } from '../support';
import { TestDrill } from '../client/services';
import { FaultProxy } from './proxy';

describe('faults: the network', function () {
  this.timeout(20_000);
  const f = new Fixture();
  afterEach(() => f.close());

  it('detects a peer that stops answering without closing TCP within two heartbeat intervals, reconnects and delivers everything', async () => {
    const broker = await f.startBroker({ keepAliveMs: 0, heartbeatMs: 0 });
    const events = recordEvents(broker);
    const proxy = await FaultProxy.start(broker.port);
    f.defer(() => proxy.close());
    const heartbeatMs = 200;
    const app = await f.app(TestDrill, { url: `ws://127.0.0.1:${proxy.port}`, heartbeatMs });
    // Acknowledged before the freeze, so it is never resent: the account below is exact.
    await app.instance.int32.emit(1, { acknowledged: true });
    proxy.freeze();
    await app.instance.int32.emit(2); // sent into the void: no acknowledgement will come
    await waitFor(app, 'disconnected', () => true, 10_000);
    // The heartbeat found the dead peer (a ping unanswered for a period), not a TCP close.
    expect(f.logger.has('warn', new RegExp(`no answer from the MSB for ${heartbeatMs} ms \\(dead peer\\)`)), f.logger.text()).to.equal(true);
    await waitFor(app, 'registered', () => true, 10_000);
    await app.instance.int32.emit(3);
    await app.flush(10_000);
    expect(events.map((e) => e.dataObject)).to.deep.equal([1, 2, 3]);
    expect(app.counters()).to.include({ resent: 1, acknowledged: 3 });
  });

  it('applies backpressure: while the network does not drain, emit() waits and nothing piles up in memory', async () => {
    const broker = await f.startBroker();
    const events = recordEvents(broker);
    const proxy = await FaultProxy.start(broker.port);
    f.defer(() => proxy.close());
    const highWaterMark = 64 * 1024;
    const app = await f.app(TestDrill, { url: `ws://127.0.0.1:${proxy.port}`, highWaterMark, heartbeatMs: 0 });
    proxy.pause();
    const payload = 'x'.repeat(4096);
    let emitted = 0;
    let blocked: Promise<void> | undefined;
    // Emit, each awaited, until one does not resolve at once: the socket buffers are full.
    while (!blocked) {
      let settled = false;
      const p = app.instance.text.emit(`${emitted}:${payload}`).then(() => { settled = true; });
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      if (settled) emitted++;
      else blocked = p;
      if (emitted > 100_000) throw new Error('emit never waited');
    }
    const c = app.counters();
    expect(c.queued).to.equal(1);
    expect(emitted).to.be.greaterThan(0);
    proxy.resume();
    await blocked;
    emitted++;
    await until(() => events.length === emitted, `all ${emitted} events`, 10_000);
    expect(events.map((e) => Number(String(e.dataObject).split(':')[0]))).to.deep.equal([...Array(emitted).keys()]);
  });
});
