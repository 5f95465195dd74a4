import 'reflect-metadata';
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IsString, Min } from 'class-validator';
import {
  ConfigParam, CorrelationId, DataType, Event, MsbClosedError, MsbConfigParamError, MsbOptionsError, MsbDeclarationError,
  MsbFunctionError, MsbValidationError, MsbFunction, OnClose, OnConfigChange, OnRegistered, Payload, Property, SmartObject,
  respond, selfDescriptionOf,
} from '../../lib';
import type { MsbEvent, ResponseEvent } from '../../lib';
import { testService } from '../../lib/testing';
import { Fixture, recordEvents, until } from '../support';

class Job {
  @IsString() jobId!: string;
  @Property(DataType.FLOAT) @Min(0) depthMm!: number;
  @Property(DataType.DATETIME) due!: Date;
}

/** A dependency that only a container can give: the service cannot be made with `new Press()`. */
class Plc {
  readonly written: number[] = [];
  write(value: number): void { this.written.push(value); }
}

@SmartObject({ uuid: '0b6c2f4e-8a1d-4c3b-9e5f-1a2b3c4d5e6f', name: 'Press', token: 'press-token' })
class Press {
  @Event({ dataType: DataType.FLOAT, priority: 'MEDIUM' }) force!: MsbEvent<number>;
  @Event({ dataType: Job }) accepted!: MsbEvent<Job>;
  @Event({ dataType: DataType.STRING, priority: 'HIGH' }) refused!: MsbEvent<string>;
  @Event() stopped!: MsbEvent;
  @ConfigParam({ type: DataType.INT32 }) @Min(1) strokes = 10;

  readonly log: string[] = [];

  constructor(private readonly plc: Plc) {}

  @MsbFunction({ id: 'press', responseEvents: ['accepted', 'refused'] })
  press(@Payload() job: Job, @CorrelationId() id?: string): ResponseEvent<Job | string> {
    this.log.push(`press ${job.jobId} ${job.due instanceof Date ? 'Date' : typeof job.due} ${id ?? '-'}`);
    if (job.depthMm > 10) return respond('refused', `${job.jobId} too deep`, { priority: 'LOW' });
    this.plc.write(job.depthMm);
    return respond('accepted', job);
  }

  @MsbFunction({ id: 'fail', dataType: DataType.STRING })
  fail(@Payload() why: string): void {
    throw new Error(why);
  }

  @OnConfigChange() changed(changes: Record<string, unknown>): void { this.log.push(`config ${JSON.stringify(changes)}`); }
  @OnRegistered() registered(): void { this.log.push('registered'); }
  @OnClose() async closing(): Promise<void> {
    this.log.push('closing');
    await this.stopped.emit();
  }
}

const UUID = '0b6c2f4e-8a1d-4c3b-9e5f-1a2b3c4d5e6f';
const DUE = '2026-11-30T08:00:00.000Z';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then((v) => { throw new Error(`expected a rejection, got ${JSON.stringify(v)}`); }, (e: unknown) => e);
}

