import 'reflect-metadata';
import fc from 'fast-check';
import { expect } from 'chai';
import { IsPositive, Max, Min } from 'class-validator';
import {
  Application, ConfigParam, DataType, Dto, Event, MsbDeclarationError, MsbFunction, Property, SmartObject, asyncApiOf,
  selfDescriptionOf, toYaml,
} from '../../lib';
import type { RawDataFormat, SelfDescription, TypeInput } from '../../lib';
import { asyncApiFromSelfDescriptions } from '../../lib';
import { checkSelfDescription } from '../../lib/broker/self-description';
import { parseStrict } from '../asyncapi/helpers';
import { PROTO_KEYS, fuzzParams, fuzzTimeout, hostileString } from './arbitraries';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load(text: string): unknown };

/**
 * Random decorated services (DTOs nesting each other and themselves, arrays, raw formats,
 * constraints, response events, configuration parameters, hostile ids and texts) must give
 * AsyncAPI documents that the official parser reads without an error, as JSON and as YAML.
 */

type TypeSpec =
  | { kind: 'simple'; dataType: DataType; isArray: boolean }
  | { kind: 'dto'; index: number; isArray: boolean }
  | { kind: 'raw'; format: RawDataFormat };

interface FieldSpec { name: string; type: TypeSpec; description?: string; bound?: 'positive' | 'range' }
interface DtoSpec { name: string; fields: FieldSpec[] }
interface ServiceSpec {
  kind: 'SmartObject' | 'Application';
  uuid: string;
  name: string;
  description: string;
  token: string;
  dtos: DtoSpec[];
  events: Array<{ id: string; description: string; type?: TypeSpec; priority: 'LOW' | 'MEDIUM' | 'HIGH' }>;
  functions: Array<{ id: string; description: string; type?: TypeSpec; responses: number[] }>;
  config: Array<{ name: string; type: DataType; value: unknown }>;
}

const RAW_FORMATS: RawDataFormat[] = [
  { dataObject: { type: 'object', properties: { v: { type: 'integer', minimum: 0, exclusiveMinimum: true }, w: { type: 'number', maximum: 1, exclusiveMaximum: false } } } },
  {
    dataObject: { $ref: '#/definitions/RawThing' },
    RawThing: { type: 'object', required: ['tags'], properties: { tags: { type: 'array', items: { type: 'string' }, minItems: 1 }, next: { $ref: '#/definitions/RawThing' } } },
  },
  { dataObject: { type: 'array', items: { type: 'number', format: 'double' } } },
  { dataObject: { type: 'string', enum: ['a', 'b'], default: 'a', description: 'raw enum' } },
];

const text = (max: number) => hostileString(max);
// The parser reads a `__proto__` property name as the prototype and crashes on one named
// `hasOwnProperty` (README, AsyncAPI export), so ids that may become property names leave them out.
const PARSER_TRAPS: readonly string[] = [...PROTO_KEYS, 'hasOwnProperty'];
const id = fc.oneof(fc.stringMatching(/^[A-Za-z_/][A-Za-z0-9_/.-]{0,15}$/), text(16)).filter((s) => s.trim() !== '' && !PARSER_TRAPS.includes(s));
const simpleType = fc.constantFrom(...Object.values(DataType));

function typeSpec(dtoCount: number): fc.Arbitrary<TypeSpec> {
  const options: Array<fc.Arbitrary<TypeSpec>> = [
    fc.record({ kind: fc.constant('simple' as const), dataType: simpleType, isArray: fc.boolean() }),
    fc.record({ kind: fc.constant('raw' as const), format: fc.constantFrom(...RAW_FORMATS) }),
  ];
  if (dtoCount > 0) options.push(fc.record({ kind: fc.constant('dto' as const), index: fc.nat(dtoCount - 1), isArray: fc.boolean() }));
  return fc.oneof(...options);
}

/** Fields may use any DTO, themselves included (built lazily), but not raw formats. */
function dtoSpecs(): fc.Arbitrary<DtoSpec[]> {
  return fc.integer({ min: 0, max: 4 }).chain((n) =>
    fc.uniqueArray(
      fc.record({
        name: id,
        fields: fc.uniqueArray(
          fc.record(
            {
              name: id,
              type: typeSpec(n).filter((t) => t.kind !== 'raw'),
              description: text(20),
              bound: fc.constantFrom<'positive' | 'range'>('positive', 'range'),
            },
            { requiredKeys: ['name', 'type'] },
          ),
          { minLength: 1, maxLength: 4, selector: (f) => f.name },
        ),
      }),
      { minLength: n, maxLength: n, selector: (d) => d.name },
    ),
  );
}

