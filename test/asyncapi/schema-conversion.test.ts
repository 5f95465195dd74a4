import { expect } from 'chai';
import { MsbAsyncApiError } from '../../lib/asyncapi/errors';
import { convertSchema, refsIn } from '../../lib/asyncapi/schema-conversion';

/** `n` schemas, each the `items` of the one around it. */
function nested(n: number): unknown {
  let schema: unknown = { type: 'string' };
  for (let i = 1; i < n; i++) schema = { items: schema };
  return schema;
}

/** A resolver that knows the given names and records each name it was asked for, in order. */
function resolver(known: Record<string, string>): { resolve: (name: string) => string | undefined; asked: string[] } {
  const asked: string[] = [];
  return { asked, resolve: (name) => (asked.push(name), Object.prototype.hasOwnProperty.call(known, name) ? known[name] : undefined) };
}

describe('asyncapi/schema-conversion', () => {
  it('turns a #/definitions reference into the component schema reference the resolver names', () => {
    const { resolve } = resolver({ Part: 'Part_2' });
    expect(convertSchema({ type: 'object', properties: { p: { $ref: '#/definitions/Part' } } }, resolve)).to.deep.equal({
      type: 'object',
      properties: { p: { $ref: '#/components/schemas/Part_2' } },
    });
  });

  it('tries the raw name before the JSON-Pointer unescaped one, and uses the first that resolves', () => {
    const { resolve, asked } = resolver({ 'a/b': 'a_b' });
    expect(convertSchema({ $ref: '#/definitions/a~1b' }, resolve)).to.deep.equal({ $ref: '#/components/schemas/a_b' });
    expect(asked).to.deep.equal(['a~1b', 'a/b']);
  });

  it('keeps a reference the document cannot resolve as x-msb-unresolved-ref, never as a $ref', () => {
    const { resolve } = resolver({});
    expect(convertSchema({ $ref: '#/definitions/Missing' }, resolve)).to.deep.equal({ 'x-msb-unresolved-ref': '#/definitions/Missing' });
    expect(convertSchema({ $ref: 'other.json#/definitions/X' }, resolve)).to.deep.equal({ 'x-msb-unresolved-ref': 'other.json#/definitions/X' });
    expect(convertSchema({ $ref: 7 }, resolve)).to.deep.equal({ 'x-msb-unresolved-ref': '7' });
  });

  it('leaves out values that hold a $ref outside a schema position (examples, defaults, enums)', () => {
    const { resolve } = resolver({ A: 'A' });
    const out = convertSchema({ type: 'object', default: { $ref: '#/definitions/A' }, enum: [{ $ref: '#/definitions/A' }], example: { a: 1 } }, resolve);
    expect(out).to.deep.equal({ type: 'object', example: { a: 1 } });
  });

  it('turns draft-04 boolean exclusive bounds into draft-07 numbers and drops the inclusive bound they contradict', () => {
    const { resolve } = resolver({});
    expect(convertSchema({ type: 'number', minimum: 3, exclusiveMinimum: true, maximum: 9, exclusiveMaximum: false }, resolve)).to.deep.equal({
      type: 'number',
      exclusiveMinimum: 3,
      maximum: 9,
    });
    expect(convertSchema({ exclusiveMaximum: 5, maximum: 9 }, resolve)).to.deep.equal({ exclusiveMaximum: 5, maximum: 9 });
    expect(convertSchema({ exclusiveMaximum: true }, resolve), 'no bound to take the number from').to.deep.equal({});
  });

  it('keeps each enum value once, comparing objects regardless of key order', () => {
    const { resolve } = resolver({});
    expect(convertSchema({ enum: [1, { a: 1, b: 2 }, { b: 2, a: 1 }, 1, '1'] }, resolve)).to.deep.equal({ enum: [1, { a: 1, b: 2 }, '1'] });
  });

  it('copies values rather than sharing them with the input', () => {
    const { resolve } = resolver({});
    const input = { example: { list: [1, 2] }, enum: [{ x: 1 }] };
    const out = convertSchema(input, resolve) as typeof input;
    expect(out).to.deep.equal(input);
    expect(out.example).to.not.equal(input.example);
    expect(out.enum[0]).to.not.equal(input.enum[0]);
  });

  it('converts every schema position: maps, single schemas, tuple items and the combinators', () => {
    const { resolve } = resolver({ A: 'A' });
    const ref = { $ref: '#/definitions/A' };
    const to = { $ref: '#/components/schemas/A' };
    const out = convertSchema(
      { properties: { p: ref }, patternProperties: { '^x': ref }, items: [ref, ref], additionalProperties: ref, not: ref, allOf: [ref], anyOf: [ref], oneOf: [ref] },
      resolve,
    );
    expect(out).to.deep.equal({ properties: { p: to }, patternProperties: { '^x': to }, items: [to, to], additionalProperties: to, not: to, allOf: [to], anyOf: [to], oneOf: [to] });
    expect(convertSchema({ additionalProperties: false }, resolve)).to.deep.equal({ additionalProperties: false });
  });

  it('keeps a __proto__ property name as data', () => {
    const { resolve } = resolver({});
    const out = convertSchema(JSON.parse('{"properties":{"__proto__":{"type":"string"}}}'), resolve) as { properties: object };
    expect(Object.getOwnPropertyNames(out.properties)).to.deep.equal(['__proto__']);
    expect(Object.getPrototypeOf(out.properties)).to.equal(Object.prototype);
  });

  it('answers a boolean schema as it is and anything else that is not an object as the empty schema', () => {
    const { resolve } = resolver({});
    expect(convertSchema(false, resolve)).to.equal(false);
    expect(convertSchema('text', resolve)).to.deep.equal({});
    expect(convertSchema([{ type: 'string' }], resolve)).to.deep.equal({});
  });

  it('converts 65 nested schemas and refuses 66 with an MsbAsyncApiError naming the bound', () => {
    const { resolve } = resolver({});
    expect(() => convertSchema(nested(65), resolve)).to.not.throw();
    expect(() => convertSchema(nested(66), resolve)).to.throw(MsbAsyncApiError, 'a data format is nested deeper than 64 schemas');
  });

  it('refsIn collects every name a reference may mean, anywhere below, and refuses a value nested too deep', () => {
    const names = refsIn({ properties: { a: { $ref: '#/definitions/A' }, b: { items: [{ $ref: '#/definitions/x~1y' }] } }, default: { $ref: 'elsewhere' } }, new Set());
    expect([...names]).to.deep.equal(['A', 'x~1y', 'x/y']);
    expect(() => refsIn(nested(128), new Set())).to.not.throw();
    expect(() => refsIn(nested(129), new Set())).to.throw(MsbAsyncApiError, 'a data format is nested deeper than 64 schemas');
  });
});
