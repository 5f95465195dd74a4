import { expect } from 'chai';
import {
  MsbClosedError, MsbDeclarationError, MsbFunctionError, MsbOfflineError, MsbRegistrationError, MsbValidationError,
} from '../../lib';
import type { MsbError } from '../../lib';
import { Fixture, recordEvents, until, waitFor } from '../support';
import { DRILL_UUID, DrillJob, TestDrill } from './services';

for (const sockJsFraming of [true, false]) {
  describe(`runtime over ${sockJsFraming ? 'SockJS' : 'raw'} framing`, () => {
    const f = new Fixture();
    afterEach(() => f.close());

    it('registers the self-description and reaches state "registered"', async () => {
      const broker = await f.startBroker();
      const registered = waitFor<{ uuid: string; selfDescription: any }>(broker, 'registered');
      const app = await f.app(TestDrill, { url: broker.url, sockJsFraming });
      expect(app.state).to.equal('registered');
      const { uuid, selfDescription } = await registered;
      expect(uuid).to.equal(DRILL_UUID);
      expect(selfDescription).to.deep.equal(JSON.parse(JSON.stringify(app.selfDescription())));
      expect(selfDescription.configuration.parameters.speedRpm).to.deep.equal({ value: 1200, type: 'INTEGER', format: 'INT32' });
    });

    it('publishes events of every data type with the wire form of each value', async () => {
      const broker = await f.startBroker();
      const events = recordEvents(broker);
      const app = await f.app(TestDrill, { url: broker.url, sockJsFraming });
      const d = app.instance;
      const at = new Date('2026-11-25T10:00:00.123Z');
      await d.text.emit('hello');
      await d.int32.emit(-2147483648);
      await d.int64.emit(9007199254740991);
      await d.float.emit(1.5);
      await d.double.emit(Math.PI);
      await d.datetime.emit(at);
      await d.datetime.emit('2026-11-25T11:00:00+01:00');
      await d.bool.emit(false);
      await d.bytes.emit(Buffer.from([0, 1, 254, 255]));
      await d.int32s.emit([1, 2, 3]);
      await d.job.emit({ jobId: 'J1', depthMm: 12.5, material: 'steel', tool: { name: 'HSS', diameterMm: 8 } });
      await d.jobs.emit([Object.assign(new DrillJob(), { jobId: 'J2', depthMm: 1, material: 'wood' })]);
      await d.pulse.emit();
      await until(() => events.length === 13, 'all 13 events arrived');
      expect(events.map((e) => e.dataObject)).to.deep.equal([
        'hello', -2147483648, 9007199254740991, 1.5, Math.PI, '2026-11-25T10:00:00.123Z', '2026-11-25T11:00:00+01:00', false,
        Buffer.from([0, 1, 254, 255]).toString('base64'), [1, 2, 3],
        { jobId: 'J1', depthMm: 12.5, material: 'steel', tool: { name: 'HSS', diameterMm: 8 } },
        [{ jobId: 'J2', depthMm: 1, material: 'wood' }],
        undefined,
      ]);
      expect(events[12]).to.not.have.property('dataObject');
      for (const e of events) {
        expect(e.uuid).to.equal(DRILL_UUID);
        expect(e.postDate).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      }
    });

    it('sends priorities (declared and per emit), correlation ids and postDates as given', async () => {
      const broker = await f.startBroker();
      const events = recordEvents(broker);
      const app = await f.app(TestDrill, { url: broker.url, sockJsFraming });
      await app.instance.pulse.emit();
      await app.instance.text.emit('x', { priority: 'MEDIUM', correlationId: 'corr-1', postDate: new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 6)) });
      await app.publish('DRILL_FINISHED', { jobId: 'J', durationMs: 5 }, { priority: 0 });
      await until(() => events.length === 3, '3 events');
      expect(events.map((e) => e.priority)).to.deep.equal([2, 1, 0]);
      expect(events[1].correlationId).to.equal('corr-1');
      expect(events[1].postDate).to.equal('2020-01-02T03:04:05.006Z');
      expect(events[0]).to.not.have.property('correlationId');
    });

    it('keeps quotes, backslashes, newlines and non-ASCII text intact both ways', async () => {
      const broker = await f.startBroker();
      const events = recordEvents(broker);
      const app = await f.app(TestDrill, { url: broker.url, sockJsFraming });
      const nasty = 'q"uo\'te \\ back\\\\slash \n new\r\nline \t tab \u2028 ls ümlaut 漢字 😀 \u0000 nul "]';
      await app.instance.text.emit(nasty, { correlationId: nasty });
      await until(() => events.length === 1, 'the event arrived');
      expect(events[0].dataObject).to.equal(nasty);
      expect(events[0].correlationId).to.equal(nasty);
      const echoed = waitFor<{ event: any }>(broker, 'event', ({ event }) => event.eventId === 'ECHOED');
      await broker.callFunction(DRILL_UUID, 'ECHO', { dataObject: nasty }, 'c"1\\');
      const { event } = await echoed;
      expect(event.dataObject).to.equal(nasty);
      expect(event.correlationId).to.equal('c"1\\');
      expect(app.instance.calls[0].args).to.deep.equal([nasty, 'c"1\\']);
    });
  });
}

