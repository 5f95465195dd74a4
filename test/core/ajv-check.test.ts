import { expect } from 'chai';
import { ajvCheck } from '../../lib/schema/ajv-check';
import type { Out } from '../../lib/schema/violations';

describe('the Ajv check of a raw data format', () => {
  const check = ajvCheck({ type: 'object', properties: { a: { type: 'array', items: { type: 'integer' } } } });

  it('turns Ajv\'s JSON pointers into the paths the other checks use, below the given path', () => {
    const out: NonNullable<Out> = [];
    expect(check({ a: [1, 'x'] }, 'p', out)).to.equal(false);
    expect(out).to.deep.equal([{ path: 'p.a[1]', message: 'must be integer' }]);
    expect(check({ a: [1, 'x'] }, '', undefined)).to.equal(false);
  });

  it('writes a path at the payload root without a leading dot, and unescapes the pointer', () => {
    const out: NonNullable<Out> = [];
    expect(check({ a: [1, 'x'] }, '', out)).to.equal(false);
    expect(out).to.deep.equal([{ path: 'a[1]', message: 'must be integer' }]);
    const odd = ajvCheck({ type: 'object', properties: { 'a/b~c': { type: 'string' } } });
    const oddOut: NonNullable<Out> = [];
    expect(odd({ 'a/b~c': 1 }, 'p', oddOut)).to.equal(false);
    expect(oddOut).to.deep.equal([{ path: 'p.a/b~c', message: 'must be string' }]);
    expect(check({ a: [1] }, '', undefined)).to.equal(true);
  });

  it('judges what goes on the wire: a Date as its text, an undefined member left out', () => {
    const dateTime = ajvCheck({ type: 'string', format: 'date-time' });
    expect(dateTime(new Date(0), '', undefined)).to.equal(true);
    expect(check({ a: undefined }, '', undefined)).to.equal(true);
    const out: NonNullable<Out> = [];
    expect(dateTime(new Date(NaN), 'at', out)).to.equal(false);
    expect(out.map((o) => o.path)).to.deep.equal(['at']);
  });
});
