import 'reflect-metadata';
import { expect } from 'chai';
import fc from 'fast-check';
import { IsDefined, IsEmail, IsOptional, IsString, IsUUID, Length, Matches, Min, ValidateNested, validateSync } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { Type } from 'class-transformer';
import {
  ConfigParam, CorrelationId, DataType, Dto, Event, MsbDeclarationError, MsbEvent, MsbFunction, Payload, Property, SmartObject,
  bootstrap, selfDescriptionOf, validate,
} from '../../lib';
import type { Priority } from '../../lib';
import { compileCodec } from '../../lib/schema/value-codec';
import { IDENTITY, ISOLATED, eventFormat } from './helpers';

/** The README's own DTO style. */
class JobDone {
  @IsString() jobId!: string;
  @Property(DataType.INT64) durationMs!: number;
}

class Counter {
  @Property(DataType.INT32) n!: number;
  @IsOptional() @Property(DataType.DATETIME) at?: string;
}

function violations(r: { ok: boolean; violations?: string[] } | { ok: true; value: unknown }): string[] {
  return r.ok ? [] : (r as { violations: string[] }).violations;
}

describe('validation: what the data format says is what run-time checks enforce', () => {
  it('a DTO field typed only by @Property is checked: INT64, INT32 range and wholeness, date-time', () => {
    expect(violations(validate({ jobId: 'j', durationMs: 'not a number' }, JobDone))).to.deep.equal(['durationMs must be an INT64 integer (a safe integer), got "not a number"']);
    for (const n of ['x', 1.5, 2 ** 40]) expect(validate({ n }, Counter).ok, String(n)).to.equal(false);
    expect(violations(validate({ n: 1, at: 'yesterday' }, Counter))[0]).to.match(/^at must be .*date-time/);
    expect(validate({ n: 2 ** 31 - 1, at: '2026-11-25T10:00:00Z' }, Counter)).to.deep.equal({ ok: true, value: { n: 2 ** 31 - 1, at: '2026-11-25T10:00:00Z' } });
  });

  it('an incoming date-time or byte field declared Date or Buffer arrives as one, nested too', () => {
    class Stamp { @Property(DataType.DATETIME) at!: Date; @Property(DataType.BYTE) key!: Buffer; }
    class Log { @Property(Stamp, { isArray: true }) stamps!: Stamp[]; @Property(DataType.DATETIME) text!: string; }
    const r = compileCodec({ kind: 'dto', target: Log }).fromWire({ stamps: [{ at: '2026-11-25T10:00:00Z', key: 'aGk=' }], text: '2026-11-25T10:00:00Z' });
    const log = (r.ok ? r.value : undefined) as Log;
    expect(log.stamps[0].at).to.be.instanceOf(Date);
    expect(log.stamps[0].key.toString()).to.equal('hi');
    expect(log.text).to.equal('2026-11-25T10:00:00Z');
  });

  it('an incoming call is checked against the same format before the handler sees it', () => {
    const codec = compileCodec({ kind: 'dto', target: Counter });
    expect(violations(codec.fromWire({ n: 'x' }))).to.deep.equal(['n must be an INT32 integer, got "x"']);
    const ok = codec.fromWire({ n: 3 });
    expect(ok.ok && ok.value).to.be.instanceOf(Counter);
  });

  it('keeps class-validator\'s message where it reported the same field, and still runs rules that have no keyword', () => {
    class Contact {
      @IsString() @Length(1, 12) name!: string;
      @IsOptional() @IsEmail() email?: string;
      @IsOptional() @Matches(/^[a-z]+$/i) tag?: string;
    }
    expect(violations(validate({ name: '' }, Contact))).to.deep.equal(['name: name must be longer than or equal to 1 characters']);
    // @IsEmail and a flagged pattern have no data-format keyword: class-validator checks them.
    expect(violations(validate({ name: 'a', email: 'nope' }, Contact))).to.deep.equal(['email: email must be an email']);
    expect(violations(validate({ name: 'a', tag: '1' }, Contact))).to.deep.equal(['tag: tag must match /^[a-z]+$/i regular expression']);
    expect(validate({ name: 'a', email: 'a@b.example', tag: 'Ab' }, Contact).ok).to.equal(true);
    expect(eventFormatOf(Contact).Contact).to.deep.equal({
      type: 'object',
      properties: { name: { type: 'string', minLength: 1, maxLength: 12 }, email: { type: 'string' }, tag: { type: 'string' } },
    });
  });

  it('rules without a keyword, called directly on the plain value, agree with class-validator', () => {
    class Extra {
      @IsOptional() @IsEmail() email?: string;
      @IsUUID('4', { each: true }) @Property(DataType.STRING, { isArray: true }) ids!: string[];
    }
    const codec = compileCodec({ kind: 'dto', target: Extra });
    const text = fc.oneof(fc.constantFrom('a@b.example', 'nope', '', '9f3b2a44-6c1d-4e8a-9b7c-0d1e2f3a4b5c', '9f3b2a44-6c1d-1e8a-9b7c-0d1e2f3a4b5c'), fc.string({ maxLength: 6 }));
    fc.assert(fc.property(fc.record({ email: text, ids: fc.array(text, { maxLength: 3 }) }, { requiredKeys: [] }), (v) => {
      const reference = validateSync(plainToInstance(Extra, v), { skipMissingProperties: true, forbidUnknownValues: false }).length === 0;
      expect(codec.toWire(v).ok, JSON.stringify(v)).to.equal(reference);
      expect(codec.fromWire(v).ok, JSON.stringify(v)).to.equal(reference);
    }), { numRuns: 300, seed: 11 });
  });

  it('presence is what `required` says: @IsDefined and @Dto({ required }) put a field there, and only they', () => {
    class Loose { @IsString() a!: string; }
    @Dto({ required: true })
    class Strict { @IsString() a!: string; @IsOptional() @IsString() b?: string; }
    class Defined { @IsDefined() @IsString() a!: string; }
    expect(validate({}, Loose).ok).to.equal(true);
    expect(violations(validate({}, Strict))).to.deep.equal(['a is missing']);
    // The format has no null for a string: class-validator's @IsOptional would let it through, the format does not.
    expect(violations(validate({ a: 'x', b: null }, Strict))).to.deep.equal(['b must be a string, got null']);
    expect(violations(validate({}, Defined))).to.deep.equal(['a is missing']);
    expect(eventFormatOf(Defined).Defined).to.deep.include({ required: ['a'] });
  });

  it('nested DTOs and arrays are checked at any depth, with the path', () => {
    class Leaf { @Min(0) @Property(DataType.INT32) v!: number; }
    class Branch { @ValidateNested({ each: true }) @Type(() => Leaf) leaves!: Leaf[]; }
    class Root { @ValidateNested() @Type(() => Branch) branch!: Branch; }
    expect(violations(validate([{ branch: { leaves: [{ v: 1 }, { v: -1 }, { v: 'x' }] } }], Root, { isArray: true }))).to.deep.equal([
      'value[0].branch.leaves[1].v: v must not be less than 0',
      'value[0].branch.leaves[2].v must be an INT32 integer, got "x"',
    ]);
  });

  it('validate() takes a DataType, a DTO class or a raw data format, converts Dates and Buffers, and never throws for a bad value', () => {
    expect(validate(new Date(0), DataType.DATETIME)).to.deep.equal({ ok: true, value: '1970-01-01T00:00:00.000Z' });
    expect(validate([Buffer.from('hi')], DataType.BYTE, { isArray: true })).to.deep.equal({ ok: true, value: ['aGk='] });
    expect(violations(validate([1, 'x'], DataType.INT32, { isArray: true }))).to.deep.equal(['value[1] must be an INT32 integer, got "x"']);
    const raw = { dataObject: { $ref: '#/definitions/P' }, P: { type: 'object', properties: { x: { type: 'integer', minimum: 1 } }, required: ['x'] } };
    expect(validate({ x: 1 }, raw).ok).to.equal(true);
    expect(validate({ x: 0 }, raw).ok).to.equal(false);
    expect(() => validate(1, 'NOPE')).to.throw(MsbDeclarationError, /not a DataType/);
    expect(validate([{ x: 1 }, { x: 2 }], raw, { isArray: true }).ok, 'an array of a raw format keeps its definitions').to.equal(true);
    expect(violations(validate([{ x: 1 }, {}], raw, { isArray: true }))).to.deep.equal(["value[1] must have required property 'x'"]);
    class Node { @Property(DataType.STRING) label!: string; @Property(() => Node, { isArray: true }) children!: Node[]; }
    const cyclic: { label: string; children: unknown[] } = { label: 'a', children: [] };
    cyclic.children.push(cyclic);
    expect(violations(validate(cyclic, Node))[0]).to.match(/^value cannot be checked: Maximum call stack size exceeded/);
    for (const type of [DataType.INT32, DataType.BYTE, JobDone, Counter, raw]) {
      fc.assert(fc.property(fc.anything({ withBoxedValues: true, withMap: true, withSet: true, withTypedArray: true, withDate: true }), (v) => {
        const r = validate(v, type);
        expect(r.ok || r.violations.length > 0).to.equal(true);
      }), { numRuns: 200, seed: 7 });
    }
  });
});