describe('runtime: invalid event values', () => {
  const f = new Fixture();
  afterEach(() => f.close());

  it('rejects each bad value with an MsbValidationError naming the event and the problem, and sends nothing', async () => {
    const broker = await f.startBroker();
    const events = recordEvents(broker);
    const app = await f.app(TestDrill, { url: broker.url });
    const d = app.instance as any;
    const cases: Array<[string, () => Promise<void>, RegExp]> = [
      ['text', () => d.text.emit(42), /must be a string, got 42/],
      ['int32', () => d.int32.emit(2147483648), /INT32/],
      ['int32', () => d.int32.emit(1.5), /INT32/],
      ['int64', () => d.int64.emit(2 ** 60), /INT64/],
      ['float', () => d.float.emit(NaN), /FLOAT/],
      ['double', () => d.double.emit(Infinity), /DOUBLE/],
      ['double', () => d.double.emit('3.2'), /DOUBLE/],
      ['datetime', () => d.datetime.emit('yesterday'), /ISO-8601/],
      ['datetime', () => d.datetime.emit(new Date('nope')), /invalid Date/],
      ['bool', () => d.bool.emit('true'), /boolean/],
      ['bytes', () => d.bytes.emit('not base64!'), /base64/],
      ['int32s', () => d.int32s.emit([1, 'two']), /value\[1\]/],
      ['int32s', () => d.int32s.emit(5), /must be an array/],
      ['job', () => d.job.emit({ jobId: 'J', depthMm: 51, material: 'steel' }), /depthMm.*50/],
      ['job', () => d.job.emit({ jobId: 'J', depthMm: 1, material: 'glass' }), /material/],
      ['job', () => d.job.emit({ jobId: 'J', depthMm: 1, material: 'steel', tool: { name: 3, diameterMm: 1 } }), /tool\.name/],
      ['job', () => d.job.emit('J'), /DrillJob object/],
      ['jobs', () => d.jobs.emit([{ jobId: 'J', depthMm: -1, material: 'steel' }]), /\[0\].*depthMm/],
      ['pulse', () => d.pulse.emit('unexpected'), /no payload/],
      ['text', () => d.text.emit('x', { priority: 'URGENT' }), /priority/],
      ['text', () => d.text.emit(undefined), /missing/],
    ];
    for (const [eventId, emit, pattern] of cases) {
      const error = await emit().then(() => undefined, (e: unknown) => e);
      expect(error, `${eventId} ${pattern}`).to.be.instanceOf(MsbValidationError);
      expect((error as Error).message).to.contain(`event ${eventId}`).and.to.match(pattern);
    }
    await app.instance.text.emit('still alive');
    await until(() => events.length === 1, 'the valid event arrived');
    expect(events[0].dataObject).to.equal('still alive');
    expect(app.counters().accepted).to.equal(1);
  });

  it('sends unvalidated values as they are when validate is false, but still converts Dates and Buffers', async () => {
    const broker = await f.startBroker();
    const events = recordEvents(broker);
    const app = await f.app(TestDrill, { url: broker.url, validate: false });
    await (app.instance as any).int32.emit(1.5);
    await app.instance.datetime.emit(new Date(0));
    await until(() => events.length === 2, 'both events');
    expect(events.map((e) => e.dataObject)).to.deep.equal([1.5, '1970-01-01T00:00:00.000Z']);
  });
});

