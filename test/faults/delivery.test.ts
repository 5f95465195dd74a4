import { expect } from 'chai';
import {
  DataType, Event, MsbClosedError, MsbDroppedError, MsbFunction, MsbFunctionError, MsbPublishError, MsbTimeoutError,
  Payload, SmartObject,
} from '../../lib';
import type { MsbApp, MsbEvent } from '../../lib';
import { Fixture, recordEvents, until } from '../support';
import { StubMsb } from './stub-msb';

const UUID = '0d5e8f21-7a3b-4c6d-9e8f-0a1b2c3d4e5f';

/** A service as a user would write it: a numbered stream and a function. */
@SmartObject({ uuid: UUID, name: 'Counter', token: 'counter-token' })
class Counter {
  @Event({ dataType: DataType.INT64 }) n!: MsbEvent<number>;
  @Event({ dataType: DataType.STRING }) text!: MsbEvent<string>;

  @MsbFunction({ id: 'THROW_ODD', dataType: DataType.STRING })
  throwOdd(@Payload() kind: string): void {
    // Handlers can throw anything; the report about it must not fail in turn.
    if (kind === 'null-tostring') throw { toString: null, code: 7 };
    if (kind === 'throwing-tostring') throw Object.create(null, { toString: { value: () => { throw new Error('no'); } } });
    throw 42;
  }

  @MsbFunction({ id: 'ECHO_LENGTH', dataType: DataType.STRING, responseEvents: ['n'] })
  echoLength(@Payload() s: string): number {
    return s.length;
  }
}

/** Emits `count` numbered events as a user would: `Promise.all` per chunk. */
async function emitInChunks(app: MsbApp<Counter>, from: number, count: number, chunk: number): Promise<void> {
  for (let start = from; start < from + count; start += chunk) {
    const batch: Array<Promise<void>> = [];
    for (let i = start; i < Math.min(from + count, start + chunk); i++) batch.push(app.instance.n.emit(i));
    await Promise.all(batch);
  }
}

/** The numbers from..from+count-1. */
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

/** Every number exactly once and in order; the message is computed only on failure. */
function expectExactly(received: readonly unknown[], expected: readonly number[], what: string): void {
  if (received.length === expected.length && received.every((v, i) => v === expected[i])) return;
  const firstDiff = expected.findIndex((v, i) => received[i] !== v);
  expect.fail(`${what}: received ${received.length} events, expected ${expected.length}; first difference at index ${firstDiff} (got ${JSON.stringify(received[firstDiff])}, expected ${expected[firstDiff]})`);
}

