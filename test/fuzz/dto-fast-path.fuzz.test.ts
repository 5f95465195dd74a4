import 'reflect-metadata';
import fc from 'fast-check';
import { expect } from 'chai';
import {
  ArrayMinSize, IsDateString, IsDefined, IsEnum, IsIn, IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, Length, Matches,
  Max, Min, ValidateNested, Validate, ValidatorConstraint,
} from 'class-validator';
import type { ValidatorConstraintInterface } from 'class-validator';
import { Type, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { compileCodec } from '../../lib/schema/value-codec';
import { fuzzParams } from './arbitraries';

/**
 * The DTO fast path in the value codec must accept exactly what plainToInstance + validateSync
 * accepts, and reject with the same messages. Random values, half of them built from valid
 * parts, are run through both.
 */
enum Mode { Fast = 'fast', Slow = 'slow' }

class Tool {
  @IsString() name!: string;
  @IsNumber() @Min(0) diameterMm!: number;
}

class Measurement {
  @IsString() @Length(1, 12) jobId!: string;
  @IsInt() @Min(0) @Max(1000) count!: number;
  @IsIn(['steel', 'wood']) material!: string;
  @ValidateNested() @Type(() => Tool) tool!: Tool;
  @IsNumber({}, { each: true }) @ArrayMinSize(1) samples!: number[];
  @IsOptional() @IsEnum(Mode) mode?: Mode;
  @IsOptional() @IsDateString() at?: string;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => Tool) spares?: Tool[];
  @IsOptional() @Matches(/^[a-z]+$/) tag?: string;
  @IsDefined() @IsNotEmpty() note!: unknown;
  @ValidateNested() untyped?: unknown;
}

class Tree {
  @IsString() label!: string;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => Tree) children?: Tree[];
}

@ValidatorConstraint({ name: 'even' })
class Even implements ValidatorConstraintInterface {
  validate(v: unknown): boolean { return typeof v === 'number' && v % 2 === 0; }
}

/** Kept on the class-validator path: a user constraint and a field initialiser. */
class Custom {
  @Validate(Even) n!: number;
}
class WithDefault {
  @IsString() name = 'default';
}

function reference(cls: new () => object, v: unknown): { ok: boolean; messages: string } {
  const errors = validateSync(plainToInstance(cls, v as object), { forbidUnknownValues: false });
  return { ok: errors.length === 0, messages: JSON.stringify(errors.map((e) => [e.property, e.constraints])) };
}

const maybe = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: fc.anything() }, { weight: 1, arbitrary: fc.constantFrom(undefined, null, '', 0, [], {}) });
const tool = fc.record({ name: maybe(fc.string()), diameterMm: maybe(fc.double()) }, { requiredKeys: [] });
const measurement = fc.record(
  {
    jobId: maybe(fc.string({ maxLength: 14 })),
    count: maybe(fc.integer({ min: -5, max: 1005 })),
    material: maybe(fc.constantFrom('steel', 'wood', 'gold')),
    tool: maybe(tool),
    samples: maybe(fc.array(maybe(fc.double()), { maxLength: 4 })),
    mode: maybe(fc.constantFrom('fast', 'slow', 'FAST')),
    at: maybe(fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
    spares: maybe(fc.array(maybe(tool), { maxLength: 3 })),
    tag: maybe(fc.stringMatching(/^[a-z]{0,4}$/)),
    note: maybe(fc.string()),
    untyped: maybe(fc.object()),
  },
  { requiredKeys: [] },
);
const tree = fc.letrec((tie) => ({
  node: fc.record({ label: maybe(fc.string()), children: maybe(fc.array(tie('node'), { maxLength: 3 })) }, { requiredKeys: [] }),
})).node;

function agree(cls: new () => object, v: unknown): void {
  let ref: { ok: boolean; messages: string };
  try {
    ref = reference(cls, v);
  } catch {
    return; // values class-transformer itself cannot copy are not the question here
  }
  const r = compileCodec({ kind: 'dto', target: cls }).toWire(v);
  expect(r.ok, JSON.stringify(v)).to.equal(ref.ok);
}

describe('DTO validation fast path agrees with class-validator', () => {
  it('nested DTOs, arrays, each, optional, enum, pattern, defined', () => {
    fc.assert(fc.property(measurement, (v) => agree(Measurement, v)), fuzzParams(1500));
  });
  it('recursive DTOs', () => {
    fc.assert(fc.property(tree, (v) => agree(Tree, v)), fuzzParams(500));
  });
  it('user constraints and field initialisers (class-validator path)', () => {
    fc.assert(fc.property(fc.record({ n: maybe(fc.integer()) }, { requiredKeys: [] }), (v) => agree(Custom, v)), fuzzParams(200));
    fc.assert(fc.property(fc.record({ name: maybe(fc.string()) }, { requiredKeys: [] }), (v) => agree(WithDefault, v)), fuzzParams(200));
  });
  it('rejects with the same messages as before', () => {
    const codec = compileCodec({ kind: 'dto', target: Measurement });
    const r = codec.toWire({ jobId: '', count: -1, material: 'gold', tool: { name: 3, diameterMm: -1 }, samples: [], note: '' });
    expect(r.ok).to.equal(false);
    expect(r.ok ? [] : r.violations).to.include.members(['jobId: jobId must be longer than or equal to 1 characters', 'tool.name: name must be a string']);
  });
});