describe('runtime: function calls', () => {
  const f = new Fixture();
  afterEach(() => f.close());

  async function setup() {
    const broker = await f.startBroker();
    const events = recordEvents(broker);
    const app = await f.app(TestDrill, { url: broker.url });
    const errors: MsbError[] = [];
    app.on('error', (e) => errors.push(e));
    return { broker, events, app, errors };
  }

  it('transforms and validates a DTO payload, calls the async method and publishes the chosen response with the correlation id', async () => {
    const { broker, events, app } = await setup();
    const calls: unknown[] = [];
    app.on('functionCall', (c) => calls.push(c));
    await broker.callFunction(DRILL_UUID, 'drill', { dataObject: { jobId: 'J7', depthMm: 10, material: 'steel', tool: { name: 'HSS', diameterMm: 6 } } }, 'corr-7');
    await broker.callFunction(DRILL_UUID, 'drill', { dataObject: { jobId: 'J8', depthMm: 10, material: 'wood' } }, 'corr-8');
    await until(() => events.length === 2, 'two response events');
    const byCorr = Object.fromEntries(events.map((e) => [e.correlationId, e]));
    expect(byCorr['corr-7']).to.include({ eventId: 'DRILL_FINISHED', priority: 1 });
    expect(byCorr['corr-7'].dataObject).to.deep.equal({ jobId: 'J7', durationMs: 1200 });
    expect(byCorr['corr-8']).to.include({ eventId: 'DRILL_FAILED', dataObject: 'cannot drill wood' });
    const [job, corr] = app.instance.calls[0].args as [DrillJob, string];
    expect(job).to.be.instanceOf(DrillJob);
    expect(job.tool?.constructor.name).to.equal('Tool');
    expect(corr).to.equal('corr-7');
    expect(calls).to.have.length(2);
  });

  it('publishes the return value as the single response event, and finds functions with or without a leading slash', async () => {
    const { broker, events, app } = await setup();
    await broker.callFunction(DRILL_UUID, 'sum', { dataObject: [1, 2, 39] }, 'c-sum');
    await broker.callFunction(DRILL_UUID, '/ECHO', { dataObject: 'hi' }, 'c-echo');
    await broker.callFunction(DRILL_UUID, 'PULSE_BACK', {}, 'c-pulse');
    await until(() => events.length === 3, 'three responses');
    const byCorr = Object.fromEntries(events.map((e) => [e.correlationId, e]));
    expect(byCorr['c-sum']).to.include({ eventId: 'int64', dataObject: 42 });
    expect(byCorr['c-echo']).to.include({ eventId: 'ECHOED', dataObject: 'hi' });
    expect(byCorr['c-pulse']).to.include({ eventId: 'pulse', priority: 2 });
    expect(byCorr['c-pulse']).to.not.have.property('dataObject');
    expect(app.instance.calls.map((c) => c.fn).sort()).to.deep.equal(['echo', 'pulseBack', 'sum']);
  });

  it('converts a date-time payload into a Date', async () => {
    const { broker, app } = await setup();
    await broker.callFunction(DRILL_UUID, 'when', { dataObject: '2026-11-25T10:00:00.000Z' });
    await until(() => app.instance.calls.length === 1, 'the call');
    expect(app.instance.calls[0].args[0]).to.be.instanceOf(Date);
    expect((app.instance.calls[0].args[0] as Date).toISOString()).to.equal('2026-11-25T10:00:00.000Z');
  });

  it('does not call the method for an invalid payload and reports function id, correlation id and the validation messages', async () => {
    const { broker, app, errors, events } = await setup();
    await broker.callFunction(DRILL_UUID, 'drill', { dataObject: { jobId: 5, depthMm: 99, material: 'steel' } }, 'bad-1');
    await broker.callFunction(DRILL_UUID, 'drill', {}, 'bad-2');
    await broker.callFunction(DRILL_UUID, 'sum', { dataObject: [1, 'x'] }, 'bad-3');
    await until(() => errors.length === 3, 'three errors');
    expect(app.instance.calls).to.have.length(0);
    for (const e of errors) expect(e).to.be.instanceOf(MsbValidationError);
    expect(errors[0].message).to.contain('function drill').and.contain('bad-1').and.match(/jobId/).and.match(/depthMm/);
    expect(errors[1].message).to.contain('bad-2').and.contain('dataObject is missing');
    expect(errors[2].message).to.contain('function /sum').and.contain('dataObject[1]');
    expect(f.logger.has('error', /bad-1/)).to.equal(true);
    // the connection stays up
    await broker.callFunction(DRILL_UUID, 'ECHO', { dataObject: 'ok' }, 'after');
    await until(() => events.length === 1, 'the echo');
    expect(app.state).to.equal('registered');
  });

  it('logs unknown functions and survives throwing and rejecting handlers', async () => {
    const { broker, app, errors, events } = await setup();
    await broker.callFunction(DRILL_UUID, 'NO_SUCH_FUNCTION', { dataObject: 1 }, 'u-1');
    await broker.callFunction(DRILL_UUID, 'THROWS', {}, 't-1');
    await broker.callFunction(DRILL_UUID, 'REJECTS', {}, 'r-1');
    await broker.callFunction(DRILL_UUID, 'BAD_RESPONSE', {}, 'b-1');
    await until(() => errors.length === 4, 'four errors');
    const text = errors.map((e) => e.message).join('\n');
    expect(errors.every((e) => e instanceof MsbFunctionError)).to.equal(true);
    expect(text).to.contain('Function NO_SUCH_FUNCTION (correlationId u-1): no such function');
    expect(text).to.contain('Function THROWS (correlationId t-1): the handler threw: handler exploded');
    expect(text).to.contain('Function REJECTS (correlationId r-1): the handler threw: async handler failed');
    expect(text).to.match(/BAD_RESPONSE.*response event DRILL_FINISHED not sent.*jobId/);
    await broker.callFunction(DRILL_UUID, 'ECHO', { dataObject: 'still here' }, 'after');
    await until(() => events.length === 1, 'the echo');
    expect(app.state).to.equal('registered');
  });

  it('bounds a handler in time and keeps serving', async () => {
    const broker = await f.startBroker();
    const app = await f.app(TestDrill, { url: broker.url, callTimeoutMs: 50 });
    const errors: MsbError[] = [];
    app.on('error', (e) => errors.push(e));
    (app.instance as any).echo = () => new Promise(() => undefined);
    await broker.callFunction(DRILL_UUID, 'ECHO', { dataObject: 'x' }, 'slow');
    await until(() => errors.length === 1, 'the timeout error', 2000);
    expect(errors[0].message).to.contain('did not settle within 50 ms');
  });
});