function eventFormatOf(dto: Function): Record<string, unknown> {
  @SmartObject(IDENTITY)
  class Holder { @Event({ dataType: dto as new () => object }) e!: MsbEvent<unknown>; }
  return eventFormat(Holder, 'e')!;
}

describe('validation: configuration parameters', () => {
  it('class-validator decorators and @Property on a @ConfigParam are checked, naming the parameter and the rule; the old value stays', () => {
    @SmartObject(IDENTITY)
    class Tuned {
      @Min(0) @ConfigParam() K = 5;
      @Property(DataType.INT32) @ConfigParam() speed = 10;
      @IsEmail() @ConfigParam() mail = 'a@b.example';
    }
    const sd = selfDescriptionOf(Tuned, ISOLATED);
    expect(sd.configuration.parameters.speed).to.deep.equal({ value: 10, type: 'INTEGER', format: 'INT32' });
    // The accept function is what K messages and setConfig go through.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { loadService } = require('../../lib/metadata/self-description') as typeof import('../../lib/metadata/self-description');
    const { config } = loadService(Tuned, ISOLATED);
    const byName = Object.fromEntries(config.map((c) => [c.name, c]));
    expect(byName.K.accept(-5)).to.deep.equal({ ok: false, reason: '-5 breaks a rule: must be at least 0' });
    expect(byName.K.accept('7')).to.deep.equal({ ok: true, value: 7 });
    expect(byName.speed.accept(2 ** 31)).to.deep.include({ ok: false });
    expect(byName.mail.accept('nope')).to.deep.equal({ ok: false, reason: '"nope" breaks a rule: mail must be an email (isEmail)' });
  });

  it('an initial value that breaks a rule is a declaration problem', () => {
    @SmartObject(IDENTITY)
    class BadStart { @Min(0) @ConfigParam() K = -1; }
    expect(() => selfDescriptionOf(BadStart, ISOLATED)).to.throw(MsbDeclarationError, /BadStart.K: initial value of configuration parameter "K" -1 breaks a rule: must be at least 0/);
  });
});

