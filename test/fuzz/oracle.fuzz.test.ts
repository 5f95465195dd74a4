import 'reflect-metadata';
import fc from 'fast-check';
import { expect } from 'chai';
import {
  ArrayMaxSize, ArrayMinSize, ArrayNotEmpty, ArrayUnique, IsBase64, IsBoolean, IsDateString, IsDefined, IsIn, IsInt, IsNegative,
  IsNotEmpty, IsNumber, IsOptional, IsPositive, IsString, Length, Matches, Max, MaxLength, Min, MinLength,
} from 'class-validator';
import { DataType, Dto, Property } from '../../lib';
import { createAjv } from '../../lib/schema/ajv';
import { DataFormatBuilder } from '../../lib/schema/data-format-builder';
import { dataFormatProblems } from '../../lib/schema/data-format-schema';
import { compileCodec } from '../../lib/schema/value-codec';
import type { TypeRef } from '../../lib/schema/type-ref';
import { fuzzParams, fuzzTimeout } from './arbitraries';

/**
 * The oracle: for random DTO shapes (every rule that has a data-format keyword, nested DTOs and
 * arrays at any depth), the run-time verdict on random values equals Ajv's verdict on the data
 * format the same shape publishes, for outgoing (emit) and incoming (call) values alike.
 */

type Decorate = (proto: object, key: string) => void;
type Scalar = Exclude<DataType, never>;

interface SimpleField { kind: 'simple'; dataType: Scalar; rules: Decorate[]; ruleNames: string[] }
interface DtoField { kind: 'dto'; shape: Shape }
interface FieldSpec { name: string; type: SimpleField | DtoField; isArray: boolean; arrayRules: Decorate[]; optional: boolean; defined: boolean }
interface Shape { fields: FieldSpec[]; required: boolean | undefined }

const PATTERNS = ['^[a-z]+$', '^\\d{2,3}$', 'ab|cd', '^\\p{L}*$', '^.$', 'x'];
const STRINGS = ['', 'a', 'ab', 'abc', 'é', '😀', '😀😀', 'x1', '12', '123', 'ab\n', 'cd', 'ü'];

function labelled(rule: Decorate, name: string): fc.Arbitrary<[Decorate, string]> {
  return fc.constant([rule, name]);
}

const small = fc.integer({ min: -3, max: 5 });

function rulesFor(dt: Scalar, each: boolean): fc.Arbitrary<Array<[Decorate, string]>> {
  const o = each ? { each: true } : undefined;
  const numeric: Array<fc.Arbitrary<[Decorate, string]>> = [
    small.map((n) => [Min(n, o), `Min(${n})`] as [Decorate, string]),
    small.map((n) => [Max(n, o), `Max(${n})`] as [Decorate, string]),
    labelled(IsPositive(o), 'IsPositive'),
    labelled(IsNegative(o), 'IsNegative'),
    fc.subarray([-1, 0, 1, 2, 2.5], { minLength: 1 }).map((v) => [IsIn(v, o), `IsIn(${v})`] as [Decorate, string]),
  ];
  const text: Array<fc.Arbitrary<[Decorate, string]>> = [
    fc.nat(3).map((n) => [MinLength(n, o), `MinLength(${n})`] as [Decorate, string]),
    fc.nat(3).map((n) => [MaxLength(n, o), `MaxLength(${n})`] as [Decorate, string]),
    fc.tuple(fc.nat(2), fc.nat(3)).map(([a, b]) => [Length(a, a + b, o), `Length(${a}, ${a + b})`] as [Decorate, string]),
    fc.constantFrom(...PATTERNS).map((p) => [Matches(p, undefined, o), `Matches(${p})`] as [Decorate, string]),
    fc.subarray(STRINGS, { minLength: 1 }).map((v) => [IsIn(v, o), `IsIn(${JSON.stringify(v)})`] as [Decorate, string]),
    labelled(IsNotEmpty(o), 'IsNotEmpty'),
  ];
  const checker: Partial<Record<Scalar, [Decorate, string]>> = {
    [DataType.STRING]: [IsString(o), 'IsString'],
    [DataType.INT32]: [IsInt(o), 'IsInt'],
    [DataType.INT64]: [IsInt(o), 'IsInt'],
    [DataType.DOUBLE]: [IsNumber({}, o), 'IsNumber'],
    [DataType.FLOAT]: [IsNumber({}, o), 'IsNumber'],
    [DataType.BOOLEAN]: [IsBoolean(o), 'IsBoolean'],
    [DataType.DATETIME]: [IsDateString({}, o), 'IsDateString'],
    [DataType.BYTE]: [IsBase64(undefined, o), 'IsBase64'],
  };
  const pool = [...(dt === DataType.STRING ? text : dt === DataType.DATETIME || dt === DataType.BYTE ? text.slice(0, 4) : dt === DataType.BOOLEAN ? [] : numeric)];
  if (checker[dt]) pool.push(fc.constant(checker[dt]));
  return pool.length === 0 ? fc.constant([]) : fc.array(fc.oneof(...pool), { maxLength: 3 });
}

