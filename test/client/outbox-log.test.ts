import { expect } from 'chai';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboxLog } from '../../lib/client/outbox-log';
import type { LoggedEvent } from '../../lib/client/outbox-log';
import { MsbOutboxError } from '../../lib';

function append(log: OutboxLog, e: LoggedEvent): Promise<void> {
  return new Promise((resolve, reject) => log.append(e, (err) => (err ? reject(err) : resolve())));
}
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const ev = (seq: number, message = `m${seq}`, correlationId?: string): LoggedEvent => ({ seq, eventId: 'E', ...(correlationId ? { correlationId } : {}), message });

describe('client/outbox-log', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'msb-outbox-log-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('restores unfinished events in order, skipping finished ones and a torn last line, and opens compacted', async () => {
    const path = OutboxLog.pathFor(dir, 'svc');
    const { log, events } = OutboxLog.open(path);
    expect(events).to.deep.equal([]);
    await Promise.all([append(log, ev(1)), append(log, ev(2, 'm2', 'corr')), append(log, ev(3)), append(log, ev(4))]);
    log.finish(1);
    await log.close();
    appendFileSync(path, '{"a":99,"e":"E","m":"tor'); // killed mid-write
    const again = OutboxLog.open(path);
    expect(again.events.map((e) => [e.seq, e.message, e.correlationId])).to.deep.equal([[2, 'm2', 'corr'], [3, 'm3', undefined], [4, 'm4', undefined]]);
    expect(again.damagedLines).to.equal(1);
    await again.log.close();
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).to.have.length(3);
  });

  it('skips and counts damaged lines anywhere instead of refusing the whole log', async () => {
    const path = join(dir, 'bad.log');
    writeFileSync(path, '{"a":1,"e":"E","m":"x"}\nnot json\n{"a":2,"e":"E","m":"y"}\n{"a":3,"e":"E"\n[1]\nnull\n{"x":1}\n');
    const { log, events, damagedLines } = OutboxLog.open(path);
    expect(events.map((e) => e.seq)).to.deep.equal([2]);
    expect(damagedLines).to.equal(4);
    await log.close();
  });

  it('compacts the log once finished records dominate it', async () => {
    const path = OutboxLog.pathFor(dir, 'svc');
    const { log } = OutboxLog.open(path);
    const live: LoggedEvent[] = [];
    log.setLiveEvents(() => live);
    // Concurrent appends share their syncs (group commit), as a burst of emits does.
    await Promise.all(range(1, 12_000).map((i) => append(log, ev(i))));
    for (const i of range(1, 12_000)) log.finish(i);
    live.push(ev(12_001, 'tail'));
    await append(log, live[0]);
    expect(log.size).to.be.lessThan(100_000);
    await log.close();
    expect(OutboxLog.open(path).events.map((e) => e.message)).to.deep.equal(['tail']);
  });

  it('reports a failed compaction and keeps working on the old file (no exception escapes)', async () => {
    const path = OutboxLog.pathFor(dir, 'svc');
    const { log } = OutboxLog.open(path);
    mkdirSync(`${path}.tmp`); // the rewrite cannot create its temporary file
    const errors: Error[] = [];
    log.setErrorHandler((e) => errors.push(e));
    log.setLiveEvents(() => []);
    await Promise.all(range(1, 10_001).map((i) => append(log, ev(i))));
    for (const i of range(1, 10_001)) log.finish(i);
    await append(log, ev(20_000, 'after'));
    expect(errors).to.have.length(1);
    expect(errors[0]).to.be.instanceOf(MsbOutboxError);
    expect(errors[0].message).to.match(/Cannot compact the durable outbox .*svc\.outbox\.log/);
    await log.close();
    rmSync(`${path}.tmp`, { recursive: true });
    expect(OutboxLog.open(path).events.map((e) => e.message)).to.deep.equal(['after']);
  });

  it('refuses appends after close with an MsbOutboxError', async () => {
    const { log } = OutboxLog.open(join(dir, 'x.log'));
    await log.close();
    let error: unknown;
    log.append(ev(1), (e) => { error = e; });
    expect(error).to.be.instanceOf(MsbOutboxError);
  });

  it('names the path when it cannot open the log', () => {
    const file = join(dir, 'file');
    writeFileSync(file, '');
    expect(() => OutboxLog.open(join(file, 'sub', 'x.log'))).to.throw(MsbOutboxError, /Cannot open the durable outbox .*file\/sub\/x\.log/);
  });
});