describe('runtime: configuration', () => {
  const f = new Fixture();
  afterEach(() => f.close());

  it('applies a K message: coerces values, calls @OnConfigChange, emits configChanged and re-registers with the new values', async () => {
    const broker = await f.startBroker();
    const app = await f.app(TestDrill, { url: broker.url });
    const changed = waitFor<Record<string, unknown>>(app, 'configChanged');
    const reRegistered = waitFor<{ selfDescription: any }>(broker, 'registered', ({ selfDescription }) => selfDescription.configuration.parameters.speedRpm.value === 900);
    await broker.setConfig(DRILL_UUID, { speedRpm: '900', coolant: false });
    const changes = await changed;
    expect(changes).to.deep.equal({ speedRpm: 900, coolant: false });
    expect(app.instance.speedRpm).to.equal(900);
    expect(app.instance.coolant).to.equal(false);
    expect(app.instance.configChanges).to.deep.equal([{ speedRpm: 900, coolant: false }]);
    const { selfDescription } = await reRegistered;
    expect(selfDescription.configuration.parameters.coolant.value).to.equal(false);
  });

  it('rejects unknown names and uncoercible values with a warning and applies the rest', async () => {
    const broker = await f.startBroker();
    const app = await f.app(TestDrill, { url: broker.url });
    const errors: MsbError[] = [];
    app.on('error', (e) => errors.push(e));
    const changed = waitFor<Record<string, unknown>>(app, 'configChanged');
    await broker.setConfig(DRILL_UUID, { nope: 1, speedRpm: 3.5, coolant: 'maybe', label: 'hall C' });
    const changes = await changed;
    expect(changes).to.deep.equal({ label: 'hall C' });
    expect(app.instance.speedRpm).to.equal(1200);
    expect(f.logger.has('warn', /nope: unknown parameter/)).to.equal(true);
    expect(f.logger.has('warn', /speedRpm: 3.5 is not an integer/)).to.equal(true);
    expect(f.logger.has('warn', /coolant: "maybe" is not a boolean/)).to.equal(true);
    expect(errors).to.have.length(3);
  });

  it('setConfig changes a value locally and re-registers; a bad one rejects', async () => {
    const broker = await f.startBroker();
    const app = await f.app(TestDrill, { url: broker.url });
    const reRegistered = waitFor<{ selfDescription: any }>(broker, 'registered', ({ selfDescription }) => selfDescription.configuration.parameters.label.value === 'hall D');
    await app.setConfig('label', 'hall D');
    await reRegistered;
    expect(app.instance.label).to.equal('hall D');
    const error = await app.setConfig('speedRpm', 'fast').then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).to.contain('speedRpm').and.contain('"fast" is not an integer');
  });
});