describe('testing: testService builds a service as bootstrap does, with no socket', () => {
  it('a class with constructor arguments, given by factory (typed, no cast); @OnRegistered has run', async () => {
    const plc = new Plc();
    const bed = await testService(Press, { factory: () => new Press(plc) });
    expect(bed.instance.log).to.deep.equal(['registered']);
    await bed.call('press', { dataObject: { jobId: 'J1', depthMm: 2.5, due: DUE } });
    expect(plc.written).to.deep.equal([2.5]);
  });

  it('records each accepted event as sent on the wire: value in JSON form, priority, correlation id', async () => {
    const bed = await testService(Press, { instance: new Press(new Plc()) });
    await bed.instance.force.emit(12.5);
    await bed.instance.force.emit(1, { priority: 'HIGH', correlationId: 'c-7', postDate: new Date(DUE) });
    await bed.instance.accepted.emit(Object.assign(new Job(), { jobId: 'J2', depthMm: 1, due: new Date(DUE) }));
    await bed.instance.stopped.emit();
    expect(bed.emitted.map(({ postDate: _postDate, ...rest }) => rest)).to.deep.equal([
      { uuid: UUID, eventId: 'force', value: 12.5, priority: 1 },
      { uuid: UUID, eventId: 'force', value: 1, priority: 2, correlationId: 'c-7' },
      { uuid: UUID, eventId: 'accepted', value: { jobId: 'J2', depthMm: 1, due: DUE }, priority: 0 },
      { uuid: UUID, eventId: 'stopped', value: undefined, priority: 0 },
    ]);
    expect(bed.emitted[1].postDate).to.equal(DUE);
  });

  it('refuses a value that does not fit, as emit() does live, and records nothing', async () => {
    const bed = await testService(Press, { instance: new Press(new Plc()) });
    const error = await rejection(bed.instance.force.emit('hot' as unknown as number));
    expect(error).to.be.instanceOf(MsbValidationError);
    expect((error as Error).message).to.match(/event force/);
    expect(await rejection(bed.instance.stopped.emit(1 as never))).to.be.instanceOf(MsbValidationError);
    expect(bed.emitted).to.deep.equal([]);
  });

  it('call resolves with the response events the call produced: a DTO payload arrives converted, the correlation id and respond() options are kept', async () => {
    const bed = await testService(Press, { instance: new Press(new Plc()) });
    await bed.instance.force.emit(3); // not a response: never among a call's results
    const accepted = await bed.call('press', { dataObject: { jobId: 'J3', depthMm: 4, due: DUE } }, { correlationId: 'c-1' });
    const refused = await bed.call('press', { dataObject: { jobId: 'J4', depthMm: 40, due: DUE } }, { correlationId: 'c-2' });
    expect(accepted.map(({ postDate: _postDate, ...r }) => r)).to.deep.equal([{ uuid: UUID, eventId: 'accepted', value: { jobId: 'J3', depthMm: 4, due: DUE }, priority: 0, correlationId: 'c-1' }]);
    expect(refused.map(({ postDate: _postDate, ...r }) => r)).to.deep.equal([{ uuid: UUID, eventId: 'refused', value: 'J4 too deep', priority: 0, correlationId: 'c-2' }]);
    expect(bed.instance.log.slice(1)).to.deep.equal(['press J3 Date c-1', 'press J4 Date c-2']);
    expect(bed.emitted.map((e) => e.eventId)).to.deep.equal(['force', 'accepted', 'refused']);
  });

  it('concurrent calls each get their own responses, even with the same correlation id', async () => {
    const bed = await testService(Press, { instance: new Press(new Plc()) });
    const results = await Promise.all([1, 20, 3].map((depthMm, i) => bed.call('press', { dataObject: { jobId: `J${i}`, depthMm, due: DUE } }, { correlationId: 'same' })));
    expect(results.map((r) => r.map((e) => [e.eventId, (e.value as { jobId?: string }).jobId ?? e.value]))).to.deep.equal([
      [['accepted', 'J0']], [['refused', 'J1 too deep']], [['accepted', 'J2']],
    ]);
  });

  it('call rejects with the validation error of a bad payload, the function error of a throwing handler or an unknown function', async () => {
    const bed = await testService(Press, { instance: new Press(new Plc()) });
    const invalid = await rejection(bed.call('press', { dataObject: { jobId: 5, depthMm: -1, due: 'soon' } }, { correlationId: 'c-3' }));
    expect(invalid).to.be.instanceOf(MsbValidationError);
    expect((invalid as MsbValidationError).violations.join('; ')).to.match(/jobId/).and.match(/depthMm/).and.match(/due/);
    expect((invalid as MsbValidationError).correlationId).to.equal('c-3');
    const thrown = await rejection(bed.call('fail', { dataObject: 'jammed' }));
    expect(thrown).to.be.instanceOf(MsbFunctionError);
    expect((thrown as Error).message).to.match(/Function fail: the handler threw: .*jammed/);
    const unknown = await rejection(bed.call('nope'));
    expect(unknown).to.be.instanceOf(MsbFunctionError);
    expect((unknown as Error).message).to.match(/nope: no such function/);
    // The caller heard of each one; nothing is left unattended, nothing was emitted, the service goes on.
    expect(bed.errors).to.deep.equal([]);
    expect(bed.emitted).to.deep.equal([]);
    expect(await bed.call('press', { dataObject: { jobId: 'J5', depthMm: 1, due: DUE } })).to.have.length(1);
  });

  it('configure changes parameters as a K message does: converted, checked by their rules, @OnConfigChange awaited', async () => {
    const bed = await testService(Press, { instance: new Press(new Plc()) });
    expect(await bed.configure({ strokes: '25' })).to.deep.equal({ strokes: 25 });
    expect(bed.instance.strokes).to.equal(25);
    expect(bed.selfDescription.configuration.parameters.strokes.value).to.equal(25);
    const bad = await rejection(bed.configure({ strokes: 0 }));
    expect(bad).to.be.instanceOf(MsbConfigParamError);
    expect((bad as Error).message).to.match(/strokes/);
    expect(await rejection(bed.configure({ speed: 1 }))).to.be.instanceOf(MsbConfigParamError);
    expect(bed.instance.strokes).to.equal(25);
    expect(bed.instance.log.filter((l) => l.startsWith('config'))).to.deep.equal(['config {"strokes":25}']);
  });

  it('selfDescription is the registration bootstrap sends', async () => {
    const instance = new Press(new Plc());
    const bed = await testService(Press, { instance });
    expect(bed.selfDescription).to.deep.equal(selfDescriptionOf(Press, { instance, env: false, propertiesFile: false }));
  });

  it('close awaits @OnClose (which may still emit), then refuses emits and calls', async () => {
    const bed = await testService(Press, { instance: new Press(new Plc()) });
    await bed.close();
    expect(bed.instance.log).to.deep.equal(['registered', 'closing']);
    expect(bed.emitted.map((e) => e.eventId)).to.deep.equal(['stopped']);
    expect(await rejection(bed.instance.force.emit(1))).to.be.instanceOf(MsbClosedError);
    expect(await rejection(bed.call('press', {}))).to.be.instanceOf(MsbClosedError);
  });

  it('declaration errors and wrong instances are refused as bootstrap refuses them', async () => {
    @SmartObject({ uuid: 'not-a-uuid', token: 't' })
    class Broken {
      @Event({ priority: 'URGENT' as never }) e!: MsbEvent;
    }
    const declaration = await rejection(testService(Broken));
    expect(declaration).to.be.instanceOf(MsbDeclarationError);
    expect((declaration as MsbDeclarationError).problems.join('\n')).to.match(/not a valid UUID/).and.match(/URGENT/);
    const wrong = await rejection(testService(Press, { factory: () => ({}) as Press }));
    expect(wrong).to.be.instanceOf(MsbOptionsError);
    expect((wrong as Error).message).to.match(/factory returned an instance of Object, not an instance of Press/);
    const threw = await rejection(testService(Press, { factory: () => { throw new Error('no PLC'); } }));
    expect((threw as Error).message).to.match(/options.factory threw: no PLC/);
  });

  it('msb-decorators/testing loads no broker code', async () => {
    const script = `require(${JSON.stringify(join(__dirname, '..', '..', 'lib', 'testing'))});` +
      "process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((k) => /[\\\\/]lib[\\\\/]broker[\\\\/]/.test(k))));";
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { timeout: 20_000 });
    expect(JSON.parse(stdout)).to.deep.equal([]);
  });

  it('runs under node:test', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'msb-node-test-'));
    try {
      const file = join(dir, 'press.test.js');
      writeFileSync(file, [
        "const test = require('node:test');",
        "const assert = require('node:assert');",
        `require(${JSON.stringify(require.resolve('reflect-metadata'))});`,
        `const { SmartObject, Event, MsbFunction, Payload, DataType } = require(${JSON.stringify(join(__dirname, '..', '..', 'lib'))});`,
        `const { testService } = require(${JSON.stringify(join(__dirname, '..', '..', 'lib', 'testing'))});`,
        'class Echo { echo(text) { return text.toUpperCase(); } }',
        "Event({ dataType: DataType.STRING })(Echo.prototype, 'shouted');",
        "Payload({ dataType: DataType.STRING })(Echo.prototype, 'echo', 0);",
        "MsbFunction({ responseEvents: ['shouted'] })(Echo.prototype, 'echo', Object.getOwnPropertyDescriptor(Echo.prototype, 'echo'));",
        "SmartObject({ uuid: '5f0c9a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b', token: 't' })(Echo);",
        "test('echo answers in capitals', async () => {",
        '  const bed = await testService(Echo);',
        "  const [r] = await bed.call('echo', { dataObject: 'hi' }, { correlationId: 'n1' });",
        "  assert.deepStrictEqual([r.eventId, r.value, r.correlationId], ['shouted', 'HI', 'n1']);",
        '  await bed.close();',
        '});',
        '',
      ].join('\n'));
      const { stdout } = await promisify(execFile)(process.execPath, ['--test', file], { timeout: 30_000 });
      expect(stdout).to.match(/# pass 1/).and.match(/# fail 0/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('testing: the test bed and a live service agree', () => {
  const f = new Fixture();
  afterEach(() => f.close());

  it('the same emits and calls give the same wire events and the same errors in the test bed and through the broker', async () => {
    const broker = await f.startBroker();
    const onWire = recordEvents(broker);
    const app = await f.app(Press, { url: broker.url, factory: () => new Press(new Plc()) });
    const bed = await testService(Press, { factory: () => new Press(new Plc()) });
    const liveErrors: string[] = [];
    app.on('error', (e) => liveErrors.push(e.message));
    const script = async (instance: Press): Promise<string[]> => {
      const refusals: string[] = [];
      for (const v of [1.5, 'x', Number.NaN, 2]) await instance.force.emit(v as number, { correlationId: 'k' }).catch((e: Error) => void refusals.push(e.message));
      await instance.accepted.emit({ jobId: 'J', depthMm: 3, due: new Date(DUE) }, { priority: 'HIGH' }).catch((e: Error) => void refusals.push(e.message));
      await instance.accepted.emit({ jobId: 'J', depthMm: -3 } as Job).catch((e: Error) => void refusals.push(e.message));
      return refusals;
    };
    const liveRefusals = await script(app.instance);
    const bedRefusals = await script(bed.instance);
    expect(bedRefusals).to.deep.equal(liveRefusals);
    expect(liveRefusals).to.have.length(3);
    const calls: Array<[string, Record<string, unknown>]> = [
      ['press', { dataObject: { jobId: 'C1', depthMm: 1, due: DUE } }],
      ['press', { dataObject: { jobId: 'C2', depthMm: 99, due: DUE } }],
      ['press', { dataObject: { jobId: 7, depthMm: 1, due: DUE } }],
      ['fail', { dataObject: 'why' }],
    ];
    const bedCallErrors: string[] = [];
    for (const [i, [id, params]] of calls.entries()) {
      await bed.call(id, params, { correlationId: `call-${i}` }).catch((e: Error) => void bedCallErrors.push(e.message));
      await broker.callFunction(UUID, id, params, `call-${i}`);
    }
    // Three events from the script plus the two answered calls; two calls fail.
    await until(() => onWire.length === 5 && liveErrors.length === 2, `5 events and 2 errors from the live service (have ${onWire.length} and ${liveErrors.length})`);
    const strip = (e: { eventId: string; dataObject?: unknown; priority: unknown; correlationId?: string }) => [e.eventId, e.dataObject, e.priority, e.correlationId];
    expect(bed.emitted.map((e) => strip({ ...e, dataObject: e.value }))).to.deep.equal(onWire.map(strip));
    expect(bedCallErrors).to.deep.equal(liveErrors);
  });
});