const dataTypes = fc.constantFrom(...Object.values(DataType));

const arrayRules: fc.Arbitrary<Array<[Decorate, string]>> = fc.array(
  fc.oneof(
    fc.nat(3).map((n) => [ArrayMinSize(n), `ArrayMinSize(${n})`] as [Decorate, string]),
    fc.nat(3).map((n) => [ArrayMaxSize(n), `ArrayMaxSize(${n})`] as [Decorate, string]),
    labelled(ArrayNotEmpty(), 'ArrayNotEmpty'),
    labelled(ArrayUnique(), 'ArrayUnique'),
  ),
  { maxLength: 2 },
);

/** Shapes nest DTOs up to three levels deep; the innermost have only simple fields. */
function shapeAt(depth: number): fc.Arbitrary<Shape> {
  const field: fc.Arbitrary<FieldSpec> = fc
    .record({ isArray: fc.boolean(), nested: fc.nat(5), dataType: dataTypes, optional: fc.boolean(), defined: fc.nat(4).map((n) => n === 0), arrayRules })
    .chain((f) =>
      (f.nested === 0 && depth < 2
        ? shapeAt(depth + 1).map((shape): SimpleField | DtoField => ({ kind: 'dto', shape }))
        : rulesFor(f.dataType, f.isArray).map((r): SimpleField | DtoField => ({ kind: 'simple', dataType: f.dataType, rules: r.map((x) => x[0]), ruleNames: r.map((x) => x[1]) }))
      ).map((type) => ({ name: '', type, isArray: f.isArray, arrayRules: f.isArray ? f.arrayRules.map((x) => x[0]) : [], optional: f.optional, defined: f.defined })),
    );
  return fc
    .record({ fields: fc.array(field, { minLength: 1, maxLength: 4 }), required: fc.constantFrom(undefined, true, false) })
    .map((s) => ({ ...s, fields: s.fields.map((f, i) => ({ ...f, name: `f${i}` })) }));
}
const shapeArb = shapeAt(0);

let classes = 0;

/** Makes the DTO class a shape describes, decorating it as a user would. */
function classOf(shape: Shape): Function {
  const name = `Shape${++classes}`;
  const cls = { [name]: class {} }[name];
  for (const f of shape.fields) {
    const proto = cls.prototype as object;
    if (f.type.kind === 'dto') Property(classOf(f.type.shape) as new () => object, { isArray: f.isArray })(proto, f.name);
    else {
      Property(f.type.dataType, { isArray: f.isArray })(proto, f.name);
      for (const r of f.type.rules) r(proto, f.name);
    }
    for (const r of f.arrayRules) r(proto, f.name);
    if (f.optional) IsOptional()(proto, f.name);
    if (f.defined) IsDefined()(proto, f.name);
  }
  if (shape.required !== undefined) Dto({ required: shape.required })(cls);
  return cls;
}

const boundaries: Record<Scalar, fc.Arbitrary<unknown>> = {
  [DataType.STRING]: fc.oneof(fc.constantFrom(...STRINGS), fc.string({ maxLength: 4 }), fc.string({ unit: 'grapheme', maxLength: 3 })),
  [DataType.INT32]: fc.oneof(fc.integer({ min: -4, max: 6 }), fc.constantFrom(2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 1.5, 2 ** 40, -0), fc.integer()),
  [DataType.INT64]: fc.oneof(fc.integer({ min: -4, max: 6 }), fc.constantFrom(2 ** 53 - 1, 2 ** 53, -(2 ** 53) + 1, -(2 ** 53), 2.5, 1e300)),
  [DataType.FLOAT]: fc.oneof(fc.integer({ min: -4, max: 6 }), fc.constantFrom(3.4e38, 3.5e38, -3.5e38, 0.5, 2.5), fc.double({ noNaN: true, noDefaultInfinity: true })),
  [DataType.DOUBLE]: fc.oneof(fc.integer({ min: -4, max: 6 }), fc.constantFrom(2.5, -0.5, 1e308), fc.double({ noNaN: true, noDefaultInfinity: true })),
  [DataType.BOOLEAN]: fc.boolean(),
  [DataType.DATETIME]: fc.oneof(
    // What emit() is given in memory: a Date (an invalid one too), sent as its ISO text.
    fc.date({ min: new Date(0), max: new Date(4e12) }),
    fc.constant(new Date(Number.NaN)),
    fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString()),
    fc.constantFrom('2020-02-29T10:00:00Z', '2021-02-29T10:00:00Z', '2020-01-01T23:59:60Z', '2020-01-01 10:00:00+02:00', '2020-01-01T10:00Z', '2020-01-01T10:00:00', 'yesterday', '2020-01-01', '2020-13-01T00:00:00Z'),
  ),
  [DataType.BYTE]: fc.oneof(fc.uint8Array({ maxLength: 4 }).map((b) => Buffer.from(b).toString('base64')), fc.uint8Array({ maxLength: 4 }).map((b) => Buffer.from(b)), fc.constantFrom('YQ==', 'YQ=', 'abc', 'abc\n', 'YWJj\nYWJj', '', '!!!!')),
};