describe('runtime: registration outcomes', () => {
  const f = new Fixture();
  afterEach(() => f.close());

  it('a second service with the same uuid gets NIO_ALREADY_CONNECTED as an MsbRegistrationError', async () => {
    const broker = await f.startBroker();
    await f.app(TestDrill, { url: broker.url });
    const error = await f.app(TestDrill, { url: broker.url }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(MsbRegistrationError);
    expect((error as MsbRegistrationError).status).to.equal('NIO_ALREADY_CONNECTED');
  });

  it('a token the broker did not issue gets NIO_REGISTRATION_ERROR in strict mode, without a reconnect storm', async () => {
    const broker = await f.startBroker({ strictTokens: true });
    let connections = 0;
    broker.on('connection', () => connections++);
    const error = await f.app(TestDrill, { url: broker.url }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(MsbRegistrationError);
    expect((error as MsbRegistrationError).status).to.equal('NIO_REGISTRATION_ERROR');
    expect((error as Error).message).to.not.contain('secret-token-1');
    expect(connections).to.equal(1);
  });

  it('without waitForRegistration resolves at once, caches events offline and flushes them in order on registration', async () => {
    const broker = await f.startBroker();
    const url = broker.url;
    await broker.close();
    const app = await f.app(TestDrill, { url, waitForRegistration: false });
    expect(app.state).to.not.equal('registered');
    for (let i = 0; i < 20; i++) await app.instance.int32.emit(i);
    expect(app.counters().queued).to.equal(20);
    const port = Number(new URL(url).port);
    const broker2 = await f.startBroker({ port });
    const events = recordEvents(broker2);
    await until(() => events.length === 20, 'the cached events', 5000);
    expect(events.map((e) => e.dataObject)).to.deep.equal([...Array(20).keys()]);
  });

  it('rejects offline emits with cached: false and when the cache is off', async () => {
    const broker = await f.startBroker();
    const url = broker.url;
    await broker.close();
    const app = await f.app(TestDrill, { url, waitForRegistration: false });
    const e1 = await app.instance.text.emit('x', { cached: false }).then(() => undefined, (e: unknown) => e);
    expect(e1).to.be.instanceOf(MsbOfflineError);
    const app2 = await f.app(class extends TestDrill {}, { url, waitForRegistration: false, eventCache: false, uuid: '11111111-2222-4333-8444-555555555555' });
    const e2 = await app2.instance.text.emit('x').then(() => undefined, (e: unknown) => e);
    expect(e2).to.be.instanceOf(MsbOfflineError);
    expect((e2 as Error).message).to.contain('Event text was not sent');
  });

  it('drops the oldest cached event when the offline cache is full: counted, reported per event, logged as a summary', async () => {
    const broker = await f.startBroker();
    const url = broker.url;
    await broker.close();
    const app = await f.app(TestDrill, { url, waitForRegistration: false, eventCache: { size: 5 } });
    const dropped: Array<{ eventId: string; correlationId?: string; seq: number }> = [];
    app.on('dropped', (d) => dropped.push(d));
    for (let i = 0; i < 8; i++) await app.instance.int32.emit(i, { correlationId: `c${i}` });
    expect(app.counters()).to.include({ queued: 5, dropped: 3 });
    expect(dropped).to.deep.equal([0, 1, 2].map((i) => ({ eventId: 'int32', correlationId: `c${i}`, seq: i + 1 })));
    const dropLines = () => f.logger.lines.filter((l) => /Offline event cache full/.test(l.message));
    // The first drop is logged at once, the rest at most a second later as one summary.
    await until(() => dropLines().length === 2, 'the summary of the later drops');
    expect(dropLines().map((l) => l.message)).to.deep.equal([
      'Offline event cache full (5 events / 67108864 bytes): dropped 1 event in the last second; 1 so far (oldest first)',
      'Offline event cache full (5 events / 67108864 bytes): dropped 2 events in the last second; 3 so far (oldest first)',
    ]);
    const broker2 = await f.startBroker({ port: Number(new URL(url).port) });
    const events = recordEvents(broker2);
    await app.flush(10_000);
    expect(events.map((e) => e.dataObject)).to.deep.equal([3, 4, 5, 6, 7]);
  });

  it('a wrong declaration fails bootstrap with MsbDeclarationError and no connection', async () => {
    const broker = await f.startBroker();
    let connections = 0;
    broker.on('connection', () => connections++);
    const error = await f.app(TestDrill, { url: broker.url, uuid: 'not-a-uuid' }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(MsbDeclarationError);
    expect(connections).to.equal(0);
  });

  it('close() flushes, stops, and later emits reject with MsbClosedError; an AbortSignal closes too', async () => {
    const broker = await f.startBroker();
    const events = recordEvents(broker);
    const controller = new AbortController();
    const app = await f.app(TestDrill, { url: broker.url, signal: controller.signal });
    for (let i = 0; i < 100; i++) void app.instance.int32.emit(i);
    const closed = waitFor<string>(app, 'stateChange', (s) => s === 'closed');
    controller.abort();
    await closed;
    expect(events.map((e) => e.dataObject)).to.deep.equal([...Array(100).keys()]);
    const error = await app.instance.text.emit('late').then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(MsbClosedError);
  });
});