describe('faults: delivery with default options', function () {
  this.timeout(60_000);
  const f = new Fixture();
  afterEach(() => f.close());

  async function stub(behaviour: ConstructorParameters<typeof Object>[0] = {}): Promise<StubMsb> {
    const s = await StubMsb.start(behaviour);
    f.defer(() => s.close());
    return s;
  }

  it('50,000 events awaited per 1,000 against the local broker: none dropped, all received once and in order', async () => {
    const broker = await f.startBroker();
    const events = recordEvents(broker);
    const app = await f.app(Counter, { url: broker.url });
    await emitInChunks(app, 0, 50_000, 1000);
    await app.flush();
    expect(app.counters()).to.include({ dropped: 0, accepted: 50_000, acknowledged: 50_000, queued: 0, inFlight: 0 });
    expectExactly(events.map((e) => e.dataObject), range(0, 50_000), 'the broker');
    expect(f.logger.has('warn', /dropped/)).to.equal(false);
  });

  it('a 200,000-event burst against an acknowledging MSB: 0 dropped, order kept', async () => {
    const msb = await stub();
    const app = await f.app(Counter, { url: msb.url });
    await emitInChunks(app, 0, 200_000, 200_000);
    await app.flush();
    expect(app.counters()).to.include({ dropped: 0, acknowledged: 200_000 });
    expectExactly(msb.allEvents(), range(0, 200_000), 'the stub MSB');
  });

  it('a 200,000-event burst against an MSB that never acknowledges: emit() waits until the no-ack mode, 0 dropped, order kept', async () => {
    const msb = await stub({ ack: false });
    const app = await f.app(Counter, { url: msb.url });
    await emitInChunks(app, 0, 200_000, 200_000);
    await app.flush(); // in no-ack mode: every event written to the socket
    expect(app.counters()).to.include({ dropped: 0, acknowledged: 200_000 });
    await msb.until(() => msb.total >= 200_000, 'every event arrived');
    expectExactly(msb.allEvents(), range(0, 200_000), 'the stub MSB');
    expect(f.logger.has('warn', /sent no IO_PUBLISHED within 10000 ms/)).to.equal(true);
  });

  it('emits before the first registration (waitForRegistration: false) are all delivered', async () => {
    const broker = await f.startBroker();
    const events = recordEvents(broker);
    const app = await f.app(Counter, { url: broker.url, waitForRegistration: false });
    await emitInChunks(app, 0, 10_000, 10_000);
    await app.flush();
    expect(app.counters()).to.include({ dropped: 0 });
    expectExactly(events.map((e) => e.dataObject), range(0, 10_000), 'the broker');
  });

  it('60,000 events emitted while the MSB is down are all delivered once it is back; reconnect delays stay at most 5 s while events wait', async () => {
    const broker = await f.startBroker();
    const port = Number(new URL(broker.url).port);
    const app = await f.app(Counter, { url: broker.url, reconnect: {} }); // the default reconnect timing
    const delays: number[] = [];
    app.on('disconnected', (info) => { if (info.reconnectInMs !== undefined) delays.push(info.reconnectInMs); });
    await broker.close();
    await emitInChunks(app, 0, 60_000, 1000);
    expect(app.counters()).to.include({ dropped: 0, queued: 60_000 });
    const broker2 = await f.startBroker({ port });
    const events = recordEvents(broker2);
    await app.flush();
    expectExactly(events.map((e) => e.dataObject), range(0, 60_000), 'the restarted broker');
    expect(app.counters()).to.include({ dropped: 0, acknowledged: 60_000 });
    expect(Math.max(...delays), `reconnect delays ${delays.join(', ')}`).to.be.at.most(5000);
  });

  it('events in flight at a loss are sent first and never evicted by offline emits (only never-sent ones are)', async () => {
    const msb = await stub({ ack: false });
    const app = await f.app(Counter, { url: msb.url, eventCache: { size: 1000 }, ackTimeoutMs: 60_000 });
    const dropped: number[] = [];
    app.on('dropped', (d) => dropped.push(d.seq));
    const inFlight = range(0, 1000).map((i) => app.instance.n.emit(i));
    await Promise.all(inFlight);
    await msb.until(() => msb.events[0].length === 1000, 'the first 1,000 events arrived');
    expect(app.counters()).to.include({ inFlight: 1000 });
    msb.behaviour.register = false; // keep the service offline while it emits
    msb.dropConnection();
    await until(() => app.state !== 'registered', 'the loss is noticed');
    await emitInChunks(app, 1000, 3000, 1000);
    expect(dropped).to.deep.equal(range(1001, 2000)); // seq = n + 1: the oldest never-sent ones
    msb.behaviour.register = true;
    msb.behaviour.ack = true;
    msb.dropConnection();
    await app.flush();
    const last = msb.events[msb.events.length - 1];
    expectExactly(last, [...range(0, 1000), ...range(3000, 1000)], 'the connection after the loss');
    expect(app.counters()).to.include({ dropped: 2000, resent: 1000 });
  });

  it('a registration that is never answered is retried on a new connection, with a warning', async () => {
    const msb = await stub({ register: false });
    const app = await f.app(Counter, { url: msb.url, waitForRegistration: false, registrationAnswerTimeoutMs: 200 });
    await msb.until(() => msb.registrations.length === 2, 'a second connection');
    msb.behaviour.register = true;
    await until(() => app.state === 'registered', 'registered');
    expect(f.logger.has('warn', /did not answer the registration of .* within 200 ms; connecting anew/)).to.equal(true);
    expect(msb.registrations[0]).to.equal(1);
  });

  it('emit({ acknowledged: true }) resolves at IO_PUBLISHED and rejects when the MSB refuses the event', async () => {
    const msb = await stub({ ack: 'hold' });
    const app = await f.app(Counter, { url: msb.url });
    let settled = false;
    const acked = app.instance.n.emit(1, { acknowledged: true }).then(() => { settled = true; });
    const handed = app.instance.n.emit(2); // resolves once handed to the socket
    await handed;
    await msb.until(() => msb.total === 2, 'both events');
    expect(settled, 'resolved before IO_PUBLISHED').to.equal(false);
    msb.releaseAcks();
    await acked;
    msb.behaviour.answerWith = 'NIO_EVENT_FORWARDING_ERROR';
    const refused = await app.instance.n.emit(3, { acknowledged: true, correlationId: 'c3' }).then(() => undefined, (e: unknown) => e);
    expect(refused).to.be.instanceOf(MsbPublishError);
    expect(refused).to.include({ status: 'NIO_EVENT_FORWARDING_ERROR', eventId: 'n', correlationId: 'c3' });
  });

  it('emit({ acknowledged: true }) rejects with MsbDroppedError when the offline cache drops it, and MsbClosedError on close', async () => {
    const msb = await stub();
    const url = msb.url;
    await msb.close();
    const app = await f.app(Counter, { url, waitForRegistration: false, eventCache: { size: 1 }, closeTimeoutMs: 0 });
    const first = app.instance.n.emit(1, { acknowledged: true, correlationId: 'first' }).then(() => undefined, (e: unknown) => e);
    const second = app.instance.n.emit(2, { acknowledged: true }).then(() => undefined, (e: unknown) => e);
    const dropped = await first;
    expect(dropped).to.be.instanceOf(MsbDroppedError);
    expect(dropped).to.include({ eventId: 'n', correlationId: 'first', seq: 1 });
    await app.close();
    expect(await second).to.be.instanceOf(MsbClosedError);
  });

  it('flush(timeoutMs) rejects with MsbTimeoutError naming what is pending, and resolves once all is acknowledged', async () => {
    const msb = await stub({ ack: 'hold' });
    const app = await f.app(Counter, { url: msb.url, ackTimeoutMs: 60_000 });
    await emitInChunks(app, 0, 10, 10);
    const e = await app.flush(50).then(() => undefined, (err: unknown) => err);
    expect(e).to.be.instanceOf(MsbTimeoutError);
    expect((e as Error).message).to.match(/flush\(\): 10 events were still not acknowledged after 50 ms \(10 in flight/);
    const flushed = app.flush();
    msb.releaseAcks();
    await flushed;
    expect(app.counters()).to.include({ acknowledged: 10, inFlight: 0 });
    expect(await app.flush(-1).then(() => undefined, (err: unknown) => err)).to.have.property('message').that.matches(/timeoutMs must be a non-negative number, got -1/);
  });

  it('counts acknowledgements that match no event in flight and warns once', async () => {
    const msb = await stub();
    const app = await f.app(Counter, { url: msb.url });
    msb.send('IO_PUBLISHED', 'IO_PUBLISHED', 'IO_PUBLISHED');
    await until(() => app.counters().unexpectedAcks === 3, 'three unexpected acknowledgements counted');
    await app.instance.n.emit(1, { acknowledged: true });
    expect(f.logger.lines.filter((l) => /Ignoring an IO_PUBLISHED/.test(l.message))).to.have.length(1);
  });

  it('accepts a message from the MSB up to maxMessageBytes (10 MiB by default), beyond the parser\'s own default', async () => {
    const msb = await stub();
    await f.app(Counter, { url: msb.url });
    const big = 'x'.repeat(6_000_000);
    msb.send(`C ${JSON.stringify({ uuid: UUID, functionId: 'ECHO_LENGTH', correlationId: 'big', functionParameters: { dataObject: big } })}`);
    await msb.until(() => msb.total === 1, 'the response event');
    expect(msb.allEvents()).to.deep.equal([6_000_000]);
    expect(f.logger.has('error', /cannot be understood/)).to.equal(false);
  });

  it('describes handlers that throw non-Errors safely, and keeps running', async () => {
    const msb = await stub();
    const app = await f.app(Counter, { url: msb.url });
    const errors: Error[] = [];
    app.on('error', (e) => errors.push(e));
    for (const kind of ['null-tostring', 'throwing-tostring', 'number']) {
      msb.send(`C ${JSON.stringify({ uuid: UUID, functionId: 'THROW_ODD', functionParameters: { dataObject: kind } })}`);
    }
    await until(() => errors.length === 3, 'three reports');
    expect(errors.every((e) => e instanceof MsbFunctionError)).to.equal(true);
    expect(errors.map((e) => e.message)).to.deep.equal([
      'Function THROW_ODD: the handler threw: a thrown non-Error [object Object] {"toString":null,"code":7}',
      'Function THROW_ODD: the handler threw: a thrown non-Error [object Object]',
      'Function THROW_ODD: the handler threw: 42',
    ]);
    await app.instance.n.emit(1, { acknowledged: true });
  });
});
