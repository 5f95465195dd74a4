import { expect } from 'chai';
import { guarded, joinPath, kindOfValue, shownPath, typeCheck, under } from '../../lib/schema/violations';
import type { Out } from '../../lib/schema/violations';

describe('violations: how a check names a place in a value and what it found there', () => {
  it('shows a value by its kind, a string by its text cut at 40 characters', () => {
    const cases: Array<[unknown, string]> = [
      [null, 'null'], [undefined, 'undefined'], ['soon', '"soon"'], ['x'.repeat(41), JSON.stringify(`${'x'.repeat(40)}…`)],
      [1.5, '1.5'], [false, 'false'], [[1], 'an array'], [new Date(0), 'a Date'], [new Date(NaN), 'an invalid Date'],
      [{}, 'an object'], [() => 1, 'function'], [1n, 'bigint'],
    ];
    for (const [v, shown] of cases) expect(kindOfValue(v), String(v)).to.equal(shown);
  });

  it('joins fields with a dot and elements with brackets, the payload itself shown as `value`', () => {
    expect([joinPath('', 'a'), joinPath('a', 'b'), joinPath('a', 0), joinPath('', 0)]).to.deep.equal(['a', 'a.b', 'a[0]', '[0]']);
    expect([under('[1]', ''), under('[1]', 'a'), under('[1]', '[2]'), under('', 'a'), under('x', 'a')]).to.deep.equal(['[1]', '[1].a', '[1][2]', 'a', 'x.a']);
    expect([shownPath(''), shownPath('[0]'), shownPath('a.b')]).to.deep.equal(['value', 'value[0]', 'a.b']);
  });

  it('a type check reports only on the explaining walk, marked as a type violation', () => {
    const isString = typeCheck('a string', (v) => typeof v === 'string');
    const out: NonNullable<Out> = [];
    expect(isString('a', 'p', out)).to.equal(true);
    expect(out).to.deep.equal([]);
    expect(isString(1, 'p', undefined)).to.equal(false);
    expect(isString(1, 'p', out)).to.equal(false);
    expect(out).to.deep.equal([{ path: 'p', message: 'must be a string, got 1', type: true }]);
  });

  it('a check that throws becomes a violation naming what was thrown', () => {
    const check = guarded(() => { throw new Error('boom'); });
    const thrower = guarded(() => { throw 'plain'; });
    const out: NonNullable<Out> = [];
    expect(check({}, 'a', undefined)).to.equal(false);
    expect(check({}, 'a', out)).to.equal(false);
    expect(thrower({}, '', out)).to.equal(false);
    expect(out).to.deep.equal([{ path: 'a', message: 'cannot be checked: boom' }, { path: '', message: 'cannot be checked: plain' }]);
  });
});