const junk = fc.oneof(fc.constantFrom(null, 0, '', 'x', true, [], {}, 1.5), fc.jsonValue({ maxDepth: 1 }));

function valueOf(shape: Shape, depth = 0): fc.Arbitrary<unknown> {
  const entries = shape.fields.map((f) => {
    const one: fc.Arbitrary<unknown> = f.type.kind === 'dto' ? (depth > 3 ? junk : valueOf(f.type.shape, depth + 1)) : boundaries[f.type.dataType];
    const many = f.isArray ? fc.oneof(fc.array(one, { maxLength: 4 }), one.chain((x) => fc.constant([x, x]))) : one;
    return [f.name, fc.oneof({ weight: 6, arbitrary: many }, { weight: 1, arbitrary: junk })] as const;
  });
  return fc.oneof({ weight: 9, arbitrary: fc.record(Object.fromEntries(entries), { requiredKeys: [] }) }, { weight: 1, arbitrary: junk });
}

/** Buffers as the base64 text they are sent as (JSON.stringify alone would write `{ type, data }`). */
function base64Buffers(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (Array.isArray(v)) return v.map(base64Buffers);
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, base64Buffers(x)]));
  return v;
}

const ajv = createAjv();
let shapesRun = 0;
let valuesRun = 0;

describe('validation oracle: the run-time check agrees with Ajv on the published data format', function () {
  this.timeout(fuzzTimeout(60_000, 20));
  after(() => {
    // The counts of this run, for the record (npm test and npm run fuzz use different budgets).
    console.log(`      oracle: ${shapesRun} DTO shapes, ${valuesRun} values, each checked out and in`);
  });

  it('random DTO shapes and values, scalar and array roots', () => {
    const sample = fc.tuple(shapeArb, fc.boolean()).chain(([shape, rootArray]) =>
      fc.tuple(fc.constant(shape), fc.constant(rootArray), fc.array(rootArray ? fc.array(valueOf(shape), { maxLength: 3 }) : valueOf(shape), { minLength: 20, maxLength: 20 })),
    );
    fc.assert(
      fc.property(sample, ([shape, rootArray, values]) => {
        shapesRun++;
        const dto: TypeRef = { kind: 'dto', target: classOf(shape) };
        const ref: TypeRef = rootArray ? { kind: 'array', items: dto } : dto;
        const problems: string[] = [];
        const format = new DataFormatBuilder(problems).build({ dataObject: ref }, 'event', 'oracle');
        expect(problems, 'the shape is declared correctly').to.deep.equal([]);
        expect(dataFormatProblems(format!, 'event'), 'the format passes the MSB meta-schema').to.deep.equal([]);
        const { dataObject, ...definitions } = format!;
        const reference = ajv.compile({ ...dataObject, definitions });
        const codec = compileCodec(ref);
        for (const generated of values) {
          valuesRun++;
          // What goes on the wire is JSON (a Date as its ISO text, a Buffer as base64): the oracle
          // judges that text; emit() is given the value as generated, a call the parsed text.
          const v: unknown = JSON.parse(JSON.stringify(base64Buffers(generated)));
          const expected = reference(v);
          const out = codec.toWire(generated);
          const inbound = codec.fromWire(v);
          const why = () => `value ${JSON.stringify(v)} (emitted as ${String(JSON.stringify(generated)).slice(0, 300)}) against ${JSON.stringify(format)}: Ajv says ${expected ? 'valid' : JSON.stringify(reference.errors)}; run time says out ${JSON.stringify(out.ok || out.violations)}, in ${JSON.stringify(inbound.ok || inbound.violations)}`;
          expect(out.ok, why()).to.equal(expected);
          expect(inbound.ok, why()).to.equal(expected);
        }
      }),
      fuzzParams(150, 0.1),
    );
  });
});