const configParam = fc.oneof(
  fc.record({ type: fc.constant(DataType.INT32), value: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
  fc.record({ type: fc.constant(DataType.INT64), value: fc.maxSafeInteger() }),
  fc.record({ type: fc.constant(DataType.DOUBLE), value: fc.double({ noNaN: true, noDefaultInfinity: true }) }),
  fc.record({ type: fc.constant(DataType.BOOLEAN), value: fc.boolean() }),
  fc.record({ type: fc.constant(DataType.STRING), value: text(20) }),
);

const serviceSpec: fc.Arbitrary<ServiceSpec> = dtoSpecs().chain((dtos) =>
  fc.uniqueArray(fc.record({ id, description: text(30), type: fc.option(typeSpec(dtos.length), { nil: undefined }), priority: fc.constantFrom('LOW', 'MEDIUM', 'HIGH') }), { maxLength: 5, selector: (e) => e.id }).chain((events) =>
    fc.record({
      kind: fc.constantFrom('SmartObject', 'Application'),
      uuid: fc.uuid({ version: 4 }),
      name: id,
      description: text(40),
      token: fc.stringMatching(/^[0-9a-f]{24}$/),
      dtos: fc.constant(dtos),
      events: fc.constant(events),
      functions: fc.uniqueArray(
        fc.record({
          id,
          description: text(30),
          type: fc.option(typeSpec(dtos.length), { nil: undefined }),
          responses: events.length ? fc.uniqueArray(fc.nat(events.length - 1), { maxLength: 3 }) : fc.constant([]),
        }),
        { maxLength: 4, selector: (f) => f.id },
      ),
      config: fc.uniqueArray(fc.record({ name: id, type: configParam }), { maxLength: 3, selector: (c) => c.name })
        .map((cs) => cs.map((c) => ({ name: c.name, type: c.type.type, value: c.type.value as unknown }))),
    }),
  ),
);

function typeInput(t: TypeSpec, dtoClasses: Function[]): { dataType: TypeInput; isArray?: boolean } {
  if (t.kind === 'simple') return { dataType: t.dataType, isArray: t.isArray };
  if (t.kind === 'raw') return { dataType: structuredClone(t.format) };
  return { dataType: () => dtoClasses[t.index] as new () => object, isArray: t.isArray };
}

/** Builds the decorated classes the spec describes, as a user would write them. */
function build(spec: ServiceSpec): Function {
  const dtoClasses: Function[] = [];
  spec.dtos.forEach((d) => {
    const cls = class {};
    Dto({ name: d.name })(cls);
    for (const f of d.fields) {
      const { dataType, isArray } = typeInput(f.type, dtoClasses);
      Property(dataType, { isArray, description: f.description })(cls.prototype, f.name);
      const numeric = f.type.kind === 'simple' && !f.type.isArray && [DataType.INT32, DataType.DOUBLE, DataType.FLOAT].includes(f.type.dataType);
      if (numeric && f.bound === 'positive') IsPositive()(cls.prototype, f.name);
      if (numeric && f.bound === 'range') { Min(-5)(cls.prototype, f.name); Max(5)(cls.prototype, f.name); }
    }
    dtoClasses.push(cls);
  });
  const service = class {
    constructor() {
      spec.config.forEach((c, i) => { (this as Record<string, unknown>)[`c${i}`] = c.value; });
    }
  };
  const proto = service.prototype as Record<string, unknown>;
  spec.events.forEach((e, i) => {
    Event({ id: e.id, description: e.description, priority: e.priority, ...(e.type ? typeInput(e.type, dtoClasses) : {}) })(proto, `e${i}`);
  });
  spec.functions.forEach((f, i) => {
    proto[`f${i}`] = () => undefined;
    const responseEvents = f.responses.map((r) => spec.events[r].id);
    MsbFunction({ id: f.id, description: f.description, responseEvents, ...(f.type ? typeInput(f.type, dtoClasses) : {}) })(proto, `f${i}`, Object.getOwnPropertyDescriptor(proto, `f${i}`)!);
  });
  spec.config.forEach((c, i) => ConfigParam({ name: c.name, type: c.type })(proto, `c${i}`));
  (spec.kind === 'SmartObject' ? SmartObject : Application)({ uuid: spec.uuid, name: spec.name, description: spec.description, token: spec.token })(service);
  return service;
}

/** Names of every definition in the self-description's data formats. */
function definitionNames(sd: SelfDescription): Set<string> {
  const names = new Set<string>();
  for (const e of sd.events) for (const k of Object.keys(e.dataFormat ?? {})) if (k !== 'dataObject') names.add(k);
  for (const f of sd.functions) {
    const refs = JSON.stringify(f.dataFormat ?? {}).match(/"#\/definitions\/[^"]*"/g) ?? [];
    for (const r of refs) names.add(JSON.parse(r.replace('#/definitions/', '')) as string);
  }
  return names;
}

describe('fuzz: AsyncAPI export of random services', function () {
  // The official parser takes 0.3 to 2 s a document (more on a loaded machine): a small budget in
  // npm test, and a hundredth of FUZZ_RUNS under npm run fuzz.
  const params = fuzzParams<[ServiceSpec]>(6, 0.01);
  this.timeout(fuzzTimeout(120_000, 100));

  it('every document parses without errors, as JSON and YAML, with an operation per event, function and configuration', async () => {
    let declared = 0;
    await fc.assert(
      fc.asyncProperty(serviceSpec, async (spec) => {
        const options = { env: false as const, propertiesFile: false as const };
        let sd: SelfDescription;
        const service = build(spec);
        try {
          sd = selfDescriptionOf(service, options);
        } catch (e) {
          // Hostile ids and names the framework refuses are not the export's business.
          if (e instanceof MsbDeclarationError) return;
          throw e;
        }
        declared++;
        const doc = asyncApiOf(service, { ...options, server: 'ws://127.0.0.1:8085' });
        const json = JSON.stringify(doc);
        const parsed = await parseStrict(json, `service ${spec.uuid}`);
        // The YAML form reads back as the same JSON, so the parser's verdict on it is the same
        // (the samples test gives it the YAML too); one parse per run keeps the budget.
        expect(yaml.load(toYaml(doc))).to.deep.equal(JSON.parse(json));
        expect(json).not.to.contain(spec.token);
        expect(json).not.to.contain('#/definitions/');
        expect(parsed.operations().filterBySend().map((o) => o.messages().all()[0].name())).to.deep.equal(sd.events.map((e) => e.eventId));
        expect(parsed.operations().filterByReceive().length).to.equal(sd.functions.length + (Object.keys(sd.configuration.parameters).length > 0 ? 1 : 0));
        sd.functions.forEach((f, i) => {
          const op = parsed.operations().filterByReceive()[i];
          expect(op.messages().all()[0].name()).to.equal(f.functionId);
          const replies = op.reply()?.messages().all().map((m) => m.name()) ?? [];
          expect(replies, `replies of ${f.functionId}`).to.deep.equal((f.responseEvents ?? []).map((atId) => sd.events[atId - 1].eventId));
        });
        expect(Object.keys(doc.components.schemas).length).to.equal(definitionNames(sd).size);
      }),
      params,
    );
    // Most services must get past the declaration, or the property tests little.
    expect(declared, 'services the framework accepted').to.be.at.least(Math.ceil(params.numRuns! / 2));
  });
});

// ---- plain self-descriptions, as any MSB client registers them ----------------------------------

const DEFINITION_NAMES = ['A', 'B', 'Node'];
const value = fc.jsonValue({ maxDepth: 2 });
const optional = { requiredKeys: [] as never[] };

const ref = fc.record({ $ref: fc.constantFrom(...DEFINITION_NAMES).map((n) => `#/definitions/${n}`) });

/**
 * Schemas of the MSB data-format subset (draft-04) referring to a few names, all defined (the
 * broker refuses dangling references; the unit tests cover them). References sit only below
 * `properties`, `items` and `additionalProperties`: a definition that is only a reference to itself,
 * or reaches itself through `allOf` alone, overflows the parser's stack (README, AsyncAPI export).
 */
const msbSchema = fc.letrec<{ schema: Record<string, unknown>; member: Record<string, unknown> }>((tie) => ({
  member: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('schema'), ref),
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      type: fc.constantFrom('string', 'integer', 'number', 'boolean', 'null'),
      format: fc.constantFrom('int32', 'int64', 'float', 'double', 'date-time', 'byte', 'anything'),
      description: text(12),
      minimum: fc.integer(), exclusiveMinimum: fc.boolean(), maximum: fc.integer(), exclusiveMaximum: fc.boolean(),
      enum: fc.array(value, { minLength: 1, maxLength: 3 }), default: value, example: value, readOnly: fc.boolean(),
    }, optional),
    fc.record({
      type: fc.constant('array'),
      items: fc.oneof(tie('member'), fc.array(tie('member'), { minLength: 1, maxLength: 2 })),
      minItems: fc.nat(3), uniqueItems: fc.boolean(),
    }, { requiredKeys: ['type'] }),
    fc.record({
      type: fc.constant('object'),
      properties: fc.dictionary(id, tie('member'), { maxKeys: 3 }),
      additionalProperties: fc.oneof(fc.boolean(), tie('member')),
      discriminator: text(6),
    }, { requiredKeys: ['type'] }),
    fc.record({ allOf: fc.array(tie('schema'), { minLength: 1, maxLength: 2 }) }),
  ),
})).schema;

