import 'reflect-metadata';
import { expect } from 'chai';
import { ConfigParam, DataType, SmartObject } from '../../lib';
import { describeIsolated, IDENTITY } from './helpers';

describe('configuration parameters', () => {
  it('infers the type from the initial value: boolean, string, whole number INT64, other number DOUBLE, Date, Buffer', () => {
    @SmartObject(IDENTITY)
    class Inferred {
      @ConfigParam() flag = false;
      @ConfigParam() label = 'x';
      @ConfigParam() whole = 7;
      @ConfigParam() negative = -3;
      @ConfigParam() fraction = 0.25;
      @ConfigParam() since = new Date('2026-01-02T03:04:05.006Z');
      @ConfigParam() key = Buffer.from('hi');
    }
    expect(describeIsolated(Inferred).configuration.parameters).to.deep.equal({
      flag: { value: false, type: 'BOOLEAN' },
      label: { value: 'x', type: 'STRING' },
      whole: { value: 7, type: 'INTEGER', format: 'INT64' },
      negative: { value: -3, type: 'INTEGER', format: 'INT64' },
      fraction: { value: 0.25, type: 'NUMBER', format: 'DOUBLE' },
      since: { value: '2026-01-02T03:04:05.006Z', type: 'STRING', format: 'DATE-TIME' },
      key: { value: 'aGk=', type: 'STRING', format: 'BYTE' },
    });
  });

  it('a declared type wins, the name option renames, and the value on the wire is converted to the type', () => {
    @SmartObject(IDENTITY)
    class Declared {
      @ConfigParam({ type: DataType.INT32, name: 'speed' }) speedRpm = 1200;
      @ConfigParam({ type: DataType.FLOAT }) ratio = 2;
      @ConfigParam({ type: DataType.INT32 }) fromText: unknown = '42';
      @ConfigParam({ type: DataType.BOOLEAN }) switchText: unknown = 'TRUE';
      @ConfigParam({ type: DataType.DATETIME }) when: unknown = '2026-05-01T00:00:00Z';
    }
    expect(describeIsolated(Declared).configuration.parameters).to.deep.equal({
      speed: { value: 1200, type: 'INTEGER', format: 'INT32' },
      ratio: { value: 2, type: 'NUMBER', format: 'FLOAT' },
      fromText: { value: 42, type: 'INTEGER', format: 'INT32' },
      switchText: { value: true, type: 'BOOLEAN' },
      when: { value: '2026-05-01T00:00:00.000Z', type: 'STRING', format: 'DATE-TIME' },
    });
  });

  it('reads current values from a given instance', () => {
    @SmartObject(IDENTITY)
    class Live { @ConfigParam() level = 1; }
    const live = new Live();
    live.level = 5;
    expect(describeIsolated(Live, { instance: live }).configuration.parameters.level.value).to.equal(5);
  });

  it('a service without parameters has configuration.parameters {}', () => {
    @SmartObject(IDENTITY)
    class NoConfig {}
    expect(describeIsolated(NoConfig).configuration).to.deep.equal({ parameters: {} });
  });
});
