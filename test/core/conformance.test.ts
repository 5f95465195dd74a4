import 'reflect-metadata';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IsInt, IsString } from 'class-validator';
import { Type } from 'class-transformer';
import {
  Application, ConfigParam, DataType, Event, MsbEvent, MsbFunction, Payload, Property, SmartObject, selfDescriptionOf,
} from '../../lib';

/** The conformance vectors are copied from the reference client's output into the fixtures. */
const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'conformance');
function vector(name: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
}

const IDENTITY = {
  uuid: '76499d88-34cf-4836-8cc1-7e0d9c54dac1',
  name: 'Drill 7',
  description: 'Pillar drill in hall B',
  token: '5e0d9c54dac1',
};
/** Identity from the decorator only: the developer's environment must not leak into the vectors. */
const ISOLATED = { env: false, propertiesFile: false } as const;

describe('conformance vectors (self-descriptions of the reference client)', () => {
  it('simple-events.json: seventeen events, one scalar and one array event per simple type, then a payload-less one', () => {
    @SmartObject(IDENTITY)
    class SimpleEvents {
      @Event({ id: 'EV_STRING', name: 'Event STRING', description: 'scalar STRING', dataType: DataType.STRING, priority: 0 }) s!: MsbEvent<string>;
      @Event({ id: 'EV_STRING_ARRAY', name: 'Event STRING array', description: 'array of STRING', dataType: DataType.STRING, isArray: true, priority: 2 }) sa!: MsbEvent<string[]>;
      @Event({ id: 'EV_INT32', name: 'Event INT32', description: 'scalar INT32', dataType: DataType.INT32, priority: 0 }) i32!: MsbEvent<number>;
      @Event({ id: 'EV_INT32_ARRAY', name: 'Event INT32 array', description: 'array of INT32', dataType: DataType.INT32, isArray: true, priority: 2 }) i32a!: MsbEvent<number[]>;
      @Event({ id: 'EV_INT64', name: 'Event INT64', description: 'scalar INT64', dataType: DataType.INT64, priority: 0 }) i64!: MsbEvent<number>;
      @Event({ id: 'EV_INT64_ARRAY', name: 'Event INT64 array', description: 'array of INT64', dataType: DataType.INT64, isArray: true, priority: 2 }) i64a!: MsbEvent<number[]>;
      @Event({ id: 'EV_FLOAT', name: 'Event FLOAT', description: 'scalar FLOAT', dataType: DataType.FLOAT, priority: 0 }) f!: MsbEvent<number>;
      @Event({ id: 'EV_FLOAT_ARRAY', name: 'Event FLOAT array', description: 'array of FLOAT', dataType: DataType.FLOAT, isArray: true, priority: 2 }) fa!: MsbEvent<number[]>;
      @Event({ id: 'EV_DOUBLE', name: 'Event DOUBLE', description: 'scalar DOUBLE', dataType: DataType.DOUBLE, priority: 0 }) d!: MsbEvent<number>;
      @Event({ id: 'EV_DOUBLE_ARRAY', name: 'Event DOUBLE array', description: 'array of DOUBLE', dataType: DataType.DOUBLE, isArray: true, priority: 2 }) da!: MsbEvent<number[]>;
      @Event({ id: 'EV_DATETIME', name: 'Event DATETIME', description: 'scalar DATETIME', dataType: DataType.DATETIME, priority: 0 }) dt!: MsbEvent<Date>;
      @Event({ id: 'EV_DATETIME_ARRAY', name: 'Event DATETIME array', description: 'array of DATETIME', dataType: DataType.DATETIME, isArray: true, priority: 2 }) dta!: MsbEvent<Date[]>;
      @Event({ id: 'EV_BOOLEAN', name: 'Event BOOLEAN', description: 'scalar BOOLEAN', dataType: DataType.BOOLEAN, priority: 0 }) b!: MsbEvent<boolean>;
      @Event({ id: 'EV_BOOLEAN_ARRAY', name: 'Event BOOLEAN array', description: 'array of BOOLEAN', dataType: DataType.BOOLEAN, isArray: true, priority: 2 }) ba!: MsbEvent<boolean[]>;
      @Event({ id: 'EV_BYTE', name: 'Event BYTE', description: 'scalar BYTE', dataType: DataType.BYTE, priority: 0 }) y!: MsbEvent<Buffer>;
      @Event({ id: 'EV_BYTE_ARRAY', name: 'Event BYTE array', description: 'array of BYTE', dataType: DataType.BYTE, isArray: true, priority: 2 }) ya!: MsbEvent<Buffer[]>;
      @Event({ id: 'EV_NO_PAYLOAD', name: 'Pulse', description: 'event without payload', priority: 1 }) pulse!: MsbEvent;
    }
    expect(selfDescriptionOf(SimpleEvents, ISOLATED)).to.deep.equal(vector('simple-events.json'));
  });

  class MyModule {
    @IsString() moduleName!: string;
  }
  class MyDevice {
    @IsString() deviceName!: string;
    @Property(DataType.FLOAT) deviceWeight!: number;
    @Type(() => MyModule) submodules!: MyModule[];
  }

  it('complex-event.json: one DEVICE event carrying a MyDevice with an array of MyModule', () => {
    @SmartObject(IDENTITY)
    class ComplexEvent {
      @Event({ id: 'DEVICE', name: 'Device', description: 'one device', dataType: MyDevice, priority: 1 }) device!: MsbEvent<MyDevice>;
    }
    expect(selfDescriptionOf(ComplexEvent, ISOLATED)).to.deep.equal(vector('complex-event.json'));
  });

  it('complex-event-array.json: the DEVICES event carrying an array of MyDevice', () => {
    @SmartObject(IDENTITY)
    class ComplexEventArray {
      @Event({ id: 'DEVICES', name: 'Devices', description: 'many devices', dataType: MyDevice, isArray: true, priority: 0 }) devices!: MsbEvent<MyDevice[]>;
    }
    expect(selfDescriptionOf(ComplexEventArray, ISOLATED)).to.deep.equal(vector('complex-event-array.json'));
  });

  it('functions.json: an Application with two string events and four functions (string, int32 array, MyCar with two response events, no payload)', () => {
    class MyCar {
      @IsString() carColor!: string;
      @IsInt() carNrOfSeats!: number;
      @Property(DataType.FLOAT) carWeight!: number;
    }
    @Application(IDENTITY)
    class Functions {
      @Event({ id: 'DRILL_FINISHED', name: 'Drill finished', description: 'job done', dataType: DataType.STRING }) finished!: MsbEvent<string>;
      @Event({ id: 'DRILL_FAILED', name: 'Drill failed', description: 'job failed', dataType: DataType.STRING }) failed!: MsbEvent<string>;

      @MsbFunction({ id: 'PRINT', name: 'Print', description: 'print a string' })
      print(@Payload() text: string): void { void text; }

      @MsbFunction({ id: 'SET_IDS', name: 'Set ids', description: 'array of int32', dataType: DataType.INT32, isArray: true })
      setIds(@Payload() ids: number[]): void { void ids; }

      @MsbFunction({ id: 'DRILL', name: 'Drill', description: 'drill a car', responseEvents: ['DRILL_FINISHED', 'DRILL_FAILED'] })
      drill(@Payload() car: MyCar): void { void car; }

      @MsbFunction({ id: 'NO_ARGS', name: 'No args', description: 'function without payload' })
      noArgs(): void {}
    }
    expect(selfDescriptionOf(Functions, ISOLATED)).to.deep.equal(vector('functions.json'));
  });

  it('config-params.json: seven configuration parameters with their initial values and UPPER-CASE types', () => {
    @SmartObject(IDENTITY)
    class ConfigParams {
      @ConfigParam() enabled = true;
      @ConfigParam() label = 'hall B';
      @ConfigParam({ type: DataType.INT32 }) speedRpm = 1200;
      @ConfigParam() counter = 2000;
      @ConfigParam({ type: DataType.FLOAT }) ratio = 3.5;
      @ConfigParam() precise = 3.25;
      @ConfigParam() since = new Date('2026-11-25T10:00:00.000Z');
    }
    expect(selfDescriptionOf(ConfigParams, ISOLATED)).to.deep.equal(vector('config-params.json'));
  });
});
