import 'reflect-metadata';
import { expect } from 'chai';
import { IsBoolean, IsDate, IsInt, IsNumber, IsString } from 'class-validator';
import { DataType, Event, MsbEvent, MsbFunction, Payload, Property, SmartObject } from '../../lib';
import { describeIsolated, eventFormat, functionFormat, IDENTITY } from './helpers';
import { dataFormatProblems } from '../../lib/schema/data-format-schema';
import { schemaOf } from '../../lib/schema/data-type';

/** Written out by hand from msb-protocol.md section 6.2, not derived from the code under test. */
const SCHEMA: Readonly<Record<DataType, object>> = {
  [DataType.STRING]: { type: 'string' },
  [DataType.INT32]: { type: 'integer', format: 'int32' },
  [DataType.INT64]: { type: 'integer', format: 'int64' },
  [DataType.FLOAT]: { type: 'number', format: 'float' },
  [DataType.DOUBLE]: { type: 'number', format: 'double' },
  [DataType.DATETIME]: { type: 'string', format: 'date-time' },
  [DataType.BOOLEAN]: { type: 'boolean' },
  [DataType.BYTE]: { type: 'string', format: 'byte' },
};
const ALL_TYPES = Object.values(DataType);

describe('DataType mapping', () => {
  it('has exactly the eight MSB simple types', () => {
    expect(ALL_TYPES).to.have.members(['STRING', 'INT32', 'INT64', 'FLOAT', 'DOUBLE', 'DATETIME', 'BOOLEAN', 'BYTE']);
  });

  describe('events', () => {
    for (const t of ALL_TYPES) {
      it(`${t}: scalar and array event`, () => {
        @SmartObject(IDENTITY)
        class TypedEvents {
          @Event({ dataType: t }) one!: MsbEvent<unknown>;
          @Event({ dataType: t, isArray: true }) many!: MsbEvent<unknown[]>;
        }
        expect(eventFormat(TypedEvents, 'one')).to.deep.equal({ dataObject: SCHEMA[t] });
        expect(eventFormat(TypedEvents, 'many')).to.deep.equal({ dataObject: { type: 'array', items: SCHEMA[t] } });
      });
    }

    it('accepts the built-in constructors String, Number, Boolean, Date and Buffer as dataType', () => {
      @SmartObject(IDENTITY)
      class CtorEvents {
        @Event({ dataType: String }) s!: MsbEvent<string>;
        @Event({ dataType: Number }) n!: MsbEvent<number>;
        @Event({ dataType: Boolean }) b!: MsbEvent<boolean>;
        @Event({ dataType: Date }) d!: MsbEvent<Date>;
        @Event({ dataType: Buffer, isArray: true }) y!: MsbEvent<Buffer[]>;
      }
      expect(eventFormat(CtorEvents, 's')).to.deep.equal({ dataObject: SCHEMA.STRING });
      expect(eventFormat(CtorEvents, 'n')).to.deep.equal({ dataObject: SCHEMA.DOUBLE });
      expect(eventFormat(CtorEvents, 'b')).to.deep.equal({ dataObject: SCHEMA.BOOLEAN });
      expect(eventFormat(CtorEvents, 'd')).to.deep.equal({ dataObject: SCHEMA.DATETIME });
      expect(eventFormat(CtorEvents, 'y')).to.deep.equal({ dataObject: { type: 'array', items: SCHEMA.BYTE } });
    });

    it('an event without dataType has no dataFormat key; ids, names and descriptions default', () => {
      @SmartObject(IDENTITY)
      class Pulses {
        @Event() pulse!: MsbEvent;
        @Event({ id: 'TICK', name: 'Tick', description: 'every second' }) tick!: MsbEvent;
      }
      expect(describeIsolated(Pulses).events).to.deep.equal([
        { '@id': 1, eventId: 'pulse', name: 'pulse', description: '' },
        { '@id': 2, eventId: 'TICK', name: 'Tick', description: 'every second' },
      ]);
    });

    it('leaves priority out of the self-description for every accepted form', () => {
      @SmartObject(IDENTITY)
      class Priorities {
        @Event({ priority: 'LOW' }) a!: MsbEvent;
        @Event({ priority: 'MEDIUM' }) b!: MsbEvent;
        @Event({ priority: 'HIGH' }) c!: MsbEvent;
        @Event({ priority: 0 }) d!: MsbEvent;
        @Event({ priority: 1 }) e!: MsbEvent;
        @Event({ priority: 2 }) f!: MsbEvent;
      }
      for (const e of describeIsolated(Priorities).events) expect(e).to.not.have.property('priority');
    });
  });

  describe('functions', () => {
    it('types a @Payload parameter from its design:paramtypes: String, Number, Boolean, Date, Buffer', () => {
      @SmartObject(IDENTITY)
      class Reflected {
        @MsbFunction() s(@Payload() v: string): void { void v; }
        @MsbFunction() n(@Payload() v: number): void { void v; }
        @MsbFunction() b(@Payload() v: boolean): void { void v; }
        @MsbFunction() d(@Payload() v: Date): void { void v; }
        @MsbFunction() y(@Payload() v: Buffer): void { void v; }
      }
      expect(functionFormat(Reflected, 's')).to.deep.equal({ dataObject: SCHEMA.STRING });
      expect(functionFormat(Reflected, 'n')).to.deep.equal({ dataObject: SCHEMA.DOUBLE });
      expect(functionFormat(Reflected, 'b')).to.deep.equal({ dataObject: SCHEMA.BOOLEAN });
      expect(functionFormat(Reflected, 'd')).to.deep.equal({ dataObject: SCHEMA.DATETIME });
      expect(functionFormat(Reflected, 'y')).to.deep.equal({ dataObject: SCHEMA.BYTE });
    });

    for (const t of ALL_TYPES) {
      it(`${t}: dataType on @MsbFunction and on @Payload overrides the reflected type, scalar and array`, () => {
        @SmartObject(IDENTITY)
        class Overrides {
          @MsbFunction({ dataType: t }) onFunction(@Payload() v: unknown): void { void v; }
          @MsbFunction({ dataType: t, isArray: true }) arrayOnFunction(@Payload() v: unknown[]): void { void v; }
          @MsbFunction() onPayload(@Payload({ dataType: t }) v: number): void { void v; }
          @MsbFunction() arrayOnPayload(@Payload({ dataType: t, isArray: true }) v: unknown[]): void { void v; }
          @MsbFunction({ dataType: t }) withoutParameter(): void {}
        }
        const array = { type: 'array', items: SCHEMA[t] };
        expect(functionFormat(Overrides, 'onFunction')).to.deep.equal({ dataObject: SCHEMA[t] });
        expect(functionFormat(Overrides, 'arrayOnFunction')).to.deep.equal({ dataObject: array });
        expect(functionFormat(Overrides, 'onPayload')).to.deep.equal({ dataObject: SCHEMA[t] });
        expect(functionFormat(Overrides, 'arrayOnPayload')).to.deep.equal({ dataObject: array });
        expect(functionFormat(Overrides, 'withoutParameter')).to.deep.equal({ dataObject: SCHEMA[t] });
      });
    }

    it('an array parameter with an explicit element type needs no isArray; isArray: false keeps it scalar', () => {
      @SmartObject(IDENTITY)
      class Implied {
        @MsbFunction({ dataType: DataType.INT32 }) ids(@Payload() v: number[]): void { void v; }
        @MsbFunction() names(@Payload({ dataType: DataType.STRING }) v: string[]): void { void v; }
        @MsbFunction({ dataType: { type: 'array', items: { type: 'boolean' } }, isArray: false }) flags(@Payload() v: boolean[]): void { void v; }
      }
      expect(functionFormat(Implied, 'ids')).to.deep.equal({ dataObject: { type: 'array', items: SCHEMA.INT32 } });
      expect(functionFormat(Implied, 'names')).to.deep.equal({ dataObject: { type: 'array', items: SCHEMA.STRING } });
      expect(functionFormat(Implied, 'flags')).to.deep.equal({ dataObject: { type: 'array', items: SCHEMA.BOOLEAN } });
    });

    it('keys named @Payload parameters by their name, definitions beside them', () => {
      class Spot { @IsNumber() x!: number; }
      @SmartObject(IDENTITY)
      class Named {
        @MsbFunction() move(@Payload('target') target: Spot, @Payload({ name: 'speed', dataType: DataType.INT32 }) speed: number): void { void target; void speed; }
      }
      expect(functionFormat(Named, 'move')).to.deep.equal({
        target: { $ref: '#/definitions/Spot', type: 'object' },
        speed: SCHEMA.INT32,
        Spot: { type: 'object', properties: { x: SCHEMA.DOUBLE } },
      });
    });

    it('a function without payload has no dataFormat and, without responseEvents, no responseEvents key', () => {
      @SmartObject(IDENTITY)
      class Bare {
        @MsbFunction({ id: '/reset', name: 'Reset', description: 'back to zero' }) reset(): void {}
      }
      expect(describeIsolated(Bare).functions).to.deep.equal([{ functionId: '/reset', name: 'Reset', description: 'back to zero' }]);
    });
  });

  describe('DTO fields', () => {
    for (const t of ALL_TYPES) {
      it(`${t}: @Property(DataType.${t}) and its array form`, () => {
        class Holder {
          @Property(t) one!: unknown;
          @Property(t, { isArray: true }) many!: unknown[];
        }
        @SmartObject(IDENTITY)
        class HolderService { @Event({ dataType: Holder }) e!: MsbEvent<Holder>; }
        expect(eventFormat(HolderService, 'e')).to.deep.equal({
          dataObject: { $ref: '#/definitions/Holder', type: 'object' },
          Holder: { type: 'object', properties: { one: SCHEMA[t], many: { type: 'array', items: SCHEMA[t] } } },
        });
      });
    }

    it('types fields from design:type (String, Number, Boolean, Date, Buffer) once any decorator makes them visible', () => {
      class Reflected {
        @Property() s!: string;
        @Property() n!: number;
        @Property() b!: boolean;
        @Property() d!: Date;
        @Property() y!: Buffer;
      }
      @SmartObject(IDENTITY)
      class ReflectedService { @Event({ dataType: Reflected }) e!: MsbEvent<Reflected>; }
      expect(eventFormat(ReflectedService, 'e')!.Reflected).to.deep.equal({
        type: 'object',
        properties: { s: SCHEMA.STRING, n: SCHEMA.DOUBLE, b: SCHEMA.BOOLEAN, d: SCHEMA.DATETIME, y: SCHEMA.BYTE },
      });
    });

    it('types array fields from validators with { each: true }', () => {
      class Lists {
        @IsString({ each: true }) s!: string[];
        @IsInt({ each: true }) i!: number[];
        @IsNumber({}, { each: true }) n!: number[];
        @IsBoolean({ each: true }) b!: boolean[];
        @IsDate({ each: true }) d!: Date[];
      }
      @SmartObject(IDENTITY)
      class ListsService { @Event({ dataType: Lists }) e!: MsbEvent<Lists>; }
      const arr = (items: object) => ({ type: 'array', items });
      expect(eventFormat(ListsService, 'e')!.Lists).to.deep.equal({
        type: 'object',
        properties: { s: arr(SCHEMA.STRING), i: arr(SCHEMA.INT32), n: arr(SCHEMA.DOUBLE), b: arr(SCHEMA.BOOLEAN), d: arr(SCHEMA.DATETIME) },
      });
    });
  });
});

describe('formats of simple types are valid by construction', () => {
  // The builder skips the meta-schema check for them (so services without DTOs never load Ajv): this is why it may.
  for (const t of Object.values(DataType)) {
    it(`${t} and an array of ${t} pass the MSB meta-schema for events and functions`, () => {
      for (const kind of ['event', 'function'] as const) {
        expect(dataFormatProblems({ dataObject: schemaOf(t) }, kind)).to.deep.equal([]);
        expect(dataFormatProblems({ dataObject: { type: 'array', items: schemaOf(t) } }, kind)).to.deep.equal([]);
        expect(dataFormatProblems({ a: schemaOf(t), dataObject: { type: 'array', items: { type: 'array', items: schemaOf(t) } } }, kind)).to.deep.equal([]);
      }
    });
  }
});
