import { expect } from 'chai';
import { MsbProtocolError, MsbPublishError, MsbRegistrationError } from '../../lib';
import type { MsbError } from '../../lib';
import { Fixture, RecordingLogger, recordEvents, until, waitFor } from '../support';
import { DRILL_UUID, TestDrill } from './services';

describe('runtime: every server status and bad server message', () => {
  const f = new Fixture();
  afterEach(() => f.close());

  async function setup() {
    const brokerLog = new RecordingLogger();
    const broker = await f.startBroker({ logger: brokerLog });
    const events = recordEvents(broker);
    const app = await f.app(TestDrill, { url: broker.url });
    const errors: MsbError[] = [];
    app.on('error', (e) => errors.push(e));
    return { broker, brokerLog, events, app, errors };
  }

  for (const status of ['NIO_REGISTRATION_ERROR', 'NIO_UNEXPECTED_REGISTRATION_ERROR', 'NIO_ALREADY_CONNECTED']) {
    it(`${status} after registration: reported with the status, events cached, registration retried on the same socket`, async () => {
      const { broker, app, errors, events } = await setup();
      let connections = 0;
      broker.on('connection', () => connections++);
      const refused = waitFor(app, 'stateChange', (s) => s === 'connected');
      await broker.sendToService(DRILL_UUID, status);
      await refused;
      await app.instance.text.emit('while refused');
      expect(errors[0]).to.be.instanceOf(MsbRegistrationError);
      expect((errors[0] as MsbRegistrationError).status).to.equal(status);
      await waitFor(app, 'registered', () => true, 5000);
      await until(() => events.length === 1, 'the cached event after re-registration');
      expect(events[0].dataObject).to.equal('while refused');
      expect(connections).to.equal(0);
    });
  }

  it('NIO_UNAUTHORIZED_CONNECTION (the MSB forgot the service): re-registers and sends the refused event again, once', async () => {
    const { broker, app, events, errors } = await setup();
    await app.instance.text.emit('first');
    await until(() => events.length === 1, 'the first event');
    expect(broker.forgetService(DRILL_UUID)).to.equal(true);
    const reRegistered = waitFor(broker, 'registered');
    await app.instance.text.emit('second');
    await reRegistered;
    await until(() => events.length === 2, 'the second event');
    await app.instance.text.emit('third');
    await until(() => events.length === 3, 'the third event');
    expect(events.map((e) => e.dataObject)).to.deep.equal(['first', 'second', 'third']);
    expect(errors.some((e) => e instanceof MsbPublishError && e.status === 'NIO_UNAUTHORIZED_CONNECTION')).to.equal(true);
  });

  for (const status of ['NIO_EVENT_FORWARDING_ERROR', 'NIO_UNEXPECTED_EVENT_FORWARDING_ERROR']) {
    it(`${status}: reported as an MsbPublishError; the service goes on publishing`, async () => {
      const { broker, app, events, errors } = await setup();
      await broker.sendToService(DRILL_UUID, status);
      await until(() => errors.length === 1, 'the error');
      expect(errors[0]).to.be.instanceOf(MsbPublishError);
      expect((errors[0] as MsbPublishError).status).to.equal(status);
      await app.instance.text.emit('after');
      await until(() => events.length === 1, 'the next event');
      // The broker records an event just before it acknowledges it.
      await until(() => app.counters().acknowledged === 1, 'the acknowledgement');
      expect(app.counters()).to.include({ acknowledged: 1, inFlight: 0 });
    });
  }

  it('answers ping with pong and ignores IO, NIO, IO_PUBLISHED without events in flight', async () => {
    const { broker, brokerLog, app, errors } = await setup();
    await broker.sendToService(DRILL_UUID, 'ping');
    await until(() => brokerLog.has('debug', /pong/), 'the pong');
    for (const s of ['IO', 'NIO', 'IO_PUBLISHED', 'IO_CONNECTED']) await broker.sendToService(DRILL_UUID, s);
    await app.instance.text.emit('x');
    await until(() => app.counters().acknowledged === 1, 'the acknowledgement');
    expect(errors).to.deep.equal([]);
    expect(app.state).to.equal('registered');
  });

  it('reports messages it cannot understand and keeps the connection', async () => {
    const { broker, app, errors, events } = await setup();
    const bad = ['C {not json', 'C []', 'K {"uuid": 5}', 'X something', 'C {"uuid":"' + DRILL_UUID + '","functionId":7,"functionParameters":{}}', ''];
    for (const m of bad) await broker.sendToService(DRILL_UUID, m);
    await until(() => errors.length === bad.length, `${bad.length} protocol errors`);
    expect(errors.every((e) => e instanceof MsbProtocolError)).to.equal(true);
    await broker.sendToService(DRILL_UUID, `K {"uuid":"00000000-0000-4000-8000-000000000000","params":{"speedRpm":1}}`);
    await broker.sendToService(DRILL_UUID, `C {"uuid":"00000000-0000-4000-8000-000000000000","functionId":"ECHO","functionParameters":{"dataObject":"x"}}`);
    await until(() => f.logger.has('warn', /Ignoring a call of ECHO addressed to service 00000000/), 'the foreign call warning');
    expect(f.logger.has('warn', /Ignoring a configuration message for service 00000000/)).to.equal(true);
    expect(app.instance.speedRpm).to.equal(1200);
    expect(app.instance.calls).to.deep.equal([]);
    await app.instance.text.emit('alive');
    await until(() => events.length === 1, 'the event');
    expect(app.state).to.equal('registered');
  });
});

describe('runtime: events too big for the MSB', () => {
  const f = new Fixture();
  afterEach(() => f.close());

  it('emit() refuses an event over maxEventBytes with a clear error', async () => {
    const broker = await f.startBroker();
    const app = await f.app(TestDrill, { url: broker.url, maxEventBytes: 10_000 });
    const error = await app.instance.text.emit('x'.repeat(20_000)).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).to.match(/event text: the encoded event is \d+ bytes; at most 10000 are sent/);
    expect(app.counters().accepted).to.equal(0);
  });

  it('an event the server closes the connection for (1009) twice is dropped and reported, and the stream goes on', async () => {
    const broker = await f.startBroker({ maxMessageBytes: 50_000 });
    const events = recordEvents(broker);
    const app = await f.app(TestDrill, { url: broker.url });
    const errors: MsbError[] = [];
    app.on('error', (e) => errors.push(e));
    await app.instance.text.emit('y'.repeat(100_000), { correlationId: 'big' });
    await app.instance.text.emit('small');
    await until(() => events.length === 1, 'the small event', 10_000);
    expect(events[0].dataObject).to.equal('small');
    const refused = errors.find((e) => e instanceof MsbPublishError) as MsbPublishError;
    expect(refused.status).to.equal('CLOSED_1009_MESSAGE_TOO_BIG');
    expect(refused.correlationId).to.equal('big');
    expect(app.counters().reconnects).to.equal(2);
  });
});