const definitions = fc.record(Object.fromEntries(DEFINITION_NAMES.map((n) => [n, msbSchema])));
const eventFormat = fc.tuple(fc.oneof(msbSchema, ref), definitions).map(([dataObject, defs]) => ({ ...defs, dataObject }));
const functionFormat = fc.tuple(fc.dictionary(id, fc.oneof(msbSchema, ref), { minKeys: 1, maxKeys: 2 }), definitions).map(([params, defs]) => ({ ...defs, ...params }));

const plainEvents = fc.uniqueArray(
  fc.record({ eventId: id, name: text(8), description: text(8), dataFormat: fc.option(eventFormat, { nil: undefined }) }, { requiredKeys: ['eventId', 'name', 'description'] }),
  { maxLength: 4, selector: (e) => e.eventId },
).map((events) => events.map((e, i) => ({ '@id': i + 1, ...e })));

/** Response events as @ids or (Java) inline event objects, mostly naming events that exist. */
function responseEvents(events: Array<{ eventId: string }>): fc.Arbitrary<unknown[]> {
  if (events.length === 0) return fc.constant([]);
  const one = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: events.length }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: events.length }).map((n) => ({ eventId: events[n - 1].eventId })) },
  );
  return fc.array(one, { maxLength: 2 });
}

const plainService = plainEvents.chain((events) => fc.record({
  '@class': fc.constantFrom('SmartObject', 'Application'),
  uuid: fc.uuid({ version: 4 }),
  name: text(12),
  description: text(12),
  token: fc.stringMatching(/^[0-9a-f]{24}$/),
  events: fc.constant(events),
  functions: fc.uniqueArray(
    fc.record({ functionId: id, name: text(8), description: text(8), dataFormat: fc.option(functionFormat, { nil: undefined }), responseEvents: responseEvents(events) }, { requiredKeys: ['functionId', 'name', 'description'] }),
    { maxLength: 3, selector: (f) => f.functionId },
  ),
  configuration: fc.record({ parameters: fc.dictionary(id, fc.oneof(
    fc.record({ value: fc.integer(), type: fc.constantFrom('INTEGER', 'integer'), format: fc.constantFrom('INT32', 'int64') }),
    fc.record({ value: text(8), type: fc.constantFrom('STRING', 'string') }),
    fc.record({ value: fc.boolean(), type: fc.constant('BOOLEAN') }),
  ), { maxKeys: 3 }) }),
}));

describe('fuzz: AsyncAPI export of plain self-descriptions', function () {
  const params = fuzzParams<[Array<Record<string, unknown>>]>(5, 0.01);
  this.timeout(fuzzTimeout(120_000, 100));

  it('whatever the broker accepts as a registration gives a document the parser reads without errors', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(plainService, { minLength: 1, maxLength: 2 }), async (sds) => {
        const problems = sds.flatMap((sd) => checkSelfDescription(JSON.parse(JSON.stringify(sd))).problems);
        if (problems.length > 0) return;
        accepted++;
        const doc = asyncApiFromSelfDescriptions(sds, { server: 'wss://127.0.0.1:8084' });
        const json = JSON.stringify(doc);
        await parseStrict(json, `${sds.length} plain self-description(s)`);
        for (const sd of sds) expect(json).not.to.contain(sd.token);
        expect(json).not.to.match(/"\$ref":"(?!#\/(components|channels)\/)/);
      }),
      params,
    );
    expect(accepted, 'descriptions the broker accepted').to.be.at.least(Math.ceil(params.numRuns! / 2));
  });
});
