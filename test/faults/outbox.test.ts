import { expect } from 'chai';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outbox } from '../../lib/client/outbox';
import { OutboxLog, MsbOutboxError } from '../../lib/client/outbox-log';

describe('outbox', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'msb-outbox-unit-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps FIFO order through take, acknowledge and requeue after a loss', () => {
    const o = new Outbox({ maxEvents: 10, maxBytes: 1e6 });
    for (const m of ['a', 'b', 'c']) o.push('E', undefined, m);
    expect(o.take()!.message).to.equal('a');
    expect(o.take()!.message).to.equal('b');
    expect(o.acknowledge()!.message).to.equal('a');
    expect(o.requeueInFlight()).to.equal(1);
    expect([o.take()!.message, o.take()!.message]).to.deep.equal(['b', 'c']);
    expect(o.counters()).to.include({ accepted: 3, acknowledged: 1, resent: 1, inFlight: 2, queued: 0 });
  });

  it('drops the oldest queued event beyond the count and the byte bound, never an in-flight one', () => {
    const o = new Outbox({ maxEvents: 3, maxBytes: 10 });
    o.push('E', undefined, 'aaaa');
    o.take();
    o.push('E', undefined, 'bbbb');
    const r = o.push('E', undefined, 'cccc'); // 12 bytes > 10: the oldest queued (b) goes
    expect(r.dropped.map((d) => d.message)).to.deep.equal(['bbbb']);
    expect(o.counters()).to.include({ dropped: 1, inFlight: 1, queued: 1 });
  });

  it('restores unfinished events from the log in order, skipping finished ones and a torn last line', async () => {
    const path = OutboxLog.pathFor(dir, 'svc');
    const { log, events } = OutboxLog.open(path);
    expect(events).to.deep.equal([]);
    const o = new Outbox({ maxEvents: 100, maxBytes: 1e6 }, log);
    const pushed = ['m1', 'm2', 'm3', 'm4'].map((m) => o.push('E', m === 'm2' ? 'corr' : undefined, m));
    await Promise.all(pushed.map((p) => p.durable));
    o.take();
    o.acknowledge(); // m1 finished
    await o.close();
    appendFileSync(path, '{"a":99,"e":"E","m":"tor'); // killed mid-write
    const again = OutboxLog.open(path);
    expect(again.events.map((e) => [e.seq, e.message, e.correlationId])).to.deep.equal([[2, 'm2', 'corr'], [3, 'm3', undefined], [4, 'm4', undefined]]);
    const o2 = new Outbox({ maxEvents: 100, maxBytes: 1e6 }, again.log, again.events);
    expect(o2.counters()).to.include({ restored: 3, queued: 3 });
    expect(o2.push('E', undefined, 'm5').event.seq).to.equal(5);
    await o2.close();
    // opening compacts: only live records remain
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n').filter(Boolean)).to.have.length(4);
  });

  it('refuses a damaged log with a clear error', () => {
    const path = join(dir, 'bad.log');
    writeFileSync(path, '{"a":1,"e":"E","m":"x"}\nnot json\n{"x":1}\n{"x":2}\n');
    expect(() => OutboxLog.open(path)).to.throw(MsbOutboxError, /damaged at line 2/);
  });

  it('compacts the log once finished records dominate it', async () => {
    const path = OutboxLog.pathFor(dir, 'svc');
    const { log } = OutboxLog.open(path);
    const o = new Outbox({ maxEvents: 100_000, maxBytes: 1e9 }, log);
    let last: Promise<void> = Promise.resolve();
    for (let i = 0; i < 12_000; i++) {
      last = o.push('E', undefined, `m${i}`).durable;
      o.take();
      o.acknowledge();
    }
    await last;
    await new Promise((r) => setImmediate(r));
    o.push('E', undefined, 'tail');
    o.take();
    o.acknowledge();
    await new Promise((r) => setTimeout(r, 20));
    expect(log.size).to.be.lessThan(100_000);
    await o.close();
  });
});
