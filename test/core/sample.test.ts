import 'reflect-metadata';
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MsbValidationError } from '../../lib';
import { testService } from '../../lib/testing';
import { Drill } from '../../samples/drill';
import { SimulatedDriver, Spindle, createContainer } from '../../samples/container';
import { describeIsolated } from './helpers';

const SCRIPT = join(__dirname, '..', '..', 'samples', 'print-self-description.js');

describe('samples/drill', () => {
  it('print-self-description (npm run describe) prints the self-description of Drill as JSON', async () => {
    // No MSB_* variables: the script must not depend on them, and they must not leak in.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MSB_')));
    const { stdout } = await promisify(execFile)(process.execPath, [SCRIPT], { env, timeout: 20_000 });
    expect(JSON.parse(stdout)).to.deep.equal(describeIsolated(Drill));
  });

  it('describes Drill 7 with its events, DTO-typed function and configuration', () => {
    const sd = describeIsolated(Drill);
    expect([sd['@class'], sd.uuid, sd.name, sd.token]).to.deep.equal(['SmartObject', '76499d88-34cf-4836-8cc1-7e0d9c54dac1', 'Drill 7', '5e0d9c54dac1']);
    expect(sd.events.map((e) => [e['@id'], e.eventId])).to.deep.equal([[1, 'temperature'], [2, 'drillFinished'], [3, 'drillFailed']]);
    expect(sd.events[0].dataFormat).to.deep.equal({ dataObject: { type: 'number', format: 'float' } });
    expect(sd.events[0].description).to.not.equal('');
    expect(sd.events[1].dataFormat).to.deep.equal({
      dataObject: { $ref: '#/definitions/DrillResult', type: 'object' },
      DrillResult: {
        type: 'object',
        properties: { jobId: { type: 'string' }, durationMs: { type: 'integer', format: 'int64' }, ok: { type: 'boolean' } },
      },
    });
    expect(sd.events[2].dataFormat).to.deep.equal({ dataObject: { type: 'string' } });
    expect(sd.functions).to.have.length(1);
    expect(sd.functions[0].functionId).to.equal('drill');
    expect(sd.functions[0].responseEvents).to.deep.equal([2, 3]);
    expect(sd.functions[0].dataFormat).to.deep.equal({
      dataObject: { $ref: '#/definitions/DrillJob', type: 'object' },
      DrillJob: {
        type: 'object',
        properties: {
          jobId: { type: 'string' },
          depthMm: { type: 'number', format: 'float', minimum: 0, maximum: 50, description: 'Hole depth in millimetres' },
          material: { type: 'string', enum: ['steel', 'aluminium', 'wood'] },
        },
      },
    });
    expect(sd.configuration.parameters).to.deep.equal({
      speedRpm: { value: 1200, type: 'INTEGER', format: 'INT32' },
      coolant: { value: true, type: 'BOOLEAN' },
    });
  });

  // The sample's own tests use the test bed: the same reading, validation, dispatch and responses as bootstrap, no broker.
  it('drill() answers a valid DrillJob with drillFinished and a DrillResult for the same job, with the call\'s correlation id', async () => {
    const bed = await testService(Drill);
    const responses = await bed.call('drill', { dataObject: { jobId: 'J-1', depthMm: 12.5, material: 'steel' } }, { correlationId: 'corr-1' });
    expect(responses.map((r) => [r.eventId, r.priority, r.correlationId])).to.deep.equal([['drillFinished', 2, 'corr-1']]);
    const result = responses[0].value as { jobId: string; durationMs: number; ok: boolean };
    expect([result.jobId, result.ok]).to.deep.equal(['J-1', true]);
    expect(Number.isSafeInteger(result.durationMs) && result.durationMs > 0).to.equal(true);
    await bed.close();
  });

  it('drill() answers drillFailed for steel once the MSB turned the coolant off', async () => {
    const bed = await testService(Drill);
    expect(await bed.configure({ coolant: false })).to.deep.equal({ coolant: false });
    expect(bed.instance.configLog).to.deep.equal([{ coolant: false }]);
    const [failed] = await bed.call('drill', { dataObject: { jobId: 'J-9', depthMm: 5, material: 'steel' } });
    expect(failed).to.include({ eventId: 'drillFailed', value: 'job J-9: steel needs coolant', priority: 1 });
    await bed.close();
  });

  it('a job that its data format rejects never reaches drill(): the call rejects naming each field', async () => {
    const bed = await testService(Drill);
    const error = await bed.call('drill', { dataObject: { jobId: 'J-2', depthMm: 51, material: 'glass' } }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(MsbValidationError);
    const violations = (error as MsbValidationError).violations.join('\n');
    expect(violations).to.match(/depthMm/).and.to.match(/material/);
    expect(bed.emitted).to.deep.equal([]);
    await bed.close();
  });
});

describe('samples/container', () => {
  it('setSpeed drives the injected driver and answers speedSet; close() parks the spindle and reports it', async () => {
    const driver = new SimulatedDriver();
    const container = createContainer(driver);
    const bed = await testService(Spindle, { factory: () => container.get(Spindle) });
    const [answer] = await bed.call('setSpeed', { dataObject: 1500 }, { correlationId: 's-1' });
    expect(answer).to.include({ eventId: 'speedSet', value: 1500, priority: 1, correlationId: 's-1' });
    expect(driver.rpm).to.equal(1500);
    await bed.close();
    expect(driver.parked).to.equal(true);
    // Temperature reports run on a timer from @OnRegistered; on a slow machine one may come in between.
    expect(bed.emitted.map((e) => e.eventId).filter((id) => id !== 'temperature')).to.deep.equal(['speedSet', 'parked']);
  });

  it('refuses a speed that is no INT32 before the driver hears of it', async () => {
    const driver = new SimulatedDriver();
    const bed = await testService(Spindle, { instance: new Spindle(driver, 60_000) });
    const error = await bed.call('setSpeed', { dataObject: 1500.5 }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(MsbValidationError);
    expect(driver.rpm).to.equal(0);
    await bed.close();
  });
});
