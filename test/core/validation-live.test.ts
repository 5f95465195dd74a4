import 'reflect-metadata';
import { expect } from 'chai';
import { IsString, Min } from 'class-validator';
import {
  ConfigParam, DataType, Event, MsbConfigParamError, MsbError, MsbEvent, MsbFunction, MsbValidationError, Payload, Property, SmartObject,
} from '../../lib';
import { Fixture, recordEvents, until, waitFor } from '../support';

const UUID = '0b8a4f7e-5d1c-4c7e-9a51-3f7f0d2a9c11';

class JobDone {
  @IsString() jobId!: string;
  @Property(DataType.INT64) durationMs!: number;
}

class Count {
  @Property(DataType.INT32) n!: number;
}

@SmartObject({ uuid: UUID, name: 'Checked', token: 'checked-token' })
class Checked {
  @Event({ dataType: JobDone }) done!: MsbEvent<JobDone>;
  @Min(0) @ConfigParam() K = 5;
  readonly received: Count[] = [];

  @MsbFunction()
  count(@Payload() c: Count): void {
    this.received.push(c);
  }
}

describe('validation on a live service: emit, incoming calls and K messages go through the same checks', () => {
  const f = new Fixture();
  afterEach(() => f.close());

  it('emit() of a DTO value the format rejects fails with MsbValidationError and sends nothing; a good one goes out', async () => {
    const broker = await f.startBroker();
    const events = recordEvents(broker);
    const app = await f.app(Checked, { url: broker.url });
    const error = await app.instance.done.emit({ jobId: 'j', durationMs: 'not a number' as unknown as number }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(MsbValidationError);
    expect((error as MsbValidationError).violations).to.deep.equal(['durationMs must be an INT64 integer (a safe integer), got "not a number"']);
    await app.instance.done.emit({ jobId: 'j', durationMs: 12 });
    await until(() => events.length === 1, 'the good event');
    expect(events.map((e) => e.dataObject)).to.deep.equal([{ jobId: 'j', durationMs: 12 }]);
  });

  it('a call whose payload breaks the format never reaches the handler; the next good one does', async () => {
    const broker = await f.startBroker();
    const app = await f.app(Checked, { url: broker.url });
    const errors: MsbError[] = [];
    app.on('error', (e) => errors.push(e));
    await broker.callFunction(UUID, 'count', { dataObject: { n: 'x' } }, 'bad');
    await broker.callFunction(UUID, 'count', { dataObject: { n: 3 } }, 'good');
    await until(() => app.instance.received.length === 1, 'the good call');
    expect(errors.map((e) => e.message)).to.deep.equal(['Invalid value for function count (correlationId bad): dataObject.n must be an INT32 integer, got "x"']);
    expect(app.instance.received[0]).to.be.instanceOf(Count).and.deep.include({ n: 3 });
  });

  it('a K message that breaks @Min(0) is rejected naming the parameter and the rule; the old value stays and the rest applies', async () => {
    @SmartObject({ uuid: UUID, name: 'Tuned', token: 't' })
    class Tuned {
      @Min(0) @ConfigParam() K = 5;
      @ConfigParam() label = 'a';
    }
    const broker = await f.startBroker();
    const app = await f.app(Tuned, { url: broker.url });
    const errors: MsbError[] = [];
    app.on('error', (e) => errors.push(e));
    const changed = waitFor<Record<string, unknown>>(app, 'configChanged');
    await broker.setConfig(UUID, { K: -5, label: 'b' });
    expect(await changed).to.deep.equal({ label: 'b' });
    expect(app.instance.K).to.equal(5);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.be.instanceOf(MsbConfigParamError);
    expect(errors[0].message).to.equal('Configuration parameter K: -5 breaks a rule: must be at least 0');
    const local = await app.setConfig('K', -1).then(() => undefined, (e: unknown) => e);
    expect(local).to.be.instanceOf(MsbConfigParamError).and.have.property('parameter', 'K');
    expect(app.instance.K).to.equal(5);
  });
});
