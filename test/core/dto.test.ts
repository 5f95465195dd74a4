import 'reflect-metadata';
import { expect } from 'chai';
import {
  ArrayMaxSize, ArrayMinSize, IsBoolean, IsDate, IsDateString, IsEnum, IsIn, IsInt, IsISO8601, IsNumber, IsOptional,
  IsString, Length, Matches, Max, MaxLength, Min, MinLength, ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { DataType, Dto, Event, MsbEvent, MsbFunction, Payload, Property, SmartObject } from '../../lib';
import type { Class } from '../../lib';
import { describeIsolated, eventFormat, IDENTITY } from './helpers';

/** The definition of the DTO class carried by a one-event service built around it. */
function definitionOf(dto: Function, name = dto.name): Record<string, unknown> {
  @SmartObject(IDENTITY)
  class Carrier { @Event({ dataType: dto as Class }) e!: MsbEvent<unknown>; }
  const format = eventFormat(Carrier, 'e')!;
  expect(format.dataObject).to.deep.equal({ $ref: `#/definitions/${name}`, type: 'object' });
  return format[name] as Record<string, unknown>;
}

/** The schema of one field of a DTO class. */
function fieldOf(dto: Function, field: string): unknown {
  return (definitionOf(dto).properties as Record<string, unknown>)[field];
}

describe('DTO data formats', () => {
  describe('nesting and cycles', () => {
    class Bit { @IsString() label!: string; }
    class Spindle { @ValidateNested() @Type(() => Bit) bit!: Bit; @IsInt() rpm!: number; }
    class Machine {
      @IsString() name!: string;
      @ValidateNested() @Type(() => Spindle) main!: Spindle;
      @ValidateNested({ each: true }) @Type(() => Spindle) spares!: Spindle[];
    }

    it('puts every nested class once under the definitions and refers to it as #/definitions/Name', () => {
      @SmartObject(IDENTITY)
      class Plant { @Event({ dataType: Machine }) machine!: MsbEvent<Machine>; }
      expect(eventFormat(Plant, 'machine')).to.deep.equal({
        dataObject: { $ref: '#/definitions/Machine', type: 'object' },
        Machine: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            main: { $ref: '#/definitions/Spindle' },
            spares: { type: 'array', items: { $ref: '#/definitions/Spindle' } },
          },
        },
        Spindle: { type: 'object', properties: { bit: { $ref: '#/definitions/Bit' }, rpm: { type: 'integer', format: 'int32' } } },
        Bit: { type: 'object', properties: { label: { type: 'string' } } },
      });
    });

    it('gives each data format only the definitions its own payload reaches', () => {
      class Lonely { @IsBoolean() alone!: boolean; }
      @SmartObject(IDENTITY)
      class Mixed {
        @Event({ dataType: Spindle }) spindle!: MsbEvent<Spindle>;
        @Event({ dataType: Lonely }) lonely!: MsbEvent<Lonely>;
        @MsbFunction() setBit(@Payload() bit: Bit): void { void bit; }
        @Event({ dataType: Machine, isArray: true }) machines!: MsbEvent<Machine[]>;
      }
      const sd = describeIsolated(Mixed);
      const keys = (id: string) => Object.keys(sd.events.find((e) => e.eventId === id)!.dataFormat!).sort();
      expect(keys('spindle')).to.deep.equal(['Bit', 'Spindle', 'dataObject']);
      expect(keys('lonely')).to.deep.equal(['Lonely', 'dataObject']);
      expect(keys('machines')).to.deep.equal(['Bit', 'Machine', 'Spindle', 'dataObject']);
      expect(Object.keys(sd.functions[0].dataFormat!).sort()).to.deep.equal(['Bit', 'dataObject']);
      expect(sd.events[2].dataFormat!.dataObject).to.deep.equal({ type: 'array', items: { $ref: '#/definitions/Machine' } });
    });

    it('reads a self-referencing TreeNode (children and parent) into one definition', () => {
      class TreeNode {
        @IsString() label!: string;
        @ValidateNested({ each: true }) @Type(() => TreeNode) children!: TreeNode[];
        @IsOptional() @ValidateNested() @Type(() => TreeNode) parent?: TreeNode;
      }
      @SmartObject(IDENTITY)
      class Forest { @Event({ dataType: TreeNode }) tree!: MsbEvent<TreeNode>; }
      expect(eventFormat(Forest, 'tree')).to.deep.equal({
        dataObject: { $ref: '#/definitions/TreeNode', type: 'object' },
        TreeNode: {
          type: 'object',
          properties: {
            label: { type: 'string' },
            children: { type: 'array', items: { $ref: '#/definitions/TreeNode' } },
            parent: { $ref: '#/definitions/TreeNode' },
          },
        },
      });
    });

    it('handles a cycle through two classes, each defined once', () => {
      class Employee { @IsString() name!: string; @Property(() => Department) department!: unknown; }
      class Department { @IsString() title!: string; @Property(() => Employee, { isArray: true }) staff!: Employee[]; }
      const format = eventFormat((() => {
        @SmartObject(IDENTITY)
        class Org { @Event({ dataType: Department }) dept!: MsbEvent<Department>; }
        return Org;
      })(), 'dept')!;
      expect(Object.keys(format).sort()).to.deep.equal(['Department', 'Employee', 'dataObject']);
      expect(format.Employee).to.deep.equal({ type: 'object', properties: { name: { type: 'string' }, department: { $ref: '#/definitions/Department' } } });
      expect(format.Department).to.deep.equal({ type: 'object', properties: { title: { type: 'string' }, staff: { type: 'array', items: { $ref: '#/definitions/Employee' } } } });
    });

    it('includes the fields a DTO inherits from its base class', () => {
      class Base { @IsString() id!: string; }
      class Derived extends Base { @IsBoolean() done!: boolean; }
      expect(definitionOf(Derived)).to.deep.equal({ type: 'object', properties: { id: { type: 'string' }, done: { type: 'boolean' } } });
    });

    it('accepts two DTO classes with the same name and the same shape, defined once', () => {
      const make = () => {
        class Part { @IsString() sku!: string; }
        return Part;
      };
      const A = make();
      const B = make();
      @SmartObject(IDENTITY)
      class Twins {
        @Event({ dataType: A }) a!: MsbEvent<unknown>;
        @Event({ dataType: B }) b!: MsbEvent<unknown>;
      }
      const sd = describeIsolated(Twins);
      for (const e of sd.events) expect(e.dataFormat).to.deep.equal({ dataObject: { $ref: '#/definitions/Part', type: 'object' }, Part: { type: 'object', properties: { sku: { type: 'string' } } } });
    });

    it('renames a definition with @Dto({ name })', () => {
      @Dto({ name: 'Bohrauftrag' })
      class Job { @IsString() id!: string; }
      expect(definitionOf(Job, 'Bohrauftrag')).to.deep.equal({ type: 'object', properties: { id: { type: 'string' } } });
    });
  });

  describe('class-validator mappings', () => {
    it('@IsInt gives integer/int32, and int64 when @Min/@Max leave the int32 range', () => {
      class Counts {
        @IsInt() small!: number;
        @IsInt() @Min(0) @Max(2147483647) edge!: number;
        @IsInt() @Max(2 ** 40) big!: number;
        @IsInt() @Min(-(2 ** 31) - 1) negative!: number;
      }
      expect(definitionOf(Counts).properties).to.deep.equal({
        small: { type: 'integer', format: 'int32' },
        edge: { type: 'integer', format: 'int32', minimum: 0, maximum: 2147483647 },
        big: { type: 'integer', format: 'int64', maximum: 2 ** 40 },
        negative: { type: 'integer', format: 'int64', minimum: -(2 ** 31) - 1 },
      });
    });

    it('@IsString, @IsNumber and @IsBoolean give string, number/double and boolean', () => {
      class Plain { @IsString() s!: string; @IsNumber() n!: number; @IsBoolean() b!: boolean; }
      expect(definitionOf(Plain).properties).to.deep.equal({ s: { type: 'string' }, n: { type: 'number', format: 'double' }, b: { type: 'boolean' } });
    });

    it('types fields from the validator when design:type says nothing (an interface or union field)', () => {
      class Loose {
        @IsString() s!: string | null;
        @IsInt() i!: number | null;
        @IsBoolean() b!: boolean | null;
      }
      expect(definitionOf(Loose).properties).to.deep.equal({ s: { type: 'string' }, i: { type: 'integer', format: 'int32' }, b: { type: 'boolean' } });
    });

    it('@IsDate, @IsDateString and @IsISO8601 give string/date-time', () => {
      class Times { @IsDate() a!: Date; @IsDateString() b!: string; @IsISO8601() c!: string; }
      const dt = { type: 'string', format: 'date-time' };
      expect(definitionOf(Times).properties).to.deep.equal({ a: dt, b: dt, c: dt });
    });

    it('@IsIn and @IsEnum (string and numeric TypeScript enums) give enum', () => {
      enum Colour { Red = 'red', Green = 'green' }
      enum Level { Low, Mid, High }
      class Choices {
        @IsIn(['steel', 'wood']) material!: string;
        @IsIn([1, 2, 3]) size!: number;
        @IsIn([0.5, 1.5]) ratio!: number;
        @IsEnum(Colour) colour!: Colour;
        @IsEnum(Level) level!: Level;
      }
      expect(definitionOf(Choices).properties).to.deep.equal({
        material: { type: 'string', enum: ['steel', 'wood'] },
        size: { type: 'integer', format: 'int32', enum: [1, 2, 3] },
        ratio: { type: 'number', format: 'double', enum: [0.5, 1.5] },
        colour: { type: 'string', enum: ['red', 'green'] },
        level: { type: 'integer', format: 'int32', enum: [0, 1, 2] },
      });
    });

    it('@Min/@Max give minimum/maximum; @MinLength, @MaxLength and @Length give minLength/maxLength', () => {
      class Bounds {
        @IsNumber() @Min(-1.5) @Max(99.5) temp!: number;
        @IsString() @MinLength(2) @MaxLength(8) code!: string;
        @IsString() @Length(3, 5) short!: string;
        @IsString() @Length(4) atLeast!: string;
      }
      expect(definitionOf(Bounds).properties).to.deep.equal({
        temp: { type: 'number', format: 'double', minimum: -1.5, maximum: 99.5 },
        code: { type: 'string', minLength: 2, maxLength: 8 },
        short: { type: 'string', minLength: 3, maxLength: 5 },
        atLeast: { type: 'string', minLength: 4 },
      });
    });

    it('@Matches gives pattern; a pattern with flags is left out, as JSON schema has no flags', () => {
      class Patterns {
        @Matches(/^[A-Z]{2}-\d+$/) plain!: string;
        @Matches('^ab+c$') text!: string;
        @Matches(/^abc$/i) flagged!: string;
        @Matches('^abc$', 'i') flaggedText!: string;
      }
      expect(definitionOf(Patterns).properties).to.deep.equal({
        plain: { type: 'string', pattern: '^[A-Z]{2}-\\d+$' },
        text: { type: 'string', pattern: '^ab+c$' },
        flagged: { type: 'string' },
        flaggedText: { type: 'string' },
      });
    });

    it('@ValidateNested + @Type(() => X) gives a $ref, with no constraints beside it', () => {
      class Inner { @IsInt() n!: number; }
      class Outer { @ValidateNested() @Type(() => Inner) inner!: Inner; }
      expect(fieldOf(Outer, 'inner')).to.deep.equal({ $ref: '#/definitions/Inner' });
    });

    it('validators with { each: true } type and constrain the array elements; @ArrayMinSize/@ArrayMaxSize bound the array', () => {
      class Batch {
        @IsInt({ each: true }) @Min(0, { each: true }) @Max(2 ** 40, { each: true }) @ArrayMinSize(1) @ArrayMaxSize(10) ids!: number[];
        @IsString({ each: true }) @MaxLength(4, { each: true }) @ArrayMaxSize(3) tags!: string[];
        @IsIn(['a', 'b'], { each: true }) letters!: string[];
      }
      expect(definitionOf(Batch).properties).to.deep.equal({
        ids: { type: 'array', minItems: 1, maxItems: 10, items: { type: 'integer', format: 'int64', minimum: 0, maximum: 2 ** 40 } },
        tags: { type: 'array', maxItems: 3, items: { type: 'string', maxLength: 4 } },
        letters: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } },
      });
    });

    it('emits no required list by default, even with @IsOptional', () => {
      class Loose { @IsString() a!: string; @IsOptional() @IsString() b?: string; }
      expect(definitionOf(Loose)).to.not.have.property('required');
    });

    it('@Dto({ required: true }) lists every field not marked @IsOptional', () => {
      @Dto({ required: true })
      class Strict { @IsString() a!: string; @IsOptional() @IsString() b?: string; @IsInt() c!: number; }
      expect(definitionOf(Strict).required).to.deep.equal(['a', 'c']);
    });

    it('@Dto({ required: [...] }) takes the list as given', () => {
      @Dto({ required: ['b'] })
      class Picked { @IsString() a!: string; @IsOptional() @IsString() b?: string; }
      expect(definitionOf(Picked).required).to.deep.equal(['b']);
    });

    it('ignores validators that belong to validation groups: they do not hold for every value', () => {
      class Grouped { @IsString() @MaxLength(3, { groups: ['strict'] }) s!: string; }
      expect(fieldOf(Grouped, 's')).to.deep.equal({ type: 'string' });
    });
  });

  describe('@Property', () => {
    class MyModule { @IsString() moduleName!: string; }

    it('@Property(DataType.FLOAT) and @Property(DataType.INT64) say what number cannot', () => {
      class Numbers { @Property(DataType.FLOAT) weight!: number; @Property(DataType.INT64) count!: number; }
      expect(definitionOf(Numbers).properties).to.deep.equal({ weight: { type: 'number', format: 'float' }, count: { type: 'integer', format: 'int64' } });
    });

    it('@Property(MyModule, { isArray: true }) gives an array of $ref', () => {
      class Device { @Property(MyModule, { isArray: true }) modules!: MyModule[]; }
      expect(fieldOf(Device, 'modules')).to.deep.equal({ type: 'array', items: { $ref: '#/definitions/MyModule' } });
    });

    it('@Property(X) on a field typed X[] is an array unless isArray: false says otherwise', () => {
      class Rack {
        @Property(MyModule) modules!: MyModule[];
        @Property(DataType.INT32) slots!: number[];
        @Property({ type: 'array', items: { type: 'string' } }, { isArray: false }) labels!: string[];
      }
      expect(definitionOf(Rack).properties).to.deep.equal({
        modules: { type: 'array', items: { $ref: '#/definitions/MyModule' } },
        slots: { type: 'array', items: { type: 'integer', format: 'int32' } },
        labels: { type: 'array', items: { type: 'string' } },
      });
    });

    it('lazy @Property(() => X) resolves when the class is read, so X may be declared later', () => {
      class Early { @Property(() => Late) late!: unknown; }
      class Late { @IsBoolean() ok!: boolean; }
      expect(fieldOf(Early, 'late')).to.deep.equal({ $ref: '#/definitions/Late' });
    });

    it('description shows on the field, also beside constraints, on arrays and beside a $ref', () => {
      class Described {
        @Property(DataType.FLOAT, { description: 'in mm' }) @Min(0) depth!: number;
        @Property(DataType.STRING, { isArray: true, description: 'free tags' }) tags!: string[];
        @Property(MyModule, { description: 'the main module' }) main!: MyModule;
      }
      expect(definitionOf(Described).properties).to.deep.equal({
        depth: { type: 'number', format: 'float', minimum: 0, description: 'in mm' },
        tags: { type: 'array', items: { type: 'string' }, description: 'free tags' },
        main: { $ref: '#/definitions/MyModule', description: 'the main module' },
      });
    });

    it('@Property wins over design:type and validator typing; constraints still apply', () => {
      class Mixed { @Property(DataType.INT64) @IsInt() @Min(1) n!: number; }
      expect(fieldOf(Mixed, 'n')).to.deep.equal({ type: 'integer', format: 'int64', minimum: 1 });
    });
  });
});