describe('validation: declaration problems and misconfiguration', () => {
  it('a @MsbFunction parameter with neither @Payload nor @CorrelationId is a problem', () => {
    @SmartObject(IDENTITY)
    class Forgetful {
      @MsbFunction() drill(depth: number, @CorrelationId() c?: string): void { void depth; void c; }
      @MsbFunction() fine(@Payload() depth: number, @CorrelationId() c?: string): void { void depth; void c; }
    }
    expect(() => selfDescriptionOf(Forgetful, ISOLATED)).to.throw(MsbDeclarationError, /Forgetful\.drill: parameter 0 has neither @Payload\(\) nor @CorrelationId\(\)/);
  });

  it('bootstrap() and selfDescriptionOf() report the same complete list', async () => {
    @SmartObject()
    class Sloppy { @Event({ priority: 'URGENT' as Priority }) e!: MsbEvent; }
    const a = (() => {
      try {
        selfDescriptionOf(Sloppy, ISOLATED);
      } catch (e) {
        return e as MsbDeclarationError;
      }
      throw new Error('selfDescriptionOf did not throw');
    })();
    const b = await bootstrap(Sloppy, { ...ISOLATED, url: 'ws://127.0.0.1:1' }).then(() => undefined, (e: unknown) => e as MsbDeclarationError);
    expect(b).to.be.instanceOf(MsbDeclarationError);
    expect(a.problems).to.have.length(3);
    expect(b!.problems).to.deep.equal(a.problems);
  });

  it('a decorator called the TC39 way names both tsconfig flags', () => {
    const field = { kind: 'field', name: 'temperature', static: false, private: false, metadata: {}, addInitializer: () => undefined };
    const call = () => (Event() as unknown as (v: unknown, c: unknown) => void)(undefined, field);
    expect(call).to.throw(MsbDeclarationError, /@Event on field temperature was called as a standard \(TC39\) decorator.*"experimentalDecorators": true.*"emitDecoratorMetadata": true/);
    const cls = () => (SmartObject(IDENTITY) as unknown as (v: unknown, c: unknown) => void)(class {}, { kind: 'class', name: 'Drill' });
    expect(cls).to.throw(MsbDeclarationError, /@SmartObject on class Drill/);
  });

  it('missing design:type metadata names emitDecoratorMetadata, the compilers that emit none and the import order, once', () => {
    // What esbuild or tsx emit: the decorators run, the design:type metadata is not there.
    class NoMeta {}
    Property()(NoMeta.prototype, 'a');
    Property()(NoMeta.prototype, 'b');
    @SmartObject(IDENTITY)
    class Service { @Event({ dataType: NoMeta }) e!: MsbEvent<NoMeta>; }
    let error: MsbDeclarationError | undefined;
    try {
      selfDescriptionOf(Service, ISOLATED);
    } catch (e) {
      error = e as MsbDeclarationError;
    }
    expect(error).to.be.instanceOf(MsbDeclarationError);
    const explanations = error!.problems.filter((p) => p.includes('emitDecoratorMetadata'));
    expect(explanations).to.have.length(1);
    expect(explanations[0]).to.match(/esbuild/).and.match(/tsx/).and.match(/swc/).and.match(/TypeScript 7/).and.match(/import 'reflect-metadata'/);
    expect(error!.problems.filter((p) => /NoMeta\.[ab] has no TypeScript type metadata/.test(p))).to.have.length(2);
    expect(error!.problems.join('\n')).to.not.contain('any, a union or an interface');

    // The same for a @Payload parameter, and the note is still said once.
    class NoParamMeta {
      e!: MsbEvent<NoMeta>;
      drill(job: unknown): void { void job; }
    }
    Event({ dataType: NoMeta })(NoParamMeta.prototype, 'e');
    MsbFunction()(NoParamMeta.prototype, 'drill', Object.getOwnPropertyDescriptor(NoParamMeta.prototype, 'drill')!);
    Payload()(NoParamMeta.prototype, 'drill', 0);
    SmartObject(IDENTITY)(NoParamMeta);
    const problems = (() => {
      try {
        selfDescriptionOf(NoParamMeta, ISOLATED);
      } catch (e) {
        return (e as MsbDeclarationError).problems;
      }
      return [];
    })();
    expect(problems.filter((p) => p.includes('emitDecoratorMetadata'))).to.have.length(1);
    expect(problems.some((p) => /NoParamMeta\.drill: @Payload parameter 0 has no TypeScript type metadata \(design:paramtypes\)/.test(p))).to.equal(true);
  });
});
