import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Broker } from '../../lib/broker';
import type { EventEmitter } from 'node:events';
import { Fixture, until, waitFor } from '../support';
import { reservedPort } from '../support/ports';
import { start } from '../cli/processes';
import type { Running } from '../cli/processes';
import { PRODUCER_UUID, Producer, Sink, TICK_FLOW } from './services';
import { OutboxLog } from '../../lib/client/outbox-log';

const CHILD = join(__dirname, 'producer-child.js');

function ticksOf(broker: Broker, into: number[]): void {
  broker.on('event', ({ event }) => {
    if (event.uuid === PRODUCER_UUID) into.push(event.dataObject as number);
  });
}

/** The highest `A <n>` a producer child printed: every event up to it was accepted. */
function lastAccepted(p: Running): number {
  const all = [...p.stdout.matchAll(/^A (\d+)$/gm)];
  return all.length ? Number(all[all.length - 1][1]) : -1;
}

/** Checks: 0..last each present, in order of first arrival; returns the duplicates. */
function checkDelivery(received: readonly number[], last: number): number[] {
  const seen = new Set<number>();
  const firsts: number[] = [];
  const duplicates: number[] = [];
  for (const n of received) {
    if (seen.has(n)) duplicates.push(n);
    else { seen.add(n); firsts.push(n); }
  }
  expect(firsts.slice(0, last + 1), 'every accepted event, in order').to.deep.equal([...Array(last + 1).keys()]);
  return duplicates;
}

describe('faults: processes killed with SIGKILL', function () {
  this.timeout(60_000);
  const f = new Fixture();
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'msb-outbox-')); });
  afterEach(async () => {
    await f.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a service killed while offline sends every event it had accepted after its restart, once and in order (durable outbox)', async () => {
    const broker = await f.startBroker();
    const port = broker.port;
    await broker.close();
    const first = start(process.execPath, [CHILD, `ws://127.0.0.1:${port}`, dir, '0', '100000']);
    await first.waitFor(/^A 3000$/m, 30_000);
    first.signal('SIGKILL');
    await first.exited;
    const last = lastAccepted(first);
    expect(last).to.be.greaterThanOrEqual(3000);

    const broker2 = await f.startBroker({ port });
    const received: number[] = [];
    ticksOf(broker2, received);
    const second = start(process.execPath, [CHILD, `ws://127.0.0.1:${port}`, dir, '0', '0']);
    await second.waitFor(/^DRAINED$/m, 30_000);
    await second.exited;
    const [, restored] = second.stdout.match(/RESTORED (\d+)/)!;
    expect(Number(restored)).to.be.greaterThanOrEqual(last + 1);
    const duplicates = checkDelivery(received, last);
    expect(duplicates, 'nothing was in flight, so nothing may come twice').to.deep.equal([]);
  });

  it('a service killed mid-stream while publishing resends only what was unacknowledged (durable outbox)', async () => {
    const broker = await f.startBroker();
    const received: number[] = [];
    ticksOf(broker, received);
    const url = `ws://127.0.0.1:${broker.port}`;
    const first = start(process.execPath, [CHILD, url, dir, '0', '1000000']);
    await first.waitFor(/^A 5000$/m, 30_000);
    // The broker reads what the dead producer had sent until the socket closes: count after that.
    const closed = waitFor(broker as unknown as EventEmitter, 'disconnected', (d: { uuids: string[] }) => d.uuids.includes(PRODUCER_UUID), 30_000);
    first.signal('SIGKILL');
    await first.exited;
    await closed;
    const last = lastAccepted(first);
    const beforeRestart = received.length;
    const second = start(process.execPath, [CHILD, url, dir, '0', '0']);
    await second.waitFor(/^DRAINED$/m, 30_000);
    await second.exited;
    const duplicates = checkDelivery(received, last);
    // At-least-once: only events that were in flight at the kill (sent, acknowledgement not yet recorded) may come again.
    for (const d of duplicates) expect(received.indexOf(d), `duplicate ${d} was received before the kill`).to.be.lessThan(beforeRestart);
    expect(duplicates.length, `duplicates: ${duplicates.length}`).to.be.lessThan(2000);
  });
});

