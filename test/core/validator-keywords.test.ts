import { expect } from 'chai';
import { IS_IN, IS_INT, IS_LENGTH, IS_NOT_EMPTY, IS_NUMBER, IS_STRING, MATCHES, MIN } from 'class-validator';
import { DataType } from '../../lib';
import type { ValidatorConstraint } from '../../lib/schema/class-metadata';
import { coveredNames, refineNumber, schemaKeywords, typeFromValidators } from '../../lib/schema/validator-keywords';

const c = (name: string, ...constraints: unknown[]): ValidatorConstraint => ({ name, constraints, each: false });

describe('validator keywords: what class-validator\'s decorators mean in a data format', () => {
  it('makes keywords from valid arguments, and names the decorator of a bad one instead', () => {
    const problems: string[] = [];
    expect(schemaKeywords([c(IS_LENGTH, 2, 5), c(MIN, Infinity), c(IS_IN, [{ a: 1 }])], (p) => problems.push(p))).to.deep.equal({ minLength: 2, maxLength: 5 });
    expect(problems).to.deep.equal([
      'has @Min(Infinity): the bound must be a finite number',
      'has @IsIn([{"a":1}]): every allowed value must be a string, a finite number, a boolean or null',
    ]);
  });

  it('a pattern JSON schema cannot state (flags, or valid only without the u flag) stays class-validator\'s', () => {
    for (const pattern of [/a/i, '[\\w-a]']) {
      const stated = new Set<string>();
      expect(schemaKeywords([c(MATCHES, pattern)], () => undefined, stated), String(pattern)).to.deep.equal({});
      expect(stated.size, String(pattern)).to.equal(0);
    }
    expect(schemaKeywords([c(MATCHES, /^a+$/)])).to.deep.equal({ pattern: '^a+$' });
  });

  it('infers a DataType from type checkers and allowed values, a definite one over DOUBLE', () => {
    expect(typeFromValidators([c(IS_NUMBER), c(IS_INT)])).to.equal(DataType.INT32);
    expect(typeFromValidators([c(IS_IN, ['a', 'b'])])).to.equal(DataType.STRING);
    expect(typeFromValidators([c(IS_IN, [1, 2 ** 40])])).to.equal(DataType.INT64);
    expect(typeFromValidators([c(MIN, 1)])).to.equal(undefined);
  });

  it('@IsInt is INT64 when its bounds or allowed values need 64 bits', () => {
    expect(refineNumber(DataType.DOUBLE, [c(IS_INT)], {})).to.equal(DataType.INT32);
    expect(refineNumber(DataType.DOUBLE, [c(IS_INT)], { maximum: 2 ** 40 })).to.equal(DataType.INT64);
    expect(refineNumber(DataType.INT32, [c(IS_INT), c(IS_IN, [2 ** 40])], {})).to.equal(DataType.INT64);
    expect(refineNumber(DataType.DOUBLE, [c(IS_IN, [1, 2])], {})).to.equal(DataType.INT32);
    expect(refineNumber(DataType.STRING, [c(IS_INT)], {})).to.equal(DataType.STRING);
  });

  it('covers a type checker only where the field\'s type says the same', () => {
    const covered = (list: ValidatorConstraint[], dataType: DataType) => {
      const into = new Set<string>();
      coveredNames(list, new Set(), { kind: 'simple', dataType }, into);
      return [...into];
    };
    expect(covered([c(IS_INT), c(IS_STRING)], DataType.INT32)).to.deep.equal([IS_INT]);
    expect(covered([c(IS_INT)], DataType.DOUBLE)).to.deep.equal([]);
    expect(covered([c(IS_NUMBER, { maxDecimalPlaces: 2 })], DataType.DOUBLE)).to.deep.equal([]);
    expect(covered([c(IS_NOT_EMPTY)], DataType.STRING)).to.deep.equal([IS_NOT_EMPTY]);
    expect(covered([c(IS_NOT_EMPTY)], DataType.INT32)).to.deep.equal([]);
  });
});
