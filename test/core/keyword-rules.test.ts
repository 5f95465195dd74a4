import { expect } from 'chai';
import { compileKeywordCheck, jsonEqual, withKeywords } from '../../lib/schema/keyword-rules';
import { typeCheck } from '../../lib/schema/violations';
import type { Out } from '../../lib/schema/violations';

describe('keyword rules: JSON-schema keywords read as a JSON-schema validator reads them', () => {
  it('names each keyword a value breaks, and every one of them', () => {
    expect(compileKeywordCheck({ minimum: 1, exclusiveMinimum: true })(1)).to.deep.equal(['must be greater than 1']);
    expect(compileKeywordCheck({ maximum: 1, exclusiveMaximum: true })(1)).to.deep.equal(['must be less than 1']);
    expect(compileKeywordCheck({ minimum: 2, maximum: 1 })(1.5)).to.deep.equal(['must be at least 2', 'must be at most 1']);
    expect(compileKeywordCheck({ minLength: 2, pattern: '^a' })('b')).to.deep.equal(['must be at least 2 characters long', 'must match the pattern /^a/']);
    expect(compileKeywordCheck({ enum: ['a', 1] })('b')).to.deep.equal(['must be one of ["a",1]']);
    expect(compileKeywordCheck({ minItems: 1, maxItems: 0 })([])).to.deep.equal(['must have at least 1 items']);
  });

  it('a keyword says nothing about a value of another JSON type', () => {
    for (const v of ['abc', [], true, null, {}]) expect(compileKeywordCheck({ minimum: 5, maximum: 1 })(v), JSON.stringify(v)).to.deep.equal([]);
    for (const v of [3, [], {}]) expect(compileKeywordCheck({ minLength: 5, pattern: '^x' })(v), JSON.stringify(v)).to.deep.equal([]);
    expect(compileKeywordCheck({ minItems: 5, uniqueItems: true })('aa')).to.deep.equal([]);
  });

  it('lengths count code points, not UTF-16 units', () => {
    const smile = '\u{1F600}';
    expect(compileKeywordCheck({ maxLength: 1 })(smile)).to.deep.equal([]);
    expect(compileKeywordCheck({ minLength: 2 })(smile)).to.deep.equal(['must be at least 2 characters long']);
  });

  it('a Date and a Buffer are judged as their wire text', () => {
    expect(compileKeywordCheck({ enum: ['1970-01-01T00:00:00.000Z'] })(new Date(0))).to.deep.equal([]);
    expect(compileKeywordCheck({ maxLength: 3 })(Buffer.from([1, 2, 3]))).to.deep.equal(['must be at most 3 characters long']);
    expect(jsonEqual(Buffer.from([1]), 'AQ==')).to.equal(true);
    expect(jsonEqual('AQ==', new Uint8Array([1]))).to.equal(true);
  });

  it('uniqueItems and an object enum compare as JSON: key order and undefined members do not count', () => {
    expect(jsonEqual({ a: 1, b: [2] }, { b: [2], a: 1, c: undefined })).to.equal(true);
    expect(jsonEqual([1], { 0: 1 })).to.equal(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).to.equal(false);
    expect(compileKeywordCheck({ uniqueItems: true })([{ a: 1 }, 2, { a: 1, z: undefined }])).to.deep.equal(['must not contain duplicates (items 0 and 2 are equal)']);
    expect(compileKeywordCheck({ enum: [{ a: 1 }] })({ a: 1 })).to.deep.equal([]);
  });

  it('on a check: the type first, then the keywords; a passing walk stops at the first, the explaining one lists them all', () => {
    const isNumber = typeCheck('a number', (v) => typeof v === 'number');
    expect(withKeywords(isNumber, {})).to.equal(isNumber);
    const check = withKeywords(isNumber, { minimum: 2, maximum: 1 });
    expect(check(1.5, '', undefined)).to.equal(false);
    const out: NonNullable<Out> = [];
    expect(check('x', 'n', out)).to.equal(false);
    expect(out.map((o) => o.message)).to.deep.equal(['must be a number, got "x"']);
    out.length = 0;
    expect(check(1.5, 'n', out)).to.equal(false);
    expect(out).to.deep.equal([{ path: 'n', message: 'must be at least 2' }, { path: 'n', message: 'must be at most 1' }]);
  });
});
