import 'reflect-metadata';
import { expect } from 'chai';
import { IsString } from 'class-validator';
import {
  Application, ConfigParam, DataType, Event, Gateway, MsbEvent, MsbFunction, Payload, SmartObject, isServiceClass,
} from '../../lib';
import { describeIsolated, IDENTITY } from './helpers';

describe('service classes', () => {
  it('numbers events 1..n in declaration order and maps responseEvents to those numbers, in the order given', () => {
    @SmartObject(IDENTITY)
    class Ordered {
      @Event({ id: 'C' }) c!: MsbEvent;
      @Event({ id: 'A' }) a!: MsbEvent;
      @Event({ id: 'B' }) b!: MsbEvent;
      @MsbFunction({ responseEvents: ['B', 'C'] }) run(): void {}
    }
    const sd = describeIsolated(Ordered);
    expect(sd.events.map((e) => [e['@id'], e.eventId])).to.deep.equal([[1, 'C'], [2, 'A'], [3, 'B']]);
    expect(sd.functions[0].responseEvents).to.deep.equal([3, 1]);
  });

  describe('inheritance', () => {
    class Base { @IsString() note!: string; }

    @SmartObject(IDENTITY)
    class Machine {
      @Event({ dataType: DataType.FLOAT }) temperature!: MsbEvent<number>;
      @Event() alarm!: MsbEvent;
      @ConfigParam() enabled = true;
      @MsbFunction({ responseEvents: ['alarm'] }) reset(): void {}
    }

    class Drill extends Machine {
      @Event({ dataType: Base }) drilled!: MsbEvent<Base>;
      @ConfigParam({ type: DataType.INT32 }) speed = 100;
      @MsbFunction({ responseEvents: ['drilled', 'temperature'] }) drill(@Payload() depth: number): void { void depth; }
    }

    it('a subclass adds its events after the base class\'s, and @id continues', () => {
      const sd = describeIsolated(Drill);
      expect(sd.events.map((e) => [e['@id'], e.eventId])).to.deep.equal([[1, 'temperature'], [2, 'alarm'], [3, 'drilled']]);
      expect(sd.functions.map((f) => [f.functionId, f.responseEvents])).to.deep.equal([['reset', [2]], ['drill', [3, 1]]]);
      expect(Object.keys(sd.configuration.parameters)).to.deep.equal(['enabled', 'speed']);
    });

    it('inherits the service decorator, and leaves the base class as it was', () => {
      expect(describeIsolated(Drill)['@class']).to.equal('SmartObject');
      const base = describeIsolated(Machine);
      expect(base.events.map((e) => e.eventId)).to.deep.equal(['temperature', 'alarm']);
      expect(base.functions.map((f) => f.functionId)).to.deep.equal(['reset']);
      expect(Object.keys(base.configuration.parameters)).to.deep.equal(['enabled']);
    });

    it('a subclass may redeclare the service kind and identity', () => {
      @Application({ ...IDENTITY, name: 'Drill app' })
      class DrillApp extends Drill {}
      const sd = describeIsolated(DrillApp);
      expect([sd['@class'], sd.name, sd.events.length]).to.deep.equal(['Application', 'Drill app', 3]);
    });
  });

  it('returns a fresh object each time, so changing one does not change the next', () => {
    @SmartObject(IDENTITY)
    class Fresh { @Event({ dataType: DataType.STRING }) e!: MsbEvent<string>; }
    const first = describeIsolated(Fresh);
    (first.events[0].dataFormat!.dataObject as Record<string, unknown>).type = 'boolean';
    expect(describeIsolated(Fresh).events[0].dataFormat).to.deep.equal({ dataObject: { type: 'string' } });
  });
});

describe('isServiceClass', () => {
  it('is true for a class decorated as a service, or one extending it, and false for anything else', () => {
    @SmartObject(IDENTITY)
    class Drill {}
    class FastDrill extends Drill {}
    @Application()
    class Mes {}
    @Gateway()
    class Hall {}
    class Plain {
      @Event({ id: 'E' }) e!: MsbEvent;
    }
    expect([Drill, FastDrill, Mes, Hall].map(isServiceClass)).to.deep.equal([true, true, true, true]);
    expect([Plain, () => undefined, new Drill(), {}, null, undefined, 'Drill'].map(isServiceClass)).to.deep.equal([false, false, false, false, false, false, false]);
  });
});