describe('faults: the broker killed with SIGKILL and restarted', function () {
  this.timeout(90_000);
  const f = new Fixture();
  let flowsDir: string;
  let broker: Running | undefined;
  beforeEach(() => { flowsDir = mkdtempSync(join(tmpdir(), 'msb-flows-')); });
  afterEach(async () => {
    broker?.signal('SIGKILL');
    if (broker) await broker.exited;
    await f.close();
    rmSync(flowsDir, { recursive: true, force: true });
  });

  it('loses no event, keeps the order, and restores registration and configuration each time (flows included)', async () => {
    const flows = join(flowsDir, 'flows.json');
    writeFileSync(flows, JSON.stringify([TICK_FLOW]));
    // Each broker process appends the events it accepts to this journal before acknowledging them.
    const journal = join(flowsDir, 'accepted.journal');
    const startBroker = async (port: number) => {
      const b = start(process.execPath, [join(__dirname, 'broker-child.js'), String(port), flows, journal]);
      const [, p] = await b.waitFor(/^listening: (\d+)$/m, 20_000);
      return { b, port: Number(p) };
    };
    const first = await startBroker(await reservedPort());
    const port = first.port;
    broker = first.b;
    const url = `ws://127.0.0.1:${port}`;
    const sink = await f.app(Sink, { url, heartbeatMs: 0 });
    const producer = await f.app(Producer, { url, heartbeatMs: 0 }); // the default cache

    const total = 4000;
    let emitted = 0;
    const t0 = Date.now();
    const stream = (async () => {
      while (emitted < total) {
        const due = Math.min(total, Math.floor(Date.now() - t0)); // 1000 events/s
        for (; emitted < due; emitted++) await producer.instance.tick.emit(emitted, { correlationId: `t-${emitted}` });
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    for (let kill = 1; kill <= 3; kill++) {
      await until(() => emitted >= kill * 900, `the stream passed ${kill * 900}`, 20_000);
      await producer.setConfig('rate', 1000 + kill);
      broker.signal('SIGKILL');
      await broker.exited;
      broker = (await startBroker(port)).b;
      await Promise.all([
        until(() => producer.state === 'registered' && sink.state === 'registered', 'both services registered again', 20_000),
      ]);
      const response = await fetch(`http://127.0.0.1:${port}/service/${PRODUCER_UUID}`);
      const body = (await response.json()) as { configuration: { parameters: { rate: { value: number } } } };
      expect(body.configuration.parameters.rate.value, 'configuration restored').to.equal(1000 + kill);
    }
    await stream;
    // What the four broker processes accepted, in order.
    const accepted = () => readFileSync(journal, 'utf8').split('\n').filter(Boolean).map((id) => Number(id.slice(2)));
    expect(producer.counters().dropped, 'no event dropped from the cache').to.equal(0);
    // Every event the producer accepted is acknowledged by one of the brokers, each of which journaled it first.
    await producer.flush(30_000);
    expect(producer.counters()).to.include({ dropped: 0, queued: 0, inFlight: 0, accepted: total, acknowledged: total, refused: 0 });
    const duplicates = checkDelivery(accepted(), total - 1);
    const resent = producer.counters().resent;
    expect(duplicates.length, 'duplicates only from events in flight at a kill').to.be.at.most(resent);
    // Calls are at-most-once in the MSB (a call in a killed broker's buffers is gone, one routed while the
    // sink reconnects is reported undeliverable), so the sink's count depends on timing; what it did get
    // must be real ticks, in order, each with its own correlation id.
    const ticks = new Set(accepted());
    sink.instance.received.forEach((n, i) => {
      expect(ticks.has(n), `call ${i} (${n}) is a tick the brokers accepted`).to.equal(true);
      expect(sink.instance.correlationIds[i]).to.equal(`t-${n}`);
      if (i > 0) expect(n, `call ${i} follows call ${i - 1}`).to.be.greaterThanOrEqual(sink.instance.received[i - 1] - resent);
    });
  });
});

describe('faults: the disk of the durable outbox fills up', function () {
  this.timeout(60_000);
  const f = new Fixture();
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'msb-disk-full-')); });
  afterEach(async () => {
    await f.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a failed write rejects emit() and the event is never sent; the process lives on and the log stays readable', async () => {
    const broker = await f.startBroker();
    const received: number[] = [];
    ticksOf(broker, received);
    const count = 1500;
    // A 64 KiB file-size limit: the log (~110 bytes a record) fills up part-way through.
    const child = start('/bin/sh', ['-c', 'ulimit -f 64 && exec "$0" "$@"', process.execPath, join(__dirname, 'disk-full-child.js'), broker.url, dir, String(count)]);
    const { code } = await child.exited;
    expect(code, `exit code; stderr:\n${child.stderr}`).to.equal(0);
    expect(child.stdout).to.match(/^DONE$/m);
    const ok = [...child.stdout.matchAll(/^OK (\d+)$/gm)].map((m) => Number(m[1]));
    const failed = [...child.stdout.matchAll(/^FAIL (\d+) (\w+)$/gm)].map((m) => ({ n: Number(m[1]), error: m[2] }));
    expect(ok.length + failed.length).to.equal(count);
    expect(ok.length, 'some writes succeed before the disk is full').to.be.greaterThan(0);
    expect(failed.length, 'the disk fills up').to.be.greaterThan(0);
    expect(new Set(failed.map((x) => x.error))).to.deep.equal(new Set(['MsbOutboxError']));
    expect(received, 'exactly the events whose emit() resolved, in order').to.deep.equal(ok);
    // The next start reads the log: no torn record in it, nothing but accepted events restored.
    const { log, events, damagedLines } = OutboxLog.open(OutboxLog.pathFor(dir, PRODUCER_UUID));
    await log.close();
    expect(damagedLines).to.equal(0);
    const okSet = new Set(ok);
    for (const e of events) expect(okSet.has(JSON.parse(e.message.slice(2)).dataObject as number)).to.equal(true);
  });
});
