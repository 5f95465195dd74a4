import 'reflect-metadata';
import { expect } from 'chai';
import { IsString } from 'class-validator';
import { Event, MsbEvent, MsbFunction, Payload, Property, SmartObject } from '../../lib';
import { dataFormatProblems } from '../../lib/schema/data-format-schema';
import { eventFormat, expectDeclarationError, functionFormat, IDENTITY } from './helpers';

const POINT = {
  dataObject: { $ref: '#/definitions/Point', type: 'object' },
  Point: { type: 'object', properties: { x: { type: 'number', format: 'double' }, y: { type: 'number', format: 'double' } }, required: ['x', 'y'] },
};

describe('raw data formats', () => {
  it('takes an MSB data format object verbatim, for events and functions', () => {
    @SmartObject(IDENTITY)
    class RawObject {
      @Event({ dataType: POINT }) point!: MsbEvent<unknown>;
      @MsbFunction({ dataType: POINT }) goTo(@Payload() p: unknown): void { void p; }
    }
    expect(eventFormat(RawObject, 'point')).to.deep.equal(POINT);
    expect(functionFormat(RawObject, 'goTo')).to.deep.equal(POINT);
  });

  it('parses a data format given as JSON text', () => {
    @SmartObject(IDENTITY)
    class RawText { @Event({ dataType: JSON.stringify(POINT) }) point!: MsbEvent<unknown>; }
    expect(eventFormat(RawText, 'point')).to.deep.equal(POINT);
  });

  it('wraps a bare schema (no dataObject key) as the dataObject, as the Python client does', () => {
    @SmartObject(IDENTITY)
    class Bare {
      @Event({ dataType: { type: 'string', enum: ['on', 'off'] } }) state!: MsbEvent<string>;
      @Event({ dataType: '{"type":"integer","format":"int32","minimum":0}' }) count!: MsbEvent<number>;
    }
    expect(eventFormat(Bare, 'state')).to.deep.equal({ dataObject: { type: 'string', enum: ['on', 'off'] } });
    expect(eventFormat(Bare, 'count')).to.deep.equal({ dataObject: { type: 'integer', format: 'int32', minimum: 0 } });
  });

  it('wraps a raw format in an array with isArray, keeping its definitions', () => {
    @SmartObject(IDENTITY)
    class RawArray { @Event({ dataType: POINT, isArray: true }) points!: MsbEvent<unknown[]>; }
    expect(eventFormat(RawArray, 'points')).to.deep.equal({ dataObject: { type: 'array', items: POINT.dataObject }, Point: POINT.Point });
  });

  it('uses the dataObject of a definition-free raw format on a DTO field', () => {
    class Reading { @Property({ type: 'string', pattern: '^[0-9a-f]+$' }) hex!: string; }
    @SmartObject(IDENTITY)
    class Meter { @Event({ dataType: Reading }) reading!: MsbEvent<Reading>; }
    expect((eventFormat(Meter, 'reading')!.Reading as { properties: unknown }).properties).to.deep.equal({ hex: { type: 'string', pattern: '^[0-9a-f]+$' } });
  });

  it('does not let a raw format alias a raw object the caller may change later', () => {
    const raw = { dataObject: { type: 'string' } };
    @SmartObject(IDENTITY)
    class Aliased { @Event({ dataType: raw }) e!: MsbEvent<string>; }
    const format = eventFormat(Aliased, 'e')!;
    (format.dataObject as Record<string, unknown>).type = 'boolean';
    expect(eventFormat(Aliased, 'e')).to.deep.equal({ dataObject: { type: 'string' } });
  });

  describe('rejected with a clear problem', () => {
    it('an unknown keyword such as x-enumNames (the C# client emits it)', () => {
      @SmartObject(IDENTITY)
      class EnumNames { @Event({ dataType: { dataObject: { type: 'integer', enum: [0, 1], 'x-enumNames': ['A', 'B'] } } }) mode!: MsbEvent<number>; }
      expectDeclarationError(EnumNames, 'EnumNames', [['EnumNames.mode', 'raw data format', 'x-enumNames', 'not allowed']]);
    });

    it('a $ref that names no definition', () => {
      @SmartObject(IDENTITY)
      class Dangling {
        @MsbFunction({ dataType: { dataObject: { $ref: '#/definitions/Missing' } } }) run(@Payload() v: unknown): void { void v; }
      }
      expectDeclarationError(Dangling, 'Dangling', [['Dangling.run', 'raw data format', '#/definitions/Missing', 'names no definition']]);
    });

    it('a $ref that is not a local #/definitions/ reference', () => {
      @SmartObject(IDENTITY)
      class Remote { @Event({ dataType: { dataObject: { $ref: 'http://example.com/schema.json' } } }) e!: MsbEvent<unknown>; }
      expectDeclarationError(Remote, 'Remote', [['Remote.e', 'is not of the form']]);
    });

    it('a type that is not a JSON-schema type', () => {
      @SmartObject(IDENTITY)
      class BadType { @Event({ dataType: { dataObject: { type: 'text' } } }) e!: MsbEvent<unknown>; }
      expectDeclarationError(BadType, 'BadType', [['BadType.e', 'raw data format', 'dataObject/type']]);
    });

    it('JSON text that does not parse', () => {
      @SmartObject(IDENTITY)
      class BadJson { @Event({ dataType: '{ "dataObject": ' }) e!: MsbEvent<unknown>; }
      expectDeclarationError(BadJson, 'BadJson', [['BadJson.e', 'not valid JSON']]);
    });

    it('an event data format without dataObject (the meta-schema requires it for events, not for functions)', () => {
      const withoutDataObject = { Point: POINT.Point };
      expect(dataFormatProblems(withoutDataObject, 'event')).to.deep.equal(['missing "dataObject"']);
      expect(dataFormatProblems(withoutDataObject, 'function')).to.deep.equal([]);
      expect(dataFormatProblems(POINT, 'event')).to.deep.equal([]);
      expect(dataFormatProblems([], 'event')).to.deep.equal(['a data format must be a JSON object']);
    });

    it('a raw format on a DTO field that is invalid or brings definitions along', () => {
      class Holder {
        @Property({ dataObject: { type: 'string', 'x-nullable': true } }) a!: string;
        @Property(POINT) b!: unknown;
        @IsString() c!: string;
      }
      @SmartObject(IDENTITY)
      class HolderService { @Event({ dataType: Holder }) e!: MsbEvent<Holder>; }
      expectDeclarationError(HolderService, 'HolderService', [['Holder.a', 'x-nullable'], ['Holder.b', 'definitions (Point)']]);
    });

    it('a raw format whose definition clashes with a DTO class of the same name in one function', () => {
      class Point { @IsString() label!: string; }
      @SmartObject(IDENTITY)
      class Clash {
        @MsbFunction() place(@Payload({ name: 'raw', dataType: POINT }) raw: unknown, @Payload('dto') dto: Point): void { void raw; void dto; }
      }
      expectDeclarationError(Clash, 'Clash', [['Clash.place', '"Point"', 'differently']]);
    });
  });
});
